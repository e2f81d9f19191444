"""The run store: status transitions, queue order, cancel, recovery after a restart (real SQLite, real processes)."""

from __future__ import annotations

import math
import os

import pytest

from core import settings
from core.classroom.roles import Actor, PermissionDenied, Refusal
from core.runs import database, dispatcher
from core.runs import store as runs
from core.runs.records import InvalidTransition, RunResult
from tests.core.runs.conftest import SLEEPER, SMALL_SPEC

TEACHER = Actor("teacher-laptop", teacher=True)
ANNA, BORA = Actor("10.0.0.11"), Actor("10.0.0.12")


def test_a_new_run_is_queued_with_its_spec_and_options():
    run_id = runs.create_run(SMALL_SPEC, "My Model!", preset=None, train_limit=2000, based_on="nn-xavier")
    run = runs.get_run(run_id)
    assert (run.status, run.name, run.spec, run.train_limit) == ("queued", "my-model", SMALL_SPEC, 2000)
    assert run.options["based_on"] == "nn-xavier"
    assert runs.database_path().parent == settings.runs_dir()
    with runs.connect() as connection:  # WAL: pages read while a worker writes
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_invalid_runs_are_refused_before_they_are_stored():
    with pytest.raises(ValueError, match="keep_prob"):
        runs.create_run(SMALL_SPEC.replace(keep_prob=0.0), "bad")
    with pytest.raises(ValueError, match="train_limit"):
        runs.create_run(SMALL_SPEC, "tiny-slice", train_limit=50)
    assert runs.list_runs() == []


def test_status_transitions_follow_the_life_cycle():
    run_id = runs.create_run(SMALL_SPEC, "a")
    with pytest.raises(InvalidTransition, match="queued"):
        runs.set_status(run_id, "finished")  # never trained
    runs.set_status(run_id, "running", pid=os.getpid())
    result = RunResult(test_accuracy=0.9, train_accuracy=None, validation_accuracy=None, diverged_at_step=None,
                       epochs_run=1, steps_run=10, seconds=1.0, samples_per_second=1000.0)
    runs.set_status(run_id, "finished", result=result)
    run = runs.get_run(run_id)
    assert run.status == "finished" and run.result == result
    assert run.queued_at <= run.started_at <= run.finished_at
    for status in ("running", "failed", "cancelled", "interrupted", "diverged"):
        with pytest.raises(InvalidTransition, match="finished"):
            runs.set_status(run_id, status)  # a final status is final
    with pytest.raises(InvalidTransition):
        runs.set_status(run_id, "queued")


def test_metrics_round_trip_and_a_nan_cost_reads_back_as_none():
    run_id = runs.create_run(SMALL_SPEC, "a")
    runs.add_metrics(run_id, [
        {"kind": "step", "step": 10, "epoch": 1, "member": 0, "cost": 2.3, "accuracy": 0.1, "seconds": 0.5},
        {"kind": "step", "step": 20, "epoch": 1, "member": 0, "cost": float("nan"), "accuracy": 0.1, "seconds": 1.0},
        {"kind": "epoch", "step": 20, "epoch": 1, "cost": float("inf"), "accuracy": 0.1, "validation_cost": 1.0,
         "validation_accuracy": 0.5, "seconds": 1.2},
    ])
    metrics = runs.get_metrics(run_id)
    assert [m["step"] for m in metrics] == [10, 20, 20]
    assert metrics[1]["cost"] is None and math.isinf(metrics[2]["cost"])
    assert metrics[2]["validation_accuracy"] == 0.5


def test_cancel_a_queued_run_at_once_and_a_running_one_by_its_flag():
    running, queued = runs.create_run(SMALL_SPEC, "running"), runs.create_run(SMALL_SPEC, "queued")
    dispatcher.dispatch(max_parallel=1, worker_command=SLEEPER)
    assert runs.cancel(queued, TEACHER) == "cancelled"
    assert runs.get_run(queued).finished_at is not None
    assert not runs.is_cancel_requested(running)
    assert runs.cancel(running, TEACHER) == "running"  # the worker stops at its next check
    assert runs.is_cancel_requested(running)
    runs.set_status(running, "cancelled")
    assert runs.cancel(running, TEACHER) == "cancelled"  # cancelling twice is harmless
    assert dispatcher.dispatch(max_parallel=1, worker_command=SLEEPER) == []  # nothing left in the queue


def test_a_visitor_cancels_their_own_run_and_only_the_teacher_cancels_anothers():
    annas, boras = runs.create_run(SMALL_SPEC, "annas", owner=ANNA.owner), runs.create_run(SMALL_SPEC, "boras", owner=BORA.owner)
    with pytest.raises(PermissionDenied, match="another visitor"):
        runs.cancel(boras, ANNA)
    assert runs.get_run(boras).status == "queued" and not runs.is_cancel_requested(boras)
    assert runs.cancel(annas, ANNA) == "cancelled"
    assert runs.cancel(boras, TEACHER) == "cancelled"
    unowned = runs.create_run(SMALL_SPEC, "from-an-older-store")  # no owner: the teacher's to cancel
    with pytest.raises(PermissionDenied):
        runs.cancel(unowned, ANNA)


def test_only_the_teacher_clears_the_queue_and_running_runs_keep_training():
    running, *queued = (runs.create_run(SMALL_SPEC, name, owner=ANNA.owner) for name in ("a", "b", "c"))
    dispatcher.dispatch(max_parallel=1, worker_command=SLEEPER)
    with pytest.raises(PermissionDenied, match="clear the queue"):
        runs.clear_queue(ANNA)
    assert runs.queue_positions() == {queued[0]: 1, queued[1]: 2}
    assert runs.clear_queue(TEACHER) == queued
    assert [runs.get_run(run_id).status for run_id in (running, *queued)] == ["running", "cancelled", "cancelled"]


def test_an_admission_check_sees_the_queue_inside_the_write_transaction():
    runs.create_run(SMALL_SPEC, "first", owner=ANNA.owner)
    seen = []

    def admit(counts: runs.QueueCounts) -> None:
        seen.append(counts)
        if counts.active_for_owner >= 1:
            raise Refusal("full")

    with pytest.raises(Refusal):
        runs.create_run(SMALL_SPEC, "second", owner=ANNA.owner, admit=admit)
    runs.create_run(SMALL_SPEC, "bora", owner=BORA.owner, admit=admit)
    assert [(c.active, c.active_for_owner, c.active_names) for c in seen] == [
        (1, 1, frozenset({"first"})), (1, 0, frozenset({"first"}))]
    assert [run.name for run in runs.list_runs()] == ["bora", "first"]


def test_a_store_made_before_the_classroom_columns_gets_them(run_store):
    import sqlite3

    run_store.mkdir(parents=True)
    old = sqlite3.connect(run_store / "runs.sqlite3")
    old.executescript(database.SCHEMA)  # the first release's tables, without owner, trainer_pid, …
    old.execute("INSERT INTO runs (name, spec, status, queued_at) VALUES ('old', ?, 'finished', 1.0)",
                (SMALL_SPEC.to_json(),))
    old.commit()
    old.close()
    [run] = runs.list_runs()
    assert (run.name, run.owner, run.trainer_pid, run.error_info) == ("old", None, None, None)


def test_a_layers_event_keeps_its_statistics():
    run_id = runs.create_run(SMALL_SPEC, "inside")
    layers = [{"layer": "dense 1", "gradient_norm": 0.5, "dead_fraction": 0.1}, {"layer": "output", "gradient_norm": 0.9}]
    runs.add_metrics(run_id, [{"kind": "step", "step": 10, "epoch": 1, "cost": 1.0},
                              {"kind": "layers", "step": 10, "epoch": 1, "layers": layers}])
    step, probe = runs.get_metrics(run_id)
    assert step["layers"] is None and probe["kind"] == "layers" and probe["layers"] == layers
