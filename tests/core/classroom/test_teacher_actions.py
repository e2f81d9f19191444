"""Every teacher-only action, asked by a visitor, is refused by core/ itself and changes nothing (no button needed)."""

from __future__ import annotations

import json

import pytest

from core.classroom import limits, state
from core.classroom.limits import Limits
from core.classroom.roles import Actor, PermissionDenied, Refusal
from core.lecture.spec import ModelSpec
from core.models import manage, selection
from core.runs import admission, database
from core.runs import store as runs

TEACHER, VISITOR = Actor("teacher", teacher=True), Actor("ip:10.0.0.20")
SPEC = ModelSpec(hidden_units=(16,), epochs=1)


@pytest.fixture()
def classroom(models_copy, tmp_path, monkeypatch):
    """Two saved models, one in the trash, one visitor's run and another visitor's run waiting."""
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(models_copy))
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    (models_copy / "extra.json").write_text((models_copy / "small-softmax.json").read_text())
    (models_copy / "extra.keras").write_bytes((models_copy / "small-softmax.keras").read_bytes())
    manage.move_to_trash("extra", TEACHER)
    runs.create_run(SPEC, "visitors-own", owner=VISITOR.owner)
    others = runs.create_run(SPEC, "someone-elses", owner="ip:10.0.0.21")
    return models_copy, others


def snapshot(models) -> tuple:
    """Everything a teacher action could change."""
    files = sorted(path.relative_to(models).as_posix() for path in models.rglob("*"))
    return (files, json.dumps(state.read_state(), sort_keys=True),
            [(run.id, run.status, run.cancel_requested) for run in runs.list_runs()], database.database_path().exists())


TEACHER_ONLY = {
    "delete a model": lambda others: manage.move_to_trash("small-softmax", VISITOR),
    "rename a model": lambda others: manage.rename_model("small-softmax", "mine", VISITOR),
    "restore a model": lambda others: manage.restore("extra", VISITOR),
    "empty the trash": lambda others: manage.empty_trash(VISITOR),
    "pin models to the Draw page": lambda others: selection.set_draw_selection(
        selection.DrawSelection(frozenset({"small-softmax"}), None), VISITOR),
    "cancel another visitor's run": lambda others: runs.cancel(others, VISITOR),
    "clear the queue": lambda others: runs.clear_queue(VISITOR),
    "change the limits": lambda others: limits.set_limits(Limits(runs_per_visitor=20), VISITOR),
    "reset the limits": lambda others: limits.reset_limits(VISITOR),
    "replace the run store": lambda others: database.move_damaged_store_aside(VISITOR),
    "replace a saved model": lambda others: admission.submit_run(SPEC, "small-softmax", VISITOR, replace=True),
}


@pytest.mark.parametrize("action", TEACHER_ONLY)
def test_a_visitor_is_refused_and_nothing_changes(classroom, action):
    models, others = classroom
    before = snapshot(models)
    with pytest.raises(Refusal) as refused:
        TEACHER_ONLY[action](others)
    assert isinstance(refused.value, PermissionDenied) or "Only the teacher" in str(refused.value)
    assert snapshot(models) == before


@pytest.mark.parametrize("action", TEACHER_ONLY)
def test_the_teacher_may(classroom, action):
    models, others = classroom
    teacher_call = {  # the same calls, as the teacher
        "delete a model": lambda: manage.move_to_trash("small-softmax", TEACHER),
        "rename a model": lambda: manage.rename_model("small-softmax", "mine", TEACHER),
        "restore a model": lambda: manage.restore("extra", TEACHER),
        "empty the trash": lambda: manage.empty_trash(TEACHER),
        "pin models to the Draw page": lambda: selection.set_draw_selection(selection.DrawSelection(), TEACHER),
        "cancel another visitor's run": lambda: runs.cancel(others, TEACHER),
        "clear the queue": lambda: runs.clear_queue(TEACHER),
        "change the limits": lambda: limits.set_limits(Limits(runs_per_visitor=20), TEACHER),
        "reset the limits": lambda: limits.reset_limits(TEACHER),
        "replace the run store": lambda: database.move_damaged_store_aside(TEACHER),
        "replace a saved model": lambda: admission.submit_run(SPEC, "small-softmax", TEACHER, replace=True),
    }[action]
    teacher_call()  # not refused
