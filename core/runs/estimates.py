"""How long a spec will train here: the layer table's estimate, calibrated by the runs that finished on this machine."""

from __future__ import annotations

from core.lecture import architecture
from core.lecture.spec import ModelSpec
from core.runs import store
from core.runs.records import Run

CALIBRATION_MIN_SAMPLES = 20_000  # shorter runs are dominated by start-up, not by the model's speed


def measured_speeds(finished: list[Run]) -> list[tuple[ModelSpec, float]]:
    """(spec, samples per second) of the finished runs long enough to say how fast their model trains."""
    return [(run.spec, run.result.samples_per_second) for run in finished
            if run.status == "finished" and run.result is not None
            and run.result.steps_run * run.spec.batch_size >= CALIBRATION_MIN_SAMPLES]


def estimate_for(spec: ModelSpec, train_size: int) -> architecture.EpochEstimate:
    """Seconds per epoch of `spec` on `train_size` digits, calibrated by the run store's finished runs."""
    return architecture.estimate_epoch_seconds(spec, train_size, measured_speeds(store.list_runs()))
