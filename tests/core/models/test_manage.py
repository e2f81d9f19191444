"""core.models.manage: delete to a trash, restore, rename, export; shipped models read-only; teacher only."""

import io
import json
import zipfile

import pytest

from core.classroom.roles import Actor, PermissionDenied, Refusal
from core.models import manage
from core.models.selection import DrawSelection, draw_selection, set_draw_selection
from core.models.store import ReadOnlyModel, list_cards

TEACHER, VISITOR = Actor("t", teacher=True), Actor("10.0.0.9")


@pytest.fixture()
def models(models_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(models_copy))
    (models_copy / "SHIPPED").write_text("small-nn-xavier\n")
    return models_copy


def names(models) -> list[str]:
    return [card.name for card in list_cards(models)[0]]


def test_delete_then_restore_brings_back_the_same_files(models):
    original = (models / "small-softmax.keras").read_bytes()
    item = manage.move_to_trash("small-softmax", TEACHER)
    assert names(models) == ["small-nn-xavier"] and item.name == "small-softmax"
    [listed] = manage.list_trash()
    assert listed.id == item.id and listed.card.test_accuracy > 0 and listed.size_bytes > len(original)
    assert manage.restore("small-softmax", TEACHER) == "small-softmax"
    assert names(models) == ["small-nn-xavier", "small-softmax"] and manage.list_trash() == []
    assert (models / "small-softmax.keras").read_bytes() == original


def test_a_restore_never_overwrites_and_can_take_a_new_name(models):
    item = manage.move_to_trash("small-softmax", TEACHER)
    (models / "small-softmax.json").write_text((models / "small-nn-xavier.json").read_text())
    (models / "small-softmax.keras").write_bytes((models / "small-nn-xavier.keras").read_bytes())
    with pytest.raises(Refusal, match="already called small-softmax"):
        manage.restore(item.id, TEACHER)
    assert manage.restore(item.id, TEACHER, new_name="Softmax Again") == "softmax-again"
    assert json.loads((models / "softmax-again.json").read_text())["name"] == "softmax-again"
    assert "softmax-again" in names(models)


def test_rename_moves_both_files_the_card_and_the_draw_choice(models):
    set_draw_selection(DrawSelection(frozenset({"small-softmax"}), None), TEACHER)
    assert manage.rename_model("small-softmax", "Lesson 1", TEACHER) == "lesson-1"
    assert names(models) == ["lesson-1", "small-nn-xavier"]
    assert json.loads((models / "lesson-1.json").read_text())["name"] == "lesson-1"
    assert draw_selection().shown == {"lesson-1"}
    (models / "other.keras").write_bytes(b"taken")
    with pytest.raises(Refusal, match="already called other"):
        manage.rename_model("lesson-1", "other", TEACHER)
    with pytest.raises(Refusal, match="no saved model called nothing"):
        manage.rename_model("nothing", "x", TEACHER)


def test_shipped_models_cannot_be_deleted_renamed_or_shadowed(models):
    for action in (lambda: manage.move_to_trash("small-nn-xavier", TEACHER),
                   lambda: manage.rename_model("small-nn-xavier", "x", TEACHER),
                   lambda: manage.rename_model("small-softmax", "small-nn-xavier", TEACHER)):
        with pytest.raises(ReadOnlyModel):
            action()
    assert names(models) == ["small-nn-xavier", "small-softmax"]


@pytest.mark.parametrize("action", [
    lambda: manage.move_to_trash("small-softmax", VISITOR),
    lambda: manage.rename_model("small-softmax", "mine", VISITOR),
    lambda: manage.restore("small-softmax", VISITOR),
    lambda: manage.empty_trash(VISITOR),
])
def test_a_visitor_changes_nothing(models, action):
    manage.move_to_trash("small-softmax", TEACHER)
    manage.restore("small-softmax", TEACHER)
    manage.move_to_trash("small-softmax", TEACHER)  # one model in the trash
    with pytest.raises(PermissionDenied, match="Only the teacher"):
        action()
    assert names(models) == ["small-nn-xavier"] and len(manage.list_trash()) == 1


def test_list_shows_shipped_quick_and_draw_marks_and_export_zips_model_and_card(models):
    set_draw_selection(DrawSelection(frozenset({"small-softmax"}), frozenset({"small-softmax"})), TEACHER)
    entries, problems = manage.list_models()
    assert not problems
    by_name = {entry.name: entry for entry in entries}
    assert by_name["small-nn-xavier"].shipped and not by_name["small-nn-xavier"].shown
    assert by_name["small-softmax"].voting is True and by_name["small-nn-xavier"].voting is False
    with zipfile.ZipFile(io.BytesIO(manage.export_model("small-softmax"))) as archive:
        assert sorted(archive.namelist()) == ["small-softmax.json", "small-softmax.keras"]
        assert archive.read("small-softmax.keras") == (models / "small-softmax.keras").read_bytes()


def test_empty_trash_deletes_for_good(models):
    manage.move_to_trash("small-softmax", TEACHER)
    assert manage.empty_trash(TEACHER) == 1 and manage.list_trash() == []
    assert names(models) == ["small-nn-xavier"]
