"""A run's progress on its way to the store: events buffered and written in small batches, the cancel flag polled.

No event waits longer than `FLUSH_SECONDS` and there are a few writes a second at most, so logging
never slows training; the cancel flag is read at most every `CANCEL_POLL_SECONDS`.
MNIST_LAB_WORKER_CRASH_AFTER_STEPS=N makes the process die hard (os._exit) after step N, for the
tests of what a crash leaves behind.
"""

from __future__ import annotations

import math
import os
import sys
import time
from typing import Any, Callable

from core import settings
from core.i18n import N_
from core.runs import store as runs

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
        self.slowest_write = 0.0  # the longest single write to the store (a lock held elsewhere shows here)
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
            self.set_phase(N_("testing on the 10,000 test digits") if event["step"] >= self.total_steps
                           else N_("training"))

    def should_stop(self, force: bool = False) -> bool:
        """core.training.trainer's should_stop: reads the cancel flag at most every CANCEL_POLL_SECONDS (`force`: now)."""
        now = time.monotonic()
        if not self.cancelled and (force or now - self.last_cancel_check >= CANCEL_POLL_SECONDS):
            self.last_cancel_check = now
            self.cancelled = runs.is_cancel_requested(self.run_id)
            self.seconds_spent += time.monotonic() - now
        return self.cancelled

    def flush(self) -> None:
        """Write the buffered events in one transaction."""
        if self.buffer:
            events, self.buffer = self.buffer, []
            self._timed(runs.add_metrics, events)
        self.last_flush = time.monotonic()

    def set_phase(self, phase: str) -> None:
        """Record what the worker does now (written only when it changes)."""
        if phase != self.phase:
            self.phase = phase
            self._timed(runs.set_phase, phase)

    def _timed(self, write: Callable[..., None], value: Any) -> None:
        """One write of this run's row or metrics to the store, keeping the longest it took."""
        started = time.monotonic()
        write(self.run_id, value)
        self.slowest_write = max(self.slowest_write, time.monotonic() - started)
