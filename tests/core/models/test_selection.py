"""core.models.selection: the teacher's choice of the Draw page's models, per models folder, teacher only."""

import pytest

from core.classroom.roles import Actor, PermissionDenied
from core.models.selection import DrawSelection, draw_selection, rename_in_selection, set_draw_selection

TEACHER, VISITOR = Actor("t", teacher=True), Actor("10.0.0.9")


@pytest.fixture(autouse=True)
def private_state(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(tmp_path / "models"))


def test_with_no_choice_every_model_is_shown_and_the_page_decides_who_votes():
    assert draw_selection() == DrawSelection(None, None)
    assert draw_selection().is_shown("anything")


def test_the_teacher_chooses_and_a_visitor_cannot(tmp_path):
    chosen = DrawSelection(shown=frozenset({"cnn-deep", "nn"}), voting=frozenset({"cnn-deep"}))
    with pytest.raises(PermissionDenied, match="Draw page"):
        set_draw_selection(chosen, VISITOR)
    assert draw_selection() == DrawSelection()
    set_draw_selection(chosen, TEACHER)
    assert draw_selection() == chosen and not draw_selection().is_shown("softmax")
    assert draw_selection(tmp_path / "another-folder") == DrawSelection()  # a choice belongs to its folder
    set_draw_selection(DrawSelection(shown=None, voting=frozenset()), TEACHER)
    assert draw_selection() == DrawSelection(None, frozenset())


def test_a_renamed_model_keeps_its_place():
    set_draw_selection(DrawSelection(frozenset({"old", "nn"}), frozenset({"old"})), TEACHER)
    rename_in_selection("old", "new")
    assert draw_selection() == DrawSelection(frozenset({"new", "nn"}), frozenset({"new"}))
