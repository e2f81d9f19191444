"""core.charts.progress: clocks, progress and ETA of a running run, the step it diverged, the recent-batch cost."""

import pytest

from core.charts.progress import (
    divergence_step,
    finite,
    phase_text,
    progress,
    recent_batches,
)
from core.charts.pace import tail_seconds
from core.lecture.spec import ModelSpec
from core.runs.records import Run, RunResult

SPEC = ModelSpec(hidden_units=(64,), epochs=2, batch_size=100)


def a_run(status: str = "running", started_at: float | None = 1_000.0, result: RunResult | None = None,
          phase: str = "training") -> Run:
    return Run(id=7, name="m", spec=SPEC, preset=None, status=status, phase=phase, queued_at=990.0,
               started_at=started_at, finished_at=None, pid=None, cancel_requested=False, error=None, result=result,
               options={"train_limit": 5_000})


def step(number: int, logged_at: float, cost: float = 0.5) -> dict:
    return {"kind": "step", "step": number, "epoch": (number - 1) // 50 + 1, "member": 0, "cost": cost,
            "accuracy": 0.9, "seconds": logged_at - 1_000.0, "logged_at": logged_at}


def test_progress_extrapolates_from_the_logged_rate():
    where = progress(a_run(), [step(10, 1_002.0), step(30, 1_004.0)], now=1_004.0)
    assert where.fraction == pytest.approx(30 / 100)  # 2 epochs × 50 batches of a 5,000-digit quick run
    # 10 steps per second, 70 steps to go, the first epoch's validation (5,000 digits at a quarter of the 1,000
    # digits/s trained: 1.25 s), then the last validation, the test pass and the save (4.05 s)
    assert where.eta == pytest.approx(7.0 + 1.25 + tail_seconds(a_run(), 10.0))
    assert tail_seconds(a_run(), 10.0) == pytest.approx(15_000 / 1_000 * 0.25 + 0.3)
    assert "epoch 1 of 2 · step 30 of 100" in where.text and "about 0:12 left" in where.text


def test_progress_before_the_first_step_says_what_the_worker_does():
    where = progress(a_run(phase="loading MNIST"), [], now=1_003.0)
    assert where.fraction == 0.0 and where.eta is None and where.text.startswith("loading MNIST")
    assert progress(a_run(status="queued", started_at=None), [], now=1_003.0) is None


def test_the_divergence_step_comes_from_the_result_or_the_first_broken_cost():
    assert divergence_step(a_run(), [step(10, 1.0), step(20, 2.0, cost=float("nan"))]) == 20
    result = RunResult(test_accuracy=0.098, train_accuracy=None, validation_accuracy=None, diverged_at_step=13,
                       epochs_run=1, steps_run=13, seconds=1.0, samples_per_second=1.0)
    assert divergence_step(a_run(status="diverged", result=result), []) == 13
    assert divergence_step(a_run(), [step(10, 1.0)]) is None


def test_a_workers_phase_is_shown_in_the_visitors_language():
    from core.i18n.catalog import set_language

    set_language("ko")
    try:
        assert phase_text("loading MNIST") == "MNIST 불러오는 중" and phase_text("an unknown phase") == "an unknown phase"
    finally:
        set_language(None)


def test_finite():
    assert finite(0.0) and not finite(None) and not finite(float("inf")) and not finite(float("nan"))


def test_the_step_curve_shows_the_recent_batches_and_the_epoch_curve_the_lecture_mean():
    # Keras' running epoch means: batches 1–10 cost 2.0, batches 11–20 cost 1.0 → mean 1.5 after 20; new epoch at 21.
    steps = [{"kind": "step", "step": 10, "epoch": 1, "cost": 2.0, "accuracy": 0.5},
             {"kind": "step", "step": 20, "epoch": 1, "cost": 1.5, "accuracy": 0.6},
             {"kind": "step", "step": 30, "epoch": 2, "cost": 0.8, "accuracy": 0.9},
             {"kind": "step", "step": 40, "epoch": 2, "cost": None, "accuracy": 0.9}]
    recent = recent_batches(steps, per_epoch=20)
    assert [event["cost"] for event in recent] == [2.0, pytest.approx(1.0), 0.8, None]
    assert recent[1]["accuracy"] == pytest.approx(0.7)
