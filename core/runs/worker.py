"""One training run in its own OS process: `python -m core.runs.worker RUN_ID`.

Started by `core.dispatcher.dispatch`. It loads the run from the store, trains it with
`core.training.train`, writes the metrics to SQLite in small batches (no event waits longer
than `FLUSH_SECONDS`, and a few writes a second at most, so logging never slows training),
polls the cancel flag cheaply, saves the
model and its card on success only, records the final status (finished, diverged, cancelled
or failed with the reason) and then starts the next queued run.

MNIST_LAB_WORKER_CRASH_AFTER_STEPS=N makes the worker die hard (os._exit, no clean-up)
after step N: a real crash, for the tests of what a crash leaves behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import sys
import time
import traceback
from typing import Any

from core import settings
from core.runs import dispatcher
from core.runs import store as runs
from core.runs.records import RunResult

FLUSH_SECONDS = 0.25  # metrics reach the store at most this late; one small transaction per flush
CANCEL_POLL_SECONDS = 0.5
CRASH_AFTER_STEPS_VARIABLE = settings.WORKER_CRASH_VARIABLE
CRASH_EXIT_CODE = 70


class MetricLogger:
    """Buffers progress events and writes them to the run store in batches; answers 'should I stop?' cheaply."""

    def __init__(self, run_id: int, total_steps: int, steps_per_epoch: int, flush_seconds: float = FLUSH_SECONDS):
        self.run_id, self.total_steps, self.flush_seconds = run_id, total_steps, flush_seconds
        self.steps_per_epoch = steps_per_epoch
        self.buffer: list[dict[str, Any]] = []
        self.last_flush = time.monotonic()
        self.last_event: float | None = None
        self.event_interval = 0.0  # seconds between the last two events: predicts when the next one comes
        self.last_cancel_check = 0.0
        self.cancelled = False
        self.phase = ""
        self.seconds_spent = 0.0  # time training waited for logging and cancel checks (the benchmark reports it)
        self.train_call: dict[str, float] = {}
        self.crash_after_steps = settings.worker_crash_after_steps()

    def on_progress(self, event: dict[str, Any]) -> None:
        """core.training.trainer's on_progress: keep the event; flush if it is time, an epoch ended or the cost broke."""
        started = time.perf_counter()
        self._log(event)
        self.seconds_spent += time.perf_counter() - started

    def _log(self, event: dict[str, Any]) -> None:
        now = time.monotonic()
        self.event_interval = now - self.last_event if self.last_event is not None else 0.0
        self.last_event = now
        self.buffer.append({**event, "logged_at": time.time()})
        if self.crash_after_steps is not None and event["step"] >= self.crash_after_steps:
            print(f"simulated crash after step {event['step']} ({CRASH_AFTER_STEPS_VARIABLE})", file=sys.stderr, flush=True)
            os._exit(CRASH_EXIT_CODE)
        cost_broke = not math.isfinite(event.get("cost", 0.0))
        # Flush now if waiting for the next event would keep this one buffered past the deadline; an epoch's
        # last step is followed by the validation pass, so it goes out at once.
        due = now - self.last_flush + self.event_interval >= self.flush_seconds
        epoch_ends = event["kind"] == "epoch" or event["step"] % self.steps_per_epoch == 0
        if epoch_ends or cost_broke or due:
            self.flush()
        if event["kind"] == "step":
            self.set_phase("testing on the 10,000 test digits" if event["step"] >= self.total_steps else "training")

    def should_stop(self) -> bool:
        """core.training.trainer's should_stop: reads the cancel flag at most every CANCEL_POLL_SECONDS."""
        now = time.monotonic()
        if not self.cancelled and now - self.last_cancel_check >= CANCEL_POLL_SECONDS:
            self.last_cancel_check = now
            self.cancelled = runs.is_cancel_requested(self.run_id)
            self.seconds_spent += time.monotonic() - now
        return self.cancelled

    def flush(self) -> None:
        """Write the buffered events in one transaction."""
        if self.buffer:
            events, self.buffer = self.buffer, []
            runs.add_metrics(self.run_id, events)
        self.last_flush = time.monotonic()

    def set_phase(self, phase: str) -> None:
        """Record what the worker does now (written only when it changes)."""
        if phase != self.phase:
            self.phase = phase
            runs.set_phase(self.run_id, phase)


def _run_result(result: Any, preset: Any, saved_name: str | None, logger: MetricLogger) -> RunResult:
    """The run's record: the training summary (rounded for the store) plus what became of the model."""
    summary = dataclasses.replace(result.summary(), seconds=round(result.seconds, 3),
                                  samples_per_second=round(result.samples_per_second, 1))
    return RunResult(**dataclasses.asdict(summary), published_accuracy=preset.published_accuracy if preset else None,
                     saved_model=saved_name, logging_seconds=round(logger.seconds_spent, 4), train_call=logger.train_call)


def run_worker(run_id: int) -> str:
    """Train run `run_id` to its end and record the outcome; returns the final status."""
    runs.wait_for_writers()  # this process may start before its dispatcher has committed "running"
    run = runs.get_run(run_id)
    if run is None or run.status != "running":
        return run.status if run else "missing"  # cancelled before this process started, or not dispatched
    logger = MetricLogger(run_id, run.total_steps, run.steps_per_epoch)
    try:
        from core.datasets.mnist import load_mnist
        from core.lecture.presets import PRESETS
        from core.models.card import make_card
        from core.models.store import save_model

        logger.set_phase("loading MNIST")
        data = load_mnist()
        if logger.should_stop():
            runs.set_status(run_id, "cancelled")
            return "cancelled"
        logger.set_phase("importing TensorFlow and building the model")
        import keras  # noqa: F401 - imported before the clock starts: the timings below are the training's own

        from core.training.trainer import train

        preset = PRESETS.get(run.preset) if run.preset else None
        wall, cpu = time.perf_counter(), time.process_time()
        result = train(run.spec, data, on_progress=logger.on_progress, should_stop=logger.should_stop,
                       train_limit=run.train_limit)
        logger.flush()
        logger.train_call = {"wall_seconds": round(time.perf_counter() - wall, 3),
                             "cpu_seconds": round(time.process_time() - cpu, 3)}
        saved_name = None
        if result.diverged:
            status = "diverged"
        elif result.cancelled:
            status = "cancelled"
        else:  # only a model that trained to its end is saved
            logger.set_phase("saving the model")
            save_model(result.model, make_card(run.name, run.spec, result, preset))
            status, saved_name = "finished", run.name
        runs.set_status(run_id, status, result=_run_result(result, preset, saved_name, logger))
        return status
    except BaseException as error:  # noqa: BLE001 - every failure must end as a recorded status
        traceback.print_exc()
        with contextlib.suppress(Exception):
            logger.flush()
        reason = (str(error).strip().splitlines() or [""])[-1][:300]
        with contextlib.suppress(Exception):
            runs.set_status(run_id, "failed", error=f"{type(error).__name__}: {reason}" if reason else type(error).__name__)
        return "failed"


def main(argv: list[str] | None = None) -> int:
    """Entry point: train the run, then start whatever is queued next."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or not argv[0].isdigit():
        print("usage: python -m core.runs.worker RUN_ID", file=sys.stderr)
        return 2
    settings.quiet_tensorflow()  # before TensorFlow's import: its start-up notices would be the log's last line
    keeper = runs.hold_open()  # keeps the many small metric writes cheap
    status = "failed"
    try:
        status = run_worker(int(argv[0]))
        print(f"run {argv[0]}: {status}", file=sys.stderr, flush=True)
        try:
            dispatcher.reconcile()
        except Exception:  # noqa: BLE001 - the run is recorded; the next page load dispatches again
            traceback.print_exc()
    finally:
        keeper.close()
    return 0 if status in ("finished", "diverged", "cancelled") else 1


if __name__ == "__main__":
    sys.exit(main())
