"""The Models page, headless (AppTest): everyone sees and downloads; only the signed-in teacher changes anything."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.classroom.limits import current_limits
from core.models.selection import draw_selection
from core.settings import REPO_ROOT
from tests.pages.untranslated import untranslated

APP = str(REPO_ROOT / "app.py")
PAGE = "pages/4_Models.py"
PASSWORD = "sejong 1443"


@pytest.fixture()
def models(models_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(models_copy))
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("MNIST_LAB_MAX_PARALLEL_RUNS", "0")
    monkeypatch.setenv("MNIST_LAB_LANGUAGE", "en")  # widgets' labels, as AppTest formats them outside the page
    monkeypatch.delenv("MNIST_LAB_TEACHER_PASSWORD", raising=False)
    (models_copy / "SHIPPED").write_text("small-nn-xavier\n")
    return models_copy


def open_page(language: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE)
    at.query_params["lang"] = language
    at.run()
    assert not at.exception, at.exception
    return at


def buttons(at: AppTest) -> set[str]:
    return {button.key for button in at.button if button.key}


def sign_in(at: AppTest, password: str) -> AppTest:
    at.text_input(key="teacher_password_input").set_value(password)
    next(button for button in at.button if button.label == "Sign in").click().run()
    assert not at.exception
    return at


def test_everyone_sees_the_models_with_their_marks_and_can_download_one(models):
    at = open_page()
    table = at.dataframe[0].value
    assert list(table["model"]) == ["small-nn-xavier", "small-softmax"]
    assert list(table["notes"]) == ["shipped", ""]
    assert at.get("download_button")  # .keras + card as a zip, for everyone
    assert untranslated(open_page("pseudo"), names=["small-nn-xavier", "small-softmax", "MLP", "MB"]) == []


def test_in_desk_mode_the_user_is_the_teacher_delete_and_restore(models):
    at = open_page()
    assert "Desk mode" in " ".join(caption.value for caption in at.sidebar.caption)
    at.selectbox(key="models_chosen").set_value("small-softmax").run()
    at.button(key="models_delete").click().run()
    assert "Moved small-softmax to the trash" in at.success[0].value
    assert list(at.dataframe[0].value["model"]) == ["small-nn-xavier"]
    [restore] = [key for key in buttons(at) if key.startswith("models_restore_")]
    at.button(key=restore).click().run()
    assert "Restored small-softmax." in at.success[0].value
    assert sorted(at.dataframe[0].value["model"]) == ["small-nn-xavier", "small-softmax"]


def test_a_visitor_gets_no_teacher_buttons_and_a_wrong_password_changes_nothing(models, monkeypatch):
    monkeypatch.setenv("MNIST_LAB_TEACHER_PASSWORD", PASSWORD)
    at = open_page()
    at.selectbox(key="models_chosen").set_value("small-softmax").run()
    teacher_only = {"models_delete", "models_rename", "models_save_selection", "limits_save", "limits_reset",
                    "models_empty_trash", "classroom_clear_queue"}
    assert not teacher_only & buttons(at)
    assert "Only the teacher can rename or delete models." in [caption.value for caption in at.caption]
    sign_in(at, "guess")
    assert "That is not the teacher password." in [error.value for error in at.sidebar.error]
    assert not teacher_only & buttons(at)
    sign_in(at, PASSWORD)
    assert "Signed in as the teacher." in at.sidebar.success[0].value
    assert {"models_delete", "models_rename", "models_save_selection", "limits_save"} <= buttons(at)
    at.button(key="teacher_sign_out").click().run()
    assert "models_delete" not in buttons(at)


def test_the_teacher_picks_the_draw_pages_models_and_sets_a_limit(models, monkeypatch):
    monkeypatch.setenv("MNIST_LAB_TEACHER_PASSWORD", PASSWORD)
    at = sign_in(open_page(), PASSWORD)
    at.toggle(key="models_show_all").set_value(False).run()
    at.multiselect(key="models_shown").set_value(["small-softmax"]).run()
    at.button(key="models_save_selection").click().run()
    assert draw_selection().shown == {"small-softmax"} and draw_selection().voting is None
    at.number_input(key="limits_runs_per_visitor").set_value(3).run()
    at.button(key="limits_save").click().run()
    assert current_limits().runs_per_visitor == 3
    table = at.dataframe[0].value
    assert dict(zip(table["model"], table["on the Draw page"])) == {"small-nn-xavier": False, "small-softmax": True}


def test_a_models_card_shows_its_real_handwriting_figure_beside_its_test_accuracy(models):
    from core.models.store import update_card

    update_card(models / "small-softmax.json", {"handwriting_accuracy": 0.8123})
    at = open_page()
    table = at.dataframe[0].value
    assert list(table["real handwriting"]) == [None, 0.8123] or list(table["real handwriting"].fillna(-1)) == [-1, 0.8123]
    at.selectbox(key="models_chosen").set_value("small-softmax").run()
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Test accuracy"].endswith("%") and metrics["Real handwriting"] == "81.2%"
    at.selectbox(key="models_chosen").set_value("small-nn-xavier").run()
    assert {metric.label: metric.value for metric in at.metric}["Real handwriting"] == "–"  # not measured
