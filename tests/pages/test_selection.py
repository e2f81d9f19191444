"""The Draw page shows only the models the teacher chose (core.models.selection), through the page itself (AppTest)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.classroom.roles import Actor
from core.models.selection import DrawSelection, set_draw_selection
from tests.pages.test_draw_page import draw, open_page, white_on_black

TEACHER = Actor("teacher", teacher=True)


def drawn(models, monkeypatch) -> AppTest:
    return draw(open_page(models, monkeypatch), white_on_black(3))


def shown_models(at: AppTest) -> set[str]:
    return {metric.label.split()[-1] for metric in at.metric}


def test_the_draw_page_shows_only_the_chosen_models(models_copy, monkeypatch):
    assert shown_models(drawn(models_copy, monkeypatch)) == {"small-softmax", "small-nn-xavier"}
    set_draw_selection(DrawSelection(shown=frozenset({"small-nn-xavier"}), voting=None), TEACHER)  # beside its runs
    at = drawn(models_copy, monkeypatch)
    assert shown_models(at) == {"small-nn-xavier"}
    assert any("small-nn-xavier" in caption.value for caption in at.caption)  # the one shown model votes


def test_a_bad_card_or_weights_under_the_wrong_card_are_skipped_with_a_note_and_the_rest_answer(models_copy, tmp_path,
                                                                                                monkeypatch):
    import json

    softmax = json.loads((models_copy / "small-softmax.json").read_text())
    (models_copy / "small-softmax.json").write_text(json.dumps({**softmax, "test_accuracy": "very high"}))
    impostor = json.loads((models_copy / "small-nn-xavier.json").read_text())  # a 64-unit net's card…
    (models_copy / "impostor.json").write_text(json.dumps({**impostor, "name": "impostor", "test_accuracy": 0.9938}))
    (models_copy / "impostor.keras").write_bytes((models_copy / "small-softmax.keras").read_bytes())  # …softmax weights
    at = drawn(models_copy, monkeypatch)
    notes = " ".join(warning.value for warning in at.warning)
    assert "small-softmax.json: a wrong model card (test_accuracy" in notes
    assert "impostor.keras: its weights (7,850 parameters) are not the model its card describes" in notes
    assert shown_models(at) == {"small-nn-xavier"}  # the one good model answers
