"""core.classroom.limits: defaults that suit a 2-core classroom, set by the teacher only, kept in range."""

import dataclasses

import pytest

from core.classroom import state
from core.classroom.limits import Limits, current_limits, reset_limits, set_limits
from core.classroom.roles import Actor, PermissionDenied, Refusal
from core.lecture.architecture import parameter_count
from core.lecture.presets import PRESETS

TEACHER, VISITOR = Actor("t", teacher=True), Actor("10.0.0.7")


@pytest.fixture(autouse=True)
def private_state(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))


def test_the_defaults_let_visitors_train_the_lecture_presets_but_not_a_giant():
    limits = current_limits()
    assert limits == Limits()
    trainable = [name for name, preset in PRESETS.items() if preset.spec.total_steps() <= limits.visitor_max_steps
                 and parameter_count(preset.spec) <= limits.visitor_max_parameters]
    assert {"softmax", "nn", "nn-xavier", "nn-dropout", "cnn-lab", "cnn-deep"} <= set(trainable)
    giant = PRESETS["nn"].spec.replace(hidden_units=(2048,) * 10)
    assert parameter_count(giant) > limits.visitor_max_parameters


def test_the_teacher_sets_limits_and_a_visitor_cannot():
    changed = dataclasses.replace(Limits(), runs_per_visitor=3, visitors_full_runs=False)
    with pytest.raises(PermissionDenied):
        set_limits(changed, VISITOR)
    assert current_limits() == Limits()
    set_limits(changed, TEACHER)
    assert current_limits() == changed
    with pytest.raises(PermissionDenied):
        reset_limits(VISITOR)
    reset_limits(TEACHER)
    assert current_limits() == Limits()


def test_out_of_range_limits_are_refused_and_stored_nonsense_keeps_the_defaults():
    with pytest.raises(Refusal, match="runs_per_visitor must be a whole number from 0 to 20"):
        set_limits(dataclasses.replace(Limits(), runs_per_visitor=500), TEACHER)
    state.write_section("limits", {"runs_per_visitor": "many", "max_models": 7, "visitors_quick_runs": "no"})
    assert current_limits() == dataclasses.replace(Limits(), max_models=7)
