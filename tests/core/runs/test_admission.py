"""core.runs.admission: unique default names, shipped models read-only, the visitor's quota and the teacher's limits."""

import dataclasses
import re
import threading

import pytest

from core.classroom.limits import Limits, set_limits
from core.classroom.roles import Actor, Refusal
from core.lecture.presets import get_preset
from core.models.store import ReadOnlyModel
from core.runs import admission
from core.runs import store as runs
from tests.core.runs.conftest import SMALL_SPEC

TEACHER = Actor("teacher", teacher=True)
ANNA, BORA = Actor("10.0.0.11"), Actor("10.0.0.12")


@pytest.fixture(autouse=True)
def models(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "SHIPPED").write_text("nn-dropout\n")
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(folder))
    return folder


def test_default_names_are_the_preset_and_a_short_id_and_say_quick():
    names = {admission.default_name("nn-dropout") for _ in range(50)}
    assert len(names) == 50 and all(re.fullmatch(r"nn-dropout-[0-9a-f]{4}", name) for name in names)
    assert re.fullmatch(r"nn-custom-quick-[0-9a-f]{4}", admission.default_name("nn", quick=True, custom=True))


def test_a_run_cannot_be_saved_over_a_shipped_model_or_another_model(models):
    with pytest.raises(ReadOnlyModel, match="nn-dropout is a shipped lecture model"):
        admission.submit_run(SMALL_SPEC, "nn-dropout", TEACHER)
    with pytest.raises(ReadOnlyModel):
        admission.submit_run(SMALL_SPEC, "NN Dropout", TEACHER, replace=True)  # not even the teacher
    (models / "mine.keras").write_bytes(b"a saved model")
    with pytest.raises(Refusal, match="already called mine"):
        admission.submit_run(SMALL_SPEC, "mine", ANNA)
    with pytest.raises(Refusal, match="Only the teacher can replace"):
        admission.submit_run(SMALL_SPEC, "mine", ANNA, replace=True)
    run_id = admission.submit_run(SMALL_SPEC, "mine", TEACHER, replace=True)
    assert runs.get_run(run_id).options["replace"] is True
    with pytest.raises(Refusal, match="A run called mine is already waiting"):
        admission.submit_run(SMALL_SPEC, "mine", TEACHER, replace=True)


def test_a_visitor_has_a_quota_of_active_runs_and_the_teacher_none():
    set_limits(dataclasses.replace(Limits(), runs_per_visitor=2, active_runs=3), TEACHER)
    first = admission.submit_run(SMALL_SPEC, "anna-1", ANNA)
    admission.submit_run(SMALL_SPEC, "anna-2", ANNA)
    with pytest.raises(Refusal, match="You already have 2 run"):
        admission.submit_run(SMALL_SPEC, "anna-3", ANNA)
    admission.submit_run(SMALL_SPEC, "bora-1", BORA)
    with pytest.raises(Refusal, match="The queue is full"):
        admission.submit_run(SMALL_SPEC, "bora-2", BORA)
    admission.submit_run(SMALL_SPEC, "teachers", TEACHER)  # the teacher is exempt
    runs.cancel(first, ANNA)  # an ended run frees its place in the visitor's quota…
    with pytest.raises(Refusal, match="The queue is full"):  # …but not in the queue, still 4 long
        admission.submit_run(SMALL_SPEC, "anna-3", ANNA)
    assert sorted(run.name for run in runs.list_runs()) == ["anna-1", "anna-2", "bora-1", "teachers"]


def test_two_tabs_pressing_train_at_once_cannot_both_slip_under_the_quota():
    set_limits(dataclasses.replace(Limits(), runs_per_visitor=1), TEACHER)
    outcomes = []

    def press(number: int) -> None:
        try:
            outcomes.append(admission.submit_run(SMALL_SPEC, f"tab-{number}", ANNA))
        except Refusal:
            outcomes.append("refused")

    tabs = [threading.Thread(target=press, args=(number,)) for number in range(6)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    assert outcomes.count("refused") == 5 and len(runs.list_runs()) == 1


def test_visitors_runs_are_bounded_in_steps_parameters_and_kind():
    giant = get_preset("nn").spec.replace(hidden_units=(2048,) * 10, steps=1_000_000, epochs=None)
    with pytest.raises(Refusal, match="would train 1,000,000 steps"):
        admission.submit_run(giant, "giant", ANNA)
    with pytest.raises(Refusal, match="has 39,395,338 parameters"):
        admission.submit_run(giant.replace(steps=10), "giant", ANNA, train_limit=1_000)
    set_limits(dataclasses.replace(Limits(), visitors_quick_runs=False), TEACHER)
    with pytest.raises(Refusal, match="turned quick runs off"):
        admission.submit_run(SMALL_SPEC, "quick", ANNA, train_limit=1_000)
    set_limits(dataclasses.replace(Limits(), visitors_full_runs=False), TEACHER)
    with pytest.raises(Refusal, match="quick runs only"):
        admission.submit_run(SMALL_SPEC, "full", ANNA)
    assert admission.submit_run(SMALL_SPEC, "quick", ANNA, train_limit=1_000)
    assert admission.submit_run(giant, "teachers-giant", TEACHER)  # the teacher decides for themself
    assert runs.list_runs()[0].owner == "teacher"


def test_no_run_starts_when_the_saved_models_fill_the_teachers_limits(models):
    set_limits(dataclasses.replace(Limits(), max_models=2, max_models_megabytes=10), TEACHER)
    for name in ("a", "b"):
        (models / f"{name}.keras").write_bytes(b"x" * 1000)
    with pytest.raises(Refusal, match="already 2 saved models"):
        admission.submit_run(SMALL_SPEC, "c", TEACHER)
    (models / "b.keras").unlink()
    (models / "a.keras").write_bytes(b"x" * 9_990_000)
    with pytest.raises(Refusal, match="over the teacher's limit of 10 MB"):
        admission.submit_run(SMALL_SPEC, "c", TEACHER)
