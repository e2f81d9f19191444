"""The class's digits, headless (AppTest): a tap on the Draw page keeps a drawing; the Class digits page shows it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.drawing import labelled
from core.settings import REPO_ROOT
from tests.pages.test_draw_page import draw, open_page, white_on_black
from tests.pages.untranslated import untranslated

APP = str(REPO_ROOT / "app.py")
PAGE = "pages/5_Class_digits.py"
PASSWORD = "sejong 1443"
SMALL_MODELS = {"small-softmax", "small-nn-xavier"}


@pytest.fixture()
def models(models_copy, monkeypatch):
    monkeypatch.delenv("MNIST_LAB_TEACHER_PASSWORD", raising=False)
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(models_copy))
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(models_copy.parent / "runs"))
    return models_copy


def class_page(language: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = language
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def tap(at: AppTest, digit: int) -> AppTest:
    at.button(key=f"draw_label_{digit}").click().run()
    assert not at.exception, at.exception
    return at


def test_a_tap_keeps_the_drawing_and_a_second_tap_corrects_it(models, monkeypatch):
    at = draw(open_page(models, monkeypatch), white_on_black(7))
    tap(at, 1)
    [kept] = labelled.list_drawings()
    assert kept.label == 1 and kept.image.shape == (28, 28) and kept.image.max() == 255
    assert labelled.canvas_png(kept.id)[:4] == b"\x89PNG"
    assert any("Kept as a 1" in caption.value for caption in at.caption)
    tap(at, 7)  # the visitor meant 7: corrected, not added
    [corrected] = labelled.list_drawings()
    assert corrected.label == 7 and corrected.answered == kept.answered
    draw(at, white_on_black(3, seed=1), seq=2)  # a new drawing is a new one to label
    tap(at, 3)
    assert [drawing.label for drawing in labelled.list_drawings()] == [7, 3]


def test_with_no_drawings_the_page_says_how_to_add_some(models):
    at = class_page()
    assert any("tap the digit you meant" in box.value for box in at.info)
    assert {row for row in at.table[0].value.iloc[:, 0]} == SMALL_MODELS  # every model, no class figure yet


def test_the_teacher_sees_every_drawing_and_deletes_a_bad_one(models):
    ids = [labelled.add_drawing(digit, white_on_black(digit)[::10, ::10, 0], b"png", answered=digit, visitor="tab")
           for digit in (2, 2, 5)]
    at = class_page()
    assert [metric.value for metric in at.metric][2] == "2" and [metric.value for metric in at.metric][5] == "1"
    table = at.table[0].value
    assert set(table.iloc[:, 0]) == SMALL_MODELS and all(value.endswith("%") for value in table.iloc[:, 2])
    assert len(at.get("download_button")) == 2
    at.button(key=f"class_delete_{ids[0]}").click().run()
    assert [drawing.id for drawing in labelled.list_drawings()] == ids[1:]


def test_a_visitor_sees_the_figures_but_not_the_drawings(models, monkeypatch):
    labelled.add_drawing(4, white_on_black(4)[::10, ::10, 0], b"png", visitor="tab")
    monkeypatch.setenv("MNIST_LAB_TEACHER_PASSWORD", PASSWORD)
    at = class_page()
    assert len(at.table) == 1 and not [button for button in at.button if (button.key or "").startswith("class_delete")]
    assert len(at.get("download_button")) == 0
    assert any("The teacher sees every drawing" in caption.value for caption in at.caption)


def test_every_visible_string_is_translated(models):
    labelled.add_drawing(4, white_on_black(4)[::10, ::10, 0], b"png", visitor="tab")
    assert untranslated(class_page("pseudo"), names=SMALL_MODELS) == []


def test_a_damaged_drawings_store_is_one_line_and_the_draw_page_still_answers(models, monkeypatch):
    labelled.database_path().parent.mkdir(parents=True, exist_ok=True)
    labelled.database_path().write_bytes(b"this is not an SQLite database" * 100)
    at = class_page()
    assert len(at.error) == 1 and "cannot be read" in at.error[0].value and not at.exception
    drawn = draw(open_page(models, monkeypatch), white_on_black(7))
    tap(drawn, 7)
    assert len(drawn.metric) == 2 and "Could not keep the drawing" in drawn.error[0].value
