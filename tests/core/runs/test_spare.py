"""Real spare workers (`python -m core.runs.worker --spare TAG`): a run handed to one trains, is cancelled,
survives its spare's death; the spare is replaced after its run. Plus the spare's waiting, without TensorFlow."""

from __future__ import annotations

import os
import signal
import time

import pytest

from core import settings
from core.classroom.roles import Actor
from core.lecture.spec import ModelSpec
from core.runs import dispatcher, spare, spares
from core.runs import store as runs
from core.runs.database import connect
from core.runs.records import FINAL_STATUSES, Run

TINY_MLP = ModelSpec(hidden_units=(64,), epochs=1)
QUICK_DIGITS = 3_000
TIMEOUT_SECONDS = 150  # a spare imports TensorFlow and warms up (5–10 s) and the CPU is shared


@pytest.fixture()
def warm(tmp_path, monkeypatch):
    """Spares on, a private models folder; afterwards every worker has ended and every spare is killed."""
    monkeypatch.setenv(settings.WARM_WORKER_VARIABLE, "1")
    monkeypatch.setenv(settings.MODELS_DIR_VARIABLE, str(tmp_path / "models"))
    yield tmp_path
    monkeypatch.setenv(settings.WARM_WORKER_VARIABLE, "0")
    for run in runs.list_runs():  # a run's monitor starts the next spare as it ends: let it
        if run.status in FINAL_STATUSES:
            wait_until(lambda: not dispatcher.process_alive(run.pid, run.id, run.worker_tag))
    for row in spares.all_spares():
        if dispatcher.process_alive(row.pid, tag=row.tag):
            os.killpg(row.pid, signal.SIGKILL)


def wait_until(condition, timeout: float = TIMEOUT_SECONDS, reconcile: bool = False):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if reconcile:
            dispatcher.reconcile()
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out; runs {[(r.id, r.status, r.error) for r in runs.list_runs()]}, "
                         f"spares {spares.all_spares()}")


def wait_final(run_id: int) -> Run:
    return wait_until(lambda: (run := runs.get_run(run_id)).status in FINAL_STATUSES and run, reconcile=True)


def ready_spare() -> spares.Spare:
    tag = dispatcher.keep_a_spare()
    assert tag is not None
    return wait_until(lambda: (row := spares.get(tag)) and row.status == "ready" and row)


def test_a_run_handed_to_a_ready_spare_trains_and_the_spare_is_replaced(warm):
    first = ready_spare()
    run_id = runs.create_run(TINY_MLP, "warm-mlp", train_limit=QUICK_DIGITS)
    assert dispatcher.dispatch() == [run_id]
    assert runs.get_run(run_id).worker_tag == first.tag and runs.get_run(run_id).pid == first.pid
    run = wait_final(run_id)
    assert run.status == "finished", run.error
    assert run.result.saved_model == "warm-mlp" and run.result.test_accuracy > 0.7
    assert run.result.steps_run == QUICK_DIGITS // 100
    steps = [m["step"] for m in runs.get_metrics(run_id) if m["kind"] == "step"]
    assert steps == [*range(1, 10), 10, 20, 30]  # as a fresh worker logs them
    assert (warm / "models" / "warm-mlp.keras").is_file()
    wait_until(lambda: not dispatcher.process_alive(first.pid, tag=first.tag))  # one run per process
    log = runs.log_path(run_id).read_text()
    assert f"run {run_id}: finished" in log and "retracing" not in log  # the spare's output is the run's log
    assert spares.get(first.tag) is None and not spares.log_path(first.tag).exists()
    replacement = wait_until(lambda: [row for row in spares.all_spares() if row.status in spares.WAITING_STATUSES])
    assert [row.tag for row in replacement] != [first.tag] and len(replacement) == 1


def thread_niceness(pid: int) -> set[int]:
    """The niceness of every thread of process `pid` (Linux keeps one per thread)."""
    return {os.getpriority(os.PRIO_PROCESS, int(task)) for task in os.listdir(f"/proc/{pid}/task")}


def test_a_spare_waits_at_the_lowest_priority_and_its_run_trains_at_the_usual_one_and_can_be_cancelled(warm):
    waiting = ready_spare()
    usual = os.getpriority(os.PRIO_PROCESS, 0)
    assert thread_niceness(waiting.trainer_pid) == {spare.SPARE_NICENESS}  # TensorFlow's threads too
    run_id = runs.create_run(ModelSpec(hidden_units=(64,), epochs=3), "long")  # 1,800 steps: minutes
    assert dispatcher.dispatch() == [run_id]
    wait_until(lambda: runs.get_metrics(run_id))
    # Raising a priority back needs root (or a nice limit): elsewhere the run says so in its log.
    expected = usual if os.geteuid() == 0 else spare.SPARE_NICENESS
    assert thread_niceness(runs.get_run(run_id).trainer_pid) == {expected}
    assert runs.cancel(run_id, Actor("teacher", teacher=True)) == "running"
    run = wait_final(run_id)
    assert run.status == "cancelled" and run.result.saved_model is None
    assert not (warm / "models" / "long.keras").exists()


def test_a_spare_killed_before_it_gets_a_run_leaves_no_row_and_the_next_run_trains(warm):
    tag = dispatcher.keep_a_spare()
    trainer = wait_until(lambda: spares.get(tag).trainer_pid)
    os.kill(trainer, signal.SIGKILL)  # the trainer alone: its monitor removes the row
    wait_until(lambda: spares.get(tag) is None)
    tag = dispatcher.keep_a_spare()
    pid = spares.get(tag).pid
    os.killpg(pid, signal.SIGKILL)  # monitor and trainer together: the row stays until someone tidies
    wait_until(lambda: not dispatcher.process_alive(pid, tag=tag))
    run_id = runs.create_run(TINY_MLP, "after-a-kill", train_limit=QUICK_DIGITS)
    assert dispatcher.dispatch() == [run_id]
    assert runs.get_run(run_id).worker_tag is None  # a fresh worker
    assert dispatcher.keep_a_spare() is None and spares.get(tag) is None  # forgotten; none starts while it trains
    run = wait_final(run_id)
    assert run.status == "finished", run.error


def test_a_spare_killed_after_it_took_a_run_fails_the_run_with_the_signal(warm):
    tag = dispatcher.keep_a_spare()
    trainer = wait_until(lambda: spares.get(tag).trainer_pid)
    run_id = runs.create_run(TINY_MLP, "lost", train_limit=QUICK_DIGITS)
    assert dispatcher.dispatch() == [run_id]  # a spare still warming up may take a run
    assert runs.get_run(run_id).trainer_pid == trainer
    os.kill(trainer, signal.SIGKILL)
    run = wait_final(run_id)
    assert run.status == "failed" and "SIGKILL" in run.error


def test_a_waiting_spare_learns_its_run_or_its_retirement():
    tag = spares.start_one("f", None, lambda tag: os.getpid())
    assert not spare.is_taken(tag) and spare.wait_for_run(tag, idle_seconds=0) is None  # idle too long: retired
    assert spares.get(tag).status == "retired" and spare.is_taken(tag)
    tag = spares.start_one("f", None, lambda tag: os.getpid())
    with connect(immediate=True) as connection:
        spares.take(connection, 9, "f", lambda pid, tag: True)
    assert spare.is_taken(tag) and spare.wait_for_run(tag) == 9
    spares.forget(tag)
    assert spare.wait_for_run(tag) is None
