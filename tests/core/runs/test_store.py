"""The run store: status transitions, queue order, cancel, recovery after a restart (real SQLite, real processes)."""

from __future__ import annotations

import math
import os

import pytest

from core import settings
from core.runs import dispatcher
from core.runs import store as runs
from core.runs.records import InvalidTransition, RunResult
from tests.core.runs.conftest import SLEEPER, SMALL_SPEC


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
    assert runs.cancel(queued) == "cancelled"
    assert runs.get_run(queued).finished_at is not None
    assert not runs.is_cancel_requested(running)
    assert runs.cancel(running) == "running"  # the worker stops at its next check
    assert runs.is_cancel_requested(running)
    runs.set_status(running, "cancelled")
    assert runs.cancel(running) == "cancelled"  # cancelling twice is harmless
    assert dispatcher.dispatch(max_parallel=1, worker_command=SLEEPER) == []  # nothing left in the queue
