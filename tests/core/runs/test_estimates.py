"""core.runs.estimates: the time estimate learns from the runs that finished on this machine."""

import os

import pytest

from core.lecture import architecture
from core.lecture.spec import ModelSpec
from core.runs import estimates
from core.runs import store as runs
from core.runs.records import RunResult

SPEC = ModelSpec(hidden_units=(256, 256), epochs=1)


def finished_run(spec: ModelSpec, steps: int, samples_per_second: float) -> int:
    run_id = runs.create_run(spec, "done")
    runs.set_status(run_id, "running", pid=os.getpid())
    runs.set_status(run_id, "finished", result=RunResult(
        test_accuracy=0.97, train_accuracy=0.98, validation_accuracy=0.97, diverged_at_step=None, epochs_run=1,
        steps_run=steps, seconds=steps * spec.batch_size / samples_per_second, samples_per_second=samples_per_second))
    return run_id


def test_with_no_finished_run_the_estimate_is_the_formula():
    estimate = estimates.estimate_for(SPEC, 55_000)
    assert estimate.basis == "multiply-adds, calibrated on a 2-core CPU"
    assert estimate.samples_per_second == pytest.approx(architecture.formula_samples_per_second(SPEC))


def test_a_finished_run_of_the_same_model_gives_its_own_speed():
    finished_run(SPEC, steps=550, samples_per_second=12_345.0)
    estimate = estimates.estimate_for(SPEC, 55_000)
    assert estimate.samples_per_second == 12_345.0 and estimate.basis.startswith("measured")
    assert estimate.seconds_per_epoch == pytest.approx((55_000 + 5_000 * architecture.EVALUATION_FRACTION) / 12_345)


def test_short_runs_do_not_calibrate_because_start_up_dominates_them():
    finished_run(SPEC, steps=50, samples_per_second=100.0)  # 5,000 digits: below the calibration minimum
    assert estimates.measured_speeds(runs.list_runs()) == []
    assert estimates.estimate_for(SPEC, 55_000).basis == "multiply-adds, calibrated on a 2-core CPU"


def test_another_model_scales_the_formula_by_this_machines_speed():
    other = ModelSpec(hidden_units=(64,), epochs=1)
    finished_run(other, steps=550, samples_per_second=2 * architecture.formula_samples_per_second(other))
    estimate = estimates.estimate_for(SPEC, 55_000)
    assert estimate.samples_per_second == pytest.approx(2 * architecture.formula_samples_per_second(SPEC))
    assert "calibrated by 1 finished run" in estimate.basis
