"""The run store: status transitions, queue order, cancel, recovery after a restart (real SQLite, real processes)."""

from __future__ import annotations

import math
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from core import dispatcher, runs
from core.spec import ModelSpec

SMALL_SPEC = ModelSpec(hidden_units=(16,), epochs=1)
# A stand-in worker that only sleeps, so the queue can be tested without TensorFlow (argv[1] is the run id).
SLEEPER = (sys.executable, "-c", "import time; time.sleep(60)")


@pytest.fixture(autouse=True)
def run_store(tmp_path, monkeypatch):
    """Every test gets its own empty store."""
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.delenv("MNIST_LAB_MAX_PARALLEL_RUNS", raising=False)
    yield tmp_path / "runs"
    for run in runs.list_runs():  # stop any sleeper still alive (each leads its own process group)
        if run.status == "running" and run.pid not in (None, os.getpid()) and dispatcher.process_alive(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
    dispatcher.reap_children()


def test_a_new_run_is_queued_with_its_spec_and_options():
    run_id = runs.create_run(SMALL_SPEC, "My Model!", preset=None, train_limit=2000, based_on="nn-xavier")
    run = runs.get_run(run_id)
    assert (run.status, run.name, run.spec, run.train_limit) == ("queued", "my-model", SMALL_SPEC, 2000)
    assert run.options["based_on"] == "nn-xavier"
    assert runs.database_path().parent == runs.runs_dir()
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
    with pytest.raises(runs.InvalidTransition, match="queued"):
        runs.set_status(run_id, "finished")  # never trained
    runs.set_status(run_id, "running", pid=os.getpid())
    runs.set_status(run_id, "finished", result={"test_accuracy": 0.9})
    run = runs.get_run(run_id)
    assert run.status == "finished" and run.result == {"test_accuracy": 0.9}
    assert run.queued_at <= run.started_at <= run.finished_at
    for status in ("running", "failed", "cancelled", "interrupted", "diverged"):
        with pytest.raises(runs.InvalidTransition, match="finished"):
            runs.set_status(run_id, status)  # a final status is final
    with pytest.raises(runs.InvalidTransition):
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


def test_dispatch_starts_the_oldest_queued_runs_up_to_the_limit():
    first, second, third = (runs.create_run(SMALL_SPEC, name) for name in ("first", "second", "third"))
    assert runs.queue_positions() == {first: 1, second: 2, third: 3}
    assert dispatcher.dispatch(max_parallel=1, worker_command=SLEEPER) == [first]
    assert dispatcher.dispatch(max_parallel=1, worker_command=SLEEPER) == []  # one at a time
    assert runs.get_run(first).status == "running" and dispatcher.process_alive(runs.get_run(first).pid)
    assert runs.queue_positions() == {second: 1, third: 2}
    assert dispatcher.dispatch(max_parallel=2, worker_command=SLEEPER) == [second]
    assert runs.queue_positions() == {third: 1}


def test_the_parallel_limit_comes_from_the_environment(monkeypatch):
    assert runs.max_parallel_runs() == 1
    monkeypatch.setenv("MNIST_LAB_MAX_PARALLEL_RUNS", "3")
    assert runs.max_parallel_runs() == 3
    monkeypatch.setenv("MNIST_LAB_MAX_PARALLEL_RUNS", "0")  # 0 pauses the queue
    runs.create_run(SMALL_SPEC, "waits")
    assert dispatcher.dispatch(worker_command=SLEEPER) == []


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


def test_restart_marks_runs_whose_worker_is_gone_interrupted_and_keeps_live_ones():
    dead, alive = runs.create_run(SMALL_SPEC, "dead"), runs.create_run(SMALL_SPEC, "alive")
    dispatcher.dispatch(max_parallel=2, worker_command=SLEEPER)
    dead_pid = runs.get_run(dead).pid
    os.killpg(dead_pid, signal.SIGKILL)  # a real death; left unreaped it is a zombie, which is not alive
    deadline = time.monotonic() + 10
    while dispatcher.process_alive(dead_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert dispatcher.mark_interrupted() == [dead]
    assert runs.get_run(dead).status == "interrupted" and "restarted" in runs.get_run(dead).error
    assert runs.get_run(alive).status == "running"


def test_reconcile_fails_a_dead_worker_with_its_last_words_and_starts_the_next():
    crashing, waiting = runs.create_run(SMALL_SPEC, "crashing"), runs.create_run(SMALL_SPEC, "waiting")
    crash = (sys.executable, "-c", "import sys; print('boom: out of cheese', file=sys.stderr); sys.exit(3)")
    dispatcher.dispatch(max_parallel=1, worker_command=crash)
    deadline = time.monotonic() + 20
    while dispatcher.process_alive(runs.get_run(crashing).pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert dispatcher.reconcile(max_parallel=1, worker_command=SLEEPER) == [waiting]
    failed = runs.get_run(crashing)
    assert failed.status == "failed"
    assert "exit code 3" in failed.error and "boom: out of cheese" in failed.error


def test_a_worker_reaped_before_its_run_is_marked_still_reports_its_exit_code():
    # The order a page's polling can produce: the worker dies between the dead-worker check and the reaping.
    run_id = runs.create_run(SMALL_SPEC, "crashing")
    crash = (sys.executable, "-c", "import sys; print('simulated crash', file=sys.stderr); sys.exit(70)")
    dispatcher.dispatch(max_parallel=1, worker_command=crash)
    pid = runs.get_run(run_id).pid
    deadline = time.monotonic() + 20
    stat = Path(f"/proc/{pid}/stat")
    while stat.read_text().rsplit(")", 1)[1].split()[0] != "Z":  # exited; a zombie until reaped
        assert time.monotonic() < deadline, "the stand-in worker did not exit"
        time.sleep(0.05)
    dispatcher.reap_children()  # collects the exit status first…
    assert dispatcher.mark_dead_workers_failed() == [run_id]  # …then the run is marked
    failed = runs.get_run(run_id)
    assert failed.status == "failed"
    assert "the worker process died (exit code 70)" in failed.error and "simulated crash" in failed.error


def test_a_live_process_that_is_not_the_runs_worker_does_not_count(run_store):
    run_id = runs.create_run(SMALL_SPEC, "a")
    runs.set_status(run_id, "running", pid=os.getpid())  # alive, but it is this test, not a worker for the run
    assert dispatcher.process_alive(os.getpid())
    assert not dispatcher.process_alive(os.getpid(), run_id)
    assert dispatcher.mark_interrupted() == [run_id]
