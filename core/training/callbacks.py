"""The trainer's Keras callback: the lecture's progress reports, the NaN stop, cancel, the step limit, layer probes.

It imports Keras, so the trainer imports it only when it trains.
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable

import keras

from core.training.internals import probe_schedule


class StepCosts(keras.metrics.Metric):
    """Each step's own cost, for the first `size` steps of an epoch: the steps between two reports.

    Keras hands a callback only the last of the `steps_per_execution` steps it runs in one call; a
    cost that explodes within those steps (the lecture's lr-too-high run) would show only as NaN.
    This metric keeps every step's cost in a small buffer inside the compiled loop, so the first
    report of a run can draw the rise step by step.
    """

    def __init__(self, loss: keras.losses.Loss, size: int, name: str = "step_costs"):
        super().__init__(name=name)
        self.loss, self.size = loss, size
        self.costs = self.add_variable(shape=(size,), initializer="zeros", name="costs")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype="int32", name="count")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Record this step's cost (while the buffer has room)."""
        cost = keras.ops.cast(self.loss(y_true, y_pred), "float32")
        index = keras.ops.minimum(self.count, self.size - 1)
        keep = keras.ops.cast(self.count < self.size, "float32")
        updated = keras.ops.scatter_update(self.costs, keras.ops.reshape(index, (1, 1)), keras.ops.reshape(cost, (1,)))
        self.costs.assign(keep * updated + (1 - keep) * self.costs)
        self.count.assign(self.count + 1)

    def result(self) -> Any:
        """Steps recorded this epoch."""
        return self.count

    def recorded(self) -> list[float]:
        """The costs of the epoch's first steps so far."""
        return [float(value) for value in keras.ops.convert_to_numpy(self.costs)[:min(int(self.count), self.size)]]


class LectureProgress(keras.callbacks.Callback):
    """Logs every few steps and every epoch; stops on NaN, on cancel and at the step limit."""

    def __init__(self, on_progress: Callable[[dict[str, Any]], None] | None, should_stop: Callable[[], bool] | None,
                 log_every: int, max_steps: int | None, batches_per_epoch: int, step_offset: int, member: int,
                 probe: Any = None, step_costs: StepCosts | None = None):
        super().__init__()
        self.step_costs = step_costs  # every step's cost before the first report
        self.probe = probe  # a LayerProbe: layer statistics every epoch and at about twenty steps of the first
        self.probe_due = probe_schedule(batches_per_epoch, log_every)
        self.on_progress, self.should_stop = on_progress, should_stop
        self.log_every, self.max_steps, self.batches_per_epoch = log_every, max_steps, batches_per_epoch
        self.step_offset, self.member = step_offset, member
        self.step = 0
        self.last_logged_step = 0
        self.last_first_step = 0  # steps before the first report already sent
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
        broken = not math.isfinite(cost)
        if broken:
            self.diverged_at_step = self._first_broken_step()
        if self.epoch == 0 and self.step_costs is not None and self.last_logged_step == 0:
            self._emit_first_steps(until=self.diverged_at_step)
        if broken:  # the run ends here: its last point (and its epoch's) is the step the cost broke
            self.model.stop_training = True
            self.step = self.diverged_at_step
            self._emit("step", cost=cost, accuracy=float(logs.get("accuracy", float("nan"))))
            return
        if self.step - self.last_logged_step >= self.log_every:
            self.last_logged_step = self.step
            self._emit("step", cost=cost, accuracy=float(logs.get("accuracy", float("nan"))))
            if self.probe_due(self.step):
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

    def _first_broken_step(self) -> int:
        """The step whose cost broke: found in the first steps' record when it is there, else this step."""
        if self.epoch == 0 and self.step_costs is not None:
            for index, cost in enumerate(self.step_costs.recorded()[:self.step], start=1):
                if not math.isfinite(cost):
                    return index
        return self.step

    def _emit_first_steps(self, until: int | None = None) -> None:
        """Until the first report (or the step `until`, excluded): every step, as the running mean Keras reports."""
        costs = self.step_costs.recorded()[:(until or self.step) - 1]
        reported = self.step
        for index, cost in enumerate(costs, start=1):
            if index > self.last_first_step:
                self.step = index
                self._emit("step", cost=float(sum(costs[:index]) / index), accuracy=float("nan"))
        self.last_first_step = max(self.last_first_step, len(costs))
        self.step = reported

    def _emit_layers(self, **values: Any) -> None:
        if self.probe is not None:
            self._emit("layers", layers=[stats.to_dict() for stats in self.probe.measure()], **values)

    def _emit(self, kind: str, **values: Any) -> None:
        if self.on_progress is None:
            return
        event = {"kind": kind, "step": self.step_offset + self.step, "epoch": values.pop("epoch", self.epoch + 1),
                 "member": self.member, "seconds": time.perf_counter() - self.started, **values}
        self.on_progress(event)
