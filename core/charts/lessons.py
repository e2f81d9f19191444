"""What a finished run teaches, in words: the results-table row and the lessons (divergence, overfitting, …).

Each lesson comes with a `Level` (plain data); the page decides how a level looks. The words
are the class notes' own (과적합 overfitting, 드롭아웃 dropout, 학습률 learning rate), in the
language in use.
"""

from __future__ import annotations

import enum
from typing import Any

from core.i18n import N_, _
from core.i18n.formats import clock, number, percent
from core.runs.records import Run, RunResult, localized_error

OVERFITTING_GAP = 0.02  # train − test accuracy above this is overfitting (lab-10-4's deep net, seed 003 without L2)
ONE_CLASS_ACCURACY = 0.098  # a model predicting one digit: ~980 of the 10,000 test digits
STATUS_NAMES = {"queued": N_("queued"), "running": N_("running"), "finished": N_("finished"),
                "diverged": N_("diverged"), "cancelled": N_("cancelled"), "failed": N_("failed"),
                "interrupted": N_("interrupted")}


class Level(enum.Enum):
    """How much a lesson should catch the eye."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    SUCCESS = "success"


Lesson = tuple[Level, str]  # (level, markdown)


def status_text(status: str) -> str:
    """A run's status in the language in use."""
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def summary_row(run: Run) -> dict[str, Any]:
    """One row of the results table, its headings in the language in use (no value: None, shown as a dash)."""
    result = run.result
    test, train = (result.test_accuracy, result.train_accuracy) if result else (None, None)
    seconds = result.seconds if result else None
    gap = train - test if run.status == "finished" and train is not None and test is not None else None
    what = run.spec.describe() + (" · " + _("quick run on {count} digits").format(count=number(run.train_limit))
                                  if run.train_limit else "")
    return {
        _("run"): f"{run.label} · {what}", _("status"): status_text(run.status), _("test accuracy"): test,
        _("published"): result.published_accuracy if result else None, _("train − test gap"): gap,
        _("epochs"): result.epochs_run if result else None,
        _("training time"): clock(seconds) if seconds is not None else None,
    }


def lessons(run: Run) -> list[Lesson]:
    """(level, markdown) remarks on a run that has ended; none while it is queued or running."""
    label = f"**{run.label}**"
    if run.status == "diverged":
        return [_divergence_lesson(run, label)]
    if run.status == "failed":
        return [(Level.ERROR, _("{run} **failed:** {reason}. Nothing was saved; other runs are not affected.").format(
            run=label, reason=localized_error(run) or _("no reason recorded")))]
    if run.status == "interrupted":
        return [(Level.WARNING, _("{run} was **interrupted**: {reason}. Train it again.").format(
            run=label, reason=localized_error(run) or _("its worker process was gone")))]
    if run.status == "cancelled":
        steps = run.result.steps_run if run.result else 0
        return [(Level.INFO, _("{run} was **cancelled** after {steps} steps. Nothing was saved.").format(
            run=label, steps=number(steps)))]
    if run.status != "finished" or run.result is None:
        return []
    return [_result_lesson(run, run.result, label), *_overfitting_lessons(run, run.result, label)]


def _divergence_lesson(run: Run, label: str) -> Lesson:
    step = run.result.diverged_at_step if run.result else None
    score = run.result.test_accuracy if run.result else None
    text = (_("{run} **diverged at step {step}: the cost became NaN.**").format(run=label, step=number(step)) if step
            else _("{run} **diverged: the cost became NaN.**").format(run=label))
    text += " " + _("The learning rate ({rate}) is too large: each step overshoots, the weights blow up, the softmax "
                    "outputs exact 0s and log(0) is −∞.").format(rate=f"{run.spec.learning_rate:g}")
    if run.spec.loss_reduction == "sum":
        text += " " + _("The summed cost makes every step 100× (the batch size) larger than a mean cost would.")
    text += " " + _("The broken model predicts one digit for everything, so it scores about {share}").format(
        share=percent(ONE_CLASS_ACCURACY))
    if score is not None:
        text += " " + _("(this one: {score})").format(score=percent(score, 2))
    text += _(": the share of one digit among the 10,000 test digits. Lower the learning rate and train again. "
              "Nothing was saved.")
    return (Level.ERROR, text)


def _result_lesson(run: Run, result: RunResult, label: str) -> Lesson:
    test, published = result.test_accuracy, result.published_accuracy
    text = _("{run}: test accuracy **{test}**").format(run=label, test=percent(test, 2))
    if published is not None:
        text += _(", the lecture printed **{published}** ({difference} points)").format(
            published=percent(published, 2), difference=f"{(test - published) * 100:+.2f}")
    if run.train_limit:
        text += _(" — a quick run on {count} digits, so expect less than the lecture").format(
            count=number(run.train_limit))
    return (Level.SUCCESS, text + _(". Saved as `{name}` for the Draw page.").format(name=result.saved_model))


def _overfitting_lessons(run: Run, result: RunResult, label: str) -> list[Lesson]:
    test, train = result.test_accuracy, result.train_accuracy
    if train is None or test is None:
        return []
    gap = train - test
    values = dict(run=label, train=percent(train, 2), test=percent(test, 2), gap=percent(gap, 2))
    if gap > OVERFITTING_GAP:
        return [(Level.WARNING, _("{run}: training accuracy {train} vs test {test}: a gap of {gap}. **Overfitting** — "
                                  "the model does better on digits it has seen. Dropout (keep_prob < 1), L2 or early "
                                  "stopping close the gap.").format(**values))]
    if gap < -OVERFITTING_GAP / 4:
        why = (_("{run}: training accuracy ({train}) is below test ({test}): training accuracy is averaged over the "
                 "epoch while the model was still learning, with dropout on; the test uses the final weights.")
               if run.spec.keep_prob < 1 else
               _("{run}: training accuracy ({train}) is below test ({test}): training accuracy is averaged over the "
                 "epoch while the model was still learning; the test uses the final weights."))
        return [(Level.INFO, why.format(**values))]
    return [(Level.INFO, _("{run}: training {train} and test {test} are close: little or no overfitting.").format(
        **values))]
