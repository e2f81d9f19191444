"""The trainer's Keras callback: the lecture's progress reports, the NaN stop, cancel, the step limit, layer probes.

It imports Keras, so the trainer imports it only when it trains.
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable

import keras


class LectureProgress(keras.callbacks.Callback):
    """Logs every few steps and every epoch; stops on NaN, on cancel and at the step limit."""

    def __init__(self, on_progress: Callable[[dict[str, Any]], None] | None, should_stop: Callable[[], bool] | None,
                 log_every: int, max_steps: int | None, batches_per_epoch: int, step_offset: int, member: int,
                 probe: Any = None):
        super().__init__()
        self.probe = probe  # a LayerProbe: layer statistics every epoch and every logged step of the first
        self.on_progress, self.should_stop = on_progress, should_stop
        self.log_every, self.max_steps, self.batches_per_epoch = log_every, max_steps, batches_per_epoch
        self.step_offset, self.member = step_offset, member
        self.step = 0
        self.last_logged_step = 0
        self.epoch = 0
        self.diverged_at_step: int | None = None
        self.cancelled = False
        self.started = time.perf_counter()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Remember the epoch (Keras counts from 0)."""
        self.epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Every few steps: report the cost, poll the stop flag; stop on NaN or at the step limit."""
        self.step = self.epoch * self.batches_per_epoch + batch + 1
        cost = float(logs["loss"])
        if not math.isfinite(cost):
            self.diverged_at_step = self.step
            self.model.stop_training = True
            self._emit("step", cost=cost, accuracy=float(logs.get("accuracy", float("nan"))))
            return
        if self.step - self.last_logged_step >= self.log_every:
            self.last_logged_step = self.step
            self._emit("step", cost=cost, accuracy=float(logs.get("accuracy", float("nan"))))
            if self.step <= self.batches_per_epoch:
                self._emit_layers()
            if self.should_stop is not None and self.should_stop():
                self.cancelled = True
                self.model.stop_training = True
        if self.max_steps is not None and self.step >= self.max_steps:
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """The lecture's epoch line (the epoch's mean cost) and the validation figures, then the layers."""
        logs = logs or {}
        self._emit(
            "epoch", epoch=epoch + 1, cost=float(logs.get("loss", float("nan"))),
            accuracy=float(logs.get("accuracy", float("nan"))),
            validation_cost=float(logs.get("val_loss", float("nan"))),
            validation_accuracy=float(logs.get("val_accuracy", float("nan"))),
        )
        self._emit_layers(epoch=epoch + 1)

    def _emit_layers(self, **values: Any) -> None:
        if self.probe is not None:
            self._emit("layers", layers=[stats.to_dict() for stats in self.probe.measure()], **values)

    def _emit(self, kind: str, **values: Any) -> None:
        if self.on_progress is None:
            return
        event = {"kind": kind, "step": self.step_offset + self.step, "epoch": values.pop("epoch", self.epoch + 1),
                 "member": self.member, "seconds": time.perf_counter() - self.started, **values}
        self.on_progress(event)
