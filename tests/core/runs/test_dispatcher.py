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


def kill_and_wait(pid: int) -> None:
    os.killpg(pid, signal.SIGKILL)  # a real death; left unreaped it is a zombie, which is not alive
    deadline = time.monotonic() + 10
    while dispatcher.process_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_only_a_computer_restart_makes_a_run_interrupted(monkeypatch, tmp_path):
    earlier_boot, dead, alive = (runs.create_run(SMALL_SPEC, name) for name in ("earlier-boot", "dead", "alive"))
    dispatcher.dispatch(max_parallel=3, worker_command=SLEEPER)
    assert runs.get_run(alive).boot_id == dispatcher.boot_id() is not None
    kill_and_wait(runs.get_run(earlier_boot).pid)
    kill_and_wait(runs.get_run(dead).pid)
    (tmp_path / "boot_id").write_text("a-later-boot\n")  # the computer restarted: the first run's boot is over
    with runs.connect() as connection:  # …as if the others had started after the restart
        connection.execute("UPDATE runs SET boot_id = 'a-later-boot' WHERE id != ?", (earlier_boot,))
    monkeypatch.setattr(dispatcher, "BOOT_ID_PATH", tmp_path / "boot_id")
    assert dispatcher.mark_interrupted() == [earlier_boot]
    assert runs.get_run(earlier_boot).status == "interrupted"
    assert runs.get_run(earlier_boot).error == "the computer restarted while this run trained"
    assert runs.get_run(dead).status == "running"  # dead, but no restart: that is a failure, said by reconcile
    assert dispatcher.mark_dead_workers_failed() == [dead]
    assert "killed by signal 9 (SIGKILL)" in runs.get_run(dead).error
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
    assert dispatcher.mark_dead_workers_failed() == [run_id]
    assert runs.get_run(run_id).error == "the worker process died without recording a result"


def test_tensorflow_notices_are_not_a_workers_last_words():
    run_id = runs.create_run(SMALL_SPEC, "noisy")
    runs.log_path(run_id).write_text(
        "Traceback (most recent call last):\nMemoryError: out of memory\n"
        "I0000 00:00:1764000000.000000   12345 cpu_feature_guard.cc:210] This TensorFlow binary is optimized\n"
        "W0000 00:00:1764000000.000001   12345 tensorflow/core/framework/op_kernel.cc:1857] OP_REQUIRES failed\n")
    assert dispatcher.last_words(run_id) == "MemoryError: out of memory"
    assert dispatcher.death_info(-15)["params"] == {"signal": 15, "name": "SIGTERM"}
    assert dispatcher.death_info(None) == {"message": "the worker process died without recording a result", "params": {}}


def test_the_supervisor_notices_a_dead_worker_and_starts_the_next_with_no_page_open():
    crashing, waiting = runs.create_run(SMALL_SPEC, "crashing"), runs.create_run(SMALL_SPEC, "waiting")
    dispatcher.dispatch(max_parallel=1, worker_command=SLEEPER)
    supervisor = dispatcher.Supervisor(interval=0.2, worker_command=SLEEPER).start()
    try:
        kill_and_wait(runs.get_run(crashing).pid)
        deadline = time.monotonic() + 20
        while runs.get_run(waiting).status != "running":
            assert time.monotonic() < deadline, "the supervisor did not move the queue"
            time.sleep(0.1)
    finally:
        supervisor.stop()
    assert "killed by signal 9 (SIGKILL)" in runs.get_run(crashing).error


def test_a_worker_checked_the_moment_it_starts_is_alive_not_dead():
    """subprocess returns before the kernel lays out the new program's arguments: an empty command line is a start."""
    for number in range(20):
        run_id = runs.create_run(SMALL_SPEC, f"fresh-{number}")
        dispatcher.dispatch(max_parallel=number + 1, worker_command=SLEEPER)
        assert dispatcher.mark_dead_workers_failed() == []  # a page reconciling right then
        assert runs.get_run(run_id).status == "running"
