"""core.runs.logger: progress reaches the store in small batches, at once when an epoch ends or the cost breaks."""

import os

from core.classroom.roles import Actor
from core.runs import store as runs
from core.runs.logger import MetricLogger
from tests.core.runs.conftest import SMALL_SPEC


def a_running_run() -> int:
    run_id = runs.create_run(SMALL_SPEC, "logged")
    runs.set_status(run_id, "running", pid=os.getpid())
    return run_id


def step(number: int, cost: float = 1.0) -> dict:
    return {"kind": "step", "step": number, "epoch": 1, "cost": cost, "accuracy": 0.5}


def test_events_wait_in_the_buffer_until_an_epoch_ends():
    run_id = a_running_run()
    logger = MetricLogger(run_id, total_steps=100, steps_per_epoch=50, flush_seconds=60)
    logger.on_progress(step(10))
    logger.on_progress(step(20))
    assert runs.get_metrics(run_id) == [] and len(logger.buffer) == 2
    logger.on_progress(step(50))  # the epoch's last step: the validation pass follows, so it goes out now
    assert [event["step"] for event in runs.get_metrics(run_id)] == [10, 20, 50] and logger.buffer == []


def test_a_broken_cost_is_written_at_once_and_the_phase_follows_the_steps():
    run_id = a_running_run()
    logger = MetricLogger(run_id, total_steps=100, steps_per_epoch=50, flush_seconds=60)
    logger.on_progress(step(10, cost=float("nan")))
    [event] = runs.get_metrics(run_id)
    assert event["cost"] is None and runs.get_run(run_id).phase == "training"
    logger.on_progress(step(100))
    assert runs.get_run(run_id).phase == "testing on the 10,000 test digits"


def test_the_cancel_flag_is_read_rarely_unless_forced():
    run_id = a_running_run()
    logger = MetricLogger(run_id, total_steps=100, steps_per_epoch=50)
    assert not logger.should_stop()
    runs.cancel(run_id, Actor.command_line())
    assert not logger.should_stop()  # read less than CANCEL_POLL_SECONDS ago: not yet asked again
    assert logger.should_stop(force=True) and logger.should_stop()
