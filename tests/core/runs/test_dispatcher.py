"""The dispatcher: the queue starts real processes, a dead worker is noticed, a restart is recovered from."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from core import settings
from core.runs import dispatcher
from core.runs import store as runs
from tests.core.runs.conftest import SLEEPER, SMALL_SPEC


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
    assert settings.max_parallel_runs() == 1
    monkeypatch.setenv("MNIST_LAB_MAX_PARALLEL_RUNS", "3")
    assert settings.max_parallel_runs() == 3
    monkeypatch.setenv("MNIST_LAB_MAX_PARALLEL_RUNS", "0")  # 0 pauses the queue
    runs.create_run(SMALL_SPEC, "waits")
    assert dispatcher.dispatch(worker_command=SLEEPER) == []


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
