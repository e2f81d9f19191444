"""What a finished run teaches, in words: the results-table row and the lessons (divergence, overfitting, …).

Each lesson comes with a `Level` (plain data); the page decides how a level looks.
"""

from __future__ import annotations

import enum
from typing import Any

from core.charts.progress import clock
from core.runs.records import Run, RunResult

OVERFITTING_GAP = 0.02  # train − test accuracy above this is overfitting (lab-10-4's deep net, seed 003 without L2)
ONE_CLASS_ACCURACY = 0.098  # a model predicting one digit: ~980 of the 10,000 test digits


class Level(enum.Enum):
    """How much a lesson should catch the eye."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    SUCCESS = "success"


Lesson = tuple[Level, str]  # (level, markdown)


def summary_row(run: Run) -> dict[str, Any]:
    """One row of the results table."""
    result = run.result
    test, train = (result.test_accuracy, result.train_accuracy) if result else (None, None)
    seconds = result.seconds if result else None
    return {
        "run": run.label, "model": run.spec.describe(), "status": run.status, "test accuracy": test,
        "published": result.published_accuracy if result else None, "training accuracy": train,
        "train − test gap": train - test if run.status == "finished" and train is not None and test is not None else None,
        "epochs": result.epochs_run if result else None, "training time": clock(seconds) if seconds is not None else None,
        "digits": f"{run.train_limit:,} (quick)" if run.train_limit else "55,000",
    }


def lessons(run: Run) -> list[Lesson]:
    """(level, markdown) remarks on a run that has ended; none while it is queued or running."""
    label = f"**{run.label}**"
    if run.status == "diverged":
        return [_divergence_lesson(run, label)]
    if run.status == "failed":
        return [(Level.ERROR, f"{label} **failed:** {run.error or 'no reason recorded'}. Nothing was saved; other runs "
                              "are not affected.")]
    if run.status == "interrupted":
        return [(Level.WARNING, f"{label} was **interrupted**: {run.error or 'its worker process was gone'}. "
                                "Train it again.")]
    if run.status == "cancelled":
        steps = run.result.steps_run if run.result else 0
        return [(Level.INFO, f"{label} was **cancelled** after {steps:,} steps. Nothing was saved.")]
    if run.status != "finished" or run.result is None:
        return []
    return [_result_lesson(run, run.result, label), *_overfitting_lessons(run, run.result, label)]


def _divergence_lesson(run: Run, label: str) -> Lesson:
    step = run.result.diverged_at_step if run.result else None
    where = f" at step {step:,}" if step else ""
    summed = " The summed cost makes every step 100× (the batch size) larger than a mean cost would." \
        if run.spec.loss_reduction == "sum" else ""
    score = run.result.test_accuracy if run.result else None
    scored = f" (this one: {score:.2%})" if score is not None else ""
    return (Level.ERROR, f"{label} **diverged{where}: the cost became NaN.** The learning rate "
                         f"({run.spec.learning_rate:g}) is too large: each step overshoots, the weights blow up, the "
                         f"softmax outputs exact 0s and log(0) is −∞.{summed} The broken model predicts one digit for "
                         f"everything, so it scores about {ONE_CLASS_ACCURACY:.1%}{scored}: the share of one digit among "
                         f"the 10,000 test digits. Lower the learning rate and train again. Nothing was saved.")


def _result_lesson(run: Run, result: RunResult, label: str) -> Lesson:
    test, published = result.test_accuracy, result.published_accuracy
    text = f"{label}: test accuracy **{test:.2%}**"
    if published is not None:
        text += f", the lecture printed **{published:.2%}** ({(test - published) * 100:+.2f} points)"
    if run.train_limit:
        text += f" — a quick run on {run.train_limit:,} digits, so expect less than the lecture"
    return (Level.SUCCESS, text + f". Saved as `{result.saved_model}` for the Draw page.")


def _overfitting_lessons(run: Run, result: RunResult, label: str) -> list[Lesson]:
    test, train = result.test_accuracy, result.train_accuracy
    if train is None or test is None:
        return []
    gap = train - test
    if gap > OVERFITTING_GAP:
        return [(Level.WARNING, f"{label}: training accuracy {train:.2%} vs test {test:.2%}: a gap of "
                                f"{gap:.2%}. **Overfitting** — the model does better on digits it has seen. "
                                "Dropout (keep_prob < 1), L2 or early stopping close the gap.")]
    if gap < -OVERFITTING_GAP / 4:
        return [(Level.INFO, f"{label}: training accuracy ({train:.2%}) is below test ({test:.2%}): training "
                             "accuracy is averaged over the epoch while the model was still learning"
                             + (", with dropout on" if run.spec.keep_prob < 1 else "") + "; the test uses the final weights.")]
    return [(Level.INFO, f"{label}: training {train:.2%} and test {test:.2%} are close: little or no overfitting.")]
