"""The Draw page shows only the models the teacher chose (core.models.selection), through the page itself (AppTest)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.classroom.roles import Actor
from core.models.selection import DrawSelection, set_draw_selection
from core.settings import REPO_ROOT
from tests.pages.test_draw_page import canvas_state, white_on_black

APP = str(REPO_ROOT / "app.py")
TEACHER = Actor("teacher", teacher=True)


@pytest.fixture()
def models(small_models_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(small_models_dir))
    monkeypatch.setenv("MNIST_LAB_LANGUAGE", "en")  # widgets' labels, as AppTest formats them outside the page
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    return small_models_dir


def page_text(at: AppTest) -> str:
    parts = [element.value for kind in ("markdown", "caption", "warning", "success", "info") for element in at.get(kind)]
    return "\n".join(str(part) for part in parts)


def drawn(language: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/3_Draw.py")
    at.query_params["lang"] = language
    at.run()
    key = f"draw_canvas_{at.session_state['draw_canvas_number']}"
    at.session_state[key] = canvas_state(white_on_black(3))
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_draw_page_shows_only_the_chosen_models(models):
    everyone = drawn()
    assert "small-softmax" in page_text(everyone) and "small-nn-xavier" in page_text(everyone)
    assert len(everyone.metric) == 3  # the ensemble and both models
    set_draw_selection(DrawSelection(shown=frozenset({"small-nn-xavier"}), voting=None), TEACHER)
    chosen = drawn()
    assert "small-nn-xavier" in page_text(chosen) and "small-softmax" not in page_text(chosen)
    assert len(chosen.metric) == 2  # the ensemble and the one shown model


def test_a_bad_card_or_weights_under_the_wrong_card_are_skipped_with_a_note_and_the_rest_answer(models_copy, tmp_path,
                                                                                                monkeypatch):
    import json

    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(models_copy))
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("MNIST_LAB_LANGUAGE", "en")
    softmax = json.loads((models_copy / "small-softmax.json").read_text())
    (models_copy / "small-softmax.json").write_text(json.dumps({**softmax, "test_accuracy": "very high"}))
    impostor = json.loads((models_copy / "small-nn-xavier.json").read_text())  # a 64-unit net's card…
    (models_copy / "impostor.json").write_text(json.dumps({**impostor, "name": "impostor", "test_accuracy": 0.9938}))
    (models_copy / "impostor.keras").write_bytes((models_copy / "small-softmax.keras").read_bytes())  # …softmax weights
    at = drawn()
    notes = " ".join(warning.value for warning in at.warning)
    assert "small-softmax.json: a wrong model card (test_accuracy" in notes
    assert "impostor.keras: its weights (7,850 parameters) are not the model its card describes" in notes
    assert len(at.metric) == 2 and "small-nn-xavier" in page_text(at)  # the ensemble and the one good model
