"""core.charts.lessons: what a run teaches, as (level, text) plain data, and its row in the results table."""

from core.charts.lessons import Level, lessons, summary_row
from core.lecture.presets import get_preset
from core.lecture.spec import ModelSpec
from core.runs.records import Run, RunResult


def a_run(status: str, result: RunResult | None = None, spec: ModelSpec = ModelSpec(hidden_units=(64,)),
          train_limit: int | None = None, error: str | None = None) -> Run:
    return Run(id=4, name="m", spec=spec, preset=None, status=status, phase="", queued_at=0.0, started_at=1.0,
               finished_at=2.0, pid=None, cancel_requested=False, error=error, result=result,
               options={"train_limit": train_limit})


def a_result(test: float, train: float | None, **changes) -> RunResult:
    values = dict(test_accuracy=test, train_accuracy=train, validation_accuracy=test, diverged_at_step=None,
                  epochs_run=15, steps_run=8_250, seconds=75.0, samples_per_second=11_000.0, saved_model="m",
                  published_accuracy=None)
    return RunResult(**{**values, **changes})


def test_divergence_is_an_error_that_explains_the_summed_cost():
    spec = get_preset("softmax-lr-too-high").spec
    result = a_result(0.098, None, diverged_at_step=9, steps_run=9)
    [(level, text)] = lessons(a_run("diverged", result, spec))
    assert level is Level.ERROR
    assert "diverged at step 9" in text and "100× (the batch size)" in text and "9.8%" in text


def test_a_finished_run_is_compared_with_the_lecture_and_overfitting_is_named():
    result = a_result(0.9742, 0.9990, published_accuracy=0.9742)
    (level, text), (gap_level, gap_text) = lessons(a_run("finished", result))
    assert level is Level.SUCCESS and "+0.00 points" in text and "Saved as `m`" in text
    assert gap_level is Level.WARNING and "Overfitting" in gap_text


def test_close_train_and_test_accuracy_is_said_to_be_fine():
    assert lessons(a_run("finished", a_result(0.97, 0.975)))[1] == (
        Level.INFO, "**#4 m**: training 97.50% and test 97.00% are close: little or no overfitting.")


def test_failed_interrupted_and_cancelled_runs_say_what_happened():
    assert lessons(a_run("failed", error="boom"))[0][0] is Level.ERROR
    assert lessons(a_run("interrupted"))[0][0] is Level.WARNING
    [(level, text)] = lessons(a_run("cancelled", a_result(0.5, 0.5, steps_run=120)))
    assert level is Level.INFO and "after 120 steps" in text
    assert lessons(a_run("running")) == []


def test_the_results_row_marks_quick_runs_and_the_gap():
    row = summary_row(a_run("finished", a_result(0.95, 0.97), train_limit=5_000))
    assert row["run"].endswith("quick run on 5,000 digits") and row["training time"] == "1:15"
    assert abs(row["train − test gap"] - 0.02) < 1e-9
    assert summary_row(a_run("failed"))["test accuracy"] is None
