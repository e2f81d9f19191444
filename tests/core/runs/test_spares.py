"""The spares table without TensorFlow: stand-in spares (sleeping processes with the tag as their last argument)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from core import settings
from core.runs import dispatcher, spares
from core.runs import store as runs
from core.runs.database import connect
from core.runs.records import FINAL_STATUSES
from tests.core.runs.conftest import SMALL_SPEC


def alive(pid, tag):
    return dispatcher.process_alive(pid, tag=tag)


@pytest.fixture()
def stand_ins():
    """Factory: start a stand-in spare process for a tag; every one is killed after the test."""
    started = []

    def start(tag: str) -> int:
        process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", tag], start_new_session=True)
        started.append(process)
        return process.pid

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def take(run_id: int, fingerprint: str = "same"):
    with connect(immediate=True) as connection:
        return spares.take(connection, run_id, fingerprint, alive)


def kill(pid: int) -> None:
    os.killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while alive(pid, None) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_one_spare_per_settings_and_a_run_goes_to_a_live_one_only_once(stand_ins):
    tag = spares.start_one("same", None, stand_ins)
    assert tag and spares.get(tag).status == "starting"
    assert spares.start_one("same", None, stand_ins) is None  # one waits already
    assert spares.tidy("same", alive) is True
    assert take(7, fingerprint="other") is None  # started under other settings: not used
    pid = spares.get(tag).pid
    assert take(7) == (pid, None, tag)
    assert spares.assignment(tag) == ("taken", 7)
    assert take(8) is None  # one run per spare


def test_a_dead_or_foreign_spare_is_never_taken_and_tidy_clears_it(stand_ins):
    dead = spares.start_one("same", None, stand_ins)
    kill(spares.get(dead).pid)
    assert take(1) is None
    assert spares.tidy("same", alive) is False and spares.get(dead) is None  # forgotten
    foreign = spares.start_one("other", None, stand_ins)
    assert spares.tidy("same", alive) is False and spares.get(foreign).status == "retired"
    assert take(1, fingerprint="other") is None  # retired: it exits at its next poll


def test_settle_returns_the_taken_run_and_keeps_only_a_failure(stand_ins):
    taken, unused, broken = (spares.start_one(name, None, stand_ins) for name in ("a", "b", "c"))
    with connect(immediate=True) as connection:
        spares.take(connection, 5, "a", alive)
    assert spares.settle(taken, failed=True) == 5 and spares.get(taken) is None
    assert spares.settle(unused, failed=False) is None and spares.get(unused) is None
    assert spares.settle(broken, failed=True) is None and spares.get(broken).status == "failed"
    assert spares.tidy("c", alive) is True  # a failure lately: no new spare for a while
    assert spares.start_one("c", None, stand_ins) is None


def test_retire_leaves_a_taken_spare_its_run(stand_ins):
    tag = spares.start_one("same", None, stand_ins)
    take(3)
    spares.retire(tag)
    assert spares.assignment(tag) == ("taken", 3)


@pytest.fixture()
def warm(monkeypatch):
    """Spares on; the queue paused for everyone but the test's own dispatch(max_parallel=1), so no worker's
    monitor starts a real spare (or the next run) behind the test's back."""
    monkeypatch.setenv(settings.WARM_WORKER_VARIABLE, "1")
    monkeypatch.setenv(settings.MAX_PARALLEL_RUNS_VARIABLE, "0")


def test_dispatch_hands_a_run_to_a_spare_of_the_same_settings_only(warm, stand_ins):
    other = spares.start_one("not these settings", None, stand_ins)
    run_id = runs.create_run(SMALL_SPEC, "fresh")
    assert dispatcher.dispatch(max_parallel=1) == [run_id]
    run = runs.get_run(run_id)
    assert run.worker_tag is None and run.pid != spares.get(other).pid  # a fresh worker
    runs.set_status(run_id, "cancelled")  # the fresh worker finds it ended and stops before TensorFlow
    assert dispatcher.keep_a_spare() is None  # the queue is paused: no spare starts, but the foreign one retires
    assert spares.get(other).status == "retired"


def test_a_spare_killed_while_it_takes_a_run_fails_the_run(warm, stand_ins):
    tag = spares.start_one(settings.worker_fingerprint(), None, stand_ins)
    run_id = runs.create_run(SMALL_SPEC, "taken")
    assert dispatcher.dispatch(max_parallel=1) == [run_id]
    run = runs.get_run(run_id)
    assert run.worker_tag == tag and run.pid == spares.get(tag).pid and run.status == "running"
    assert dispatcher.mark_dead_workers_failed() == []  # alive: its last argument is its tag
    kill(run.pid)
    assert dispatcher.mark_dead_workers_failed() == [run_id]
    run = runs.get_run(run_id)
    assert run.status in FINAL_STATUSES and run.status == "failed" and "died" in run.error


def test_a_starting_server_retires_every_waiting_spare(stand_ins):
    waiting, taken = spares.start_one("a", None, stand_ins), spares.start_one("b", None, stand_ins)
    take(4, fingerprint="b")
    assert spares.retire_waiting() == [waiting]
    assert spares.get(waiting).status == "retired" and spares.assignment(taken) == ("taken", 4)


def test_a_full_machine_boots_no_spare_not_even_for_a_run_waiting_in_the_queue(warm, stand_ins, monkeypatch):
    monkeypatch.setenv(settings.MAX_PARALLEL_RUNS_VARIABLE, "1")
    training = runs.create_run(SMALL_SPEC, "training")
    runs.set_status(training, "running", pid=stand_ins(str(training)))  # a live worker, its run id last
    assert dispatcher.keep_a_spare() is None  # the machine is full and nothing waits
    runs.create_run(SMALL_SPEC, "next")
    # A spare booting beside the training run would cost it 30–40% of its pace and throw its ETA off; the
    # queued run starts its own worker when the first one ends.
    assert dispatcher.keep_a_spare() is None and spares.all_spares() == []
