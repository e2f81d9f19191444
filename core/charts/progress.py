"""Where a run is and what its logged steps mean: progress and ETA, the recent-batch cost, the step it diverged.

Plain functions of a `Run` and its metric events (dicts as core.runs.store.get_metrics returns
them), shared by the figures, the lessons and the pages.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Sequence

from core.datasets.mnist import LECTURE_VALIDATION_SIZE, MNIST_TEST_SIZE
from core.i18n import N_, _
from core.i18n.formats import clock, number
from core.runs.records import Run

EVALUATION_SHARE = 0.25  # an evaluated digit costs about a quarter of a trained one (lecture CNNs: 0.20–0.30)
SAVE_SECONDS = 0.3  # recording the result, writing the .keras file and its card


@dataclasses.dataclass(frozen=True)
class Progress:
    """Where a running run is: fraction done, a one-line description, seconds elapsed and left."""

    fraction: float
    text: str
    elapsed: float
    eta: float | None


def progress(run: Run, metrics: Sequence[dict[str, Any]], now: float) -> Progress | None:
    """Progress of a running run from its logged steps; None unless it is running."""
    if run.status != "running" or run.started_at is None:
        return None
    elapsed = now - run.started_at
    steps = [m for m in metrics if m["kind"] == "step"]
    if not steps:
        return Progress(0.0, _("{phase} · {elapsed} elapsed").format(phase=phase_text(run.phase or STARTING),
                                                                     elapsed=clock(elapsed)), elapsed, None)
    last, total = steps[-1], run.total_steps
    fraction = min(1.0, last["step"] / total)
    rate = steps_per_second(steps, run.steps_per_epoch)
    eta = (total - last["step"]) / rate + tail_seconds(run, rate) if rate > 0 else None
    members = run.spec.ensemble_members
    parts = [_("member {member} of {members}").format(member=last.get("member", 0) + 1, members=members)] \
        if members > 1 else []
    parts.append(_("epoch {epoch} of {epochs}").format(epoch=last["epoch"], epochs=run.total_epochs))
    parts.append(_("step {step} of {steps}").format(step=number(last["step"]), steps=number(total)))
    parts.append(_("{elapsed} elapsed").format(elapsed=clock(elapsed)))
    if eta is not None:
        parts.append(_("about {left} left").format(left=clock(eta)))
    if run.phase and run.phase != "training":
        parts.append(phase_text(run.phase))
    return Progress(fraction, " · ".join(parts), elapsed, eta)


RECENT_EPOCHS = 2.0  # the pace is measured over the last two epochs…
RECENT_SHARE = 0.3  # …or the last 30% of the steps done, whichever is longer
FIRST_LOGS_SKIPPED = 0.25  # in the first epoch, the first quarter of the logged steps (TensorFlow's tracing)


def steps_per_second(steps: Sequence[dict[str, Any]], per_epoch: int) -> float:
    """The run's recent pace in steps per second, from the logged steps.

    The first epoch is slower than the rest (TensorFlow's first tracing, the layer probes of
    core.training.internals), so once a later step is logged the ETA leaves it out, and then
    follows the last two epochs (or 30% of the run), so a machine that slows down or speeds up
    mid-run moves the ETA within an epoch or two. Within the first epoch the first quarter of
    the logged steps (the tracing) is left out.
    """
    last = steps[-1]
    logged = [event for event in steps if event.get("logged_at")]
    later = [event for event in logged if event["step"] > per_epoch]  # after the first epoch's validation
    first = steps[0]
    if len(later) >= 2 and later[-1] is last:
        span = max(RECENT_EPOCHS * per_epoch, RECENT_SHARE * last["step"])
        first = next(event for event in later if event["step"] >= last["step"] - span)
        first = later[0] if first is last else first
    elif len(logged) >= 4 and logged[-1] is last:
        first = logged[int(len(logged) * FIRST_LOGS_SKIPPED)]
    if last.get("logged_at") and first.get("logged_at") and last["step"] > first["step"]:
        return (last["step"] - first["step"]) / max(1e-6, last["logged_at"] - first["logged_at"])
    return last["step"] / last["seconds"] if last["seconds"] else 0.0


def tail_seconds(run: Run, steps_per_second: float) -> float:
    """What a run does after its last step, in seconds: the last validation, the test digits and the save.

    An evaluated digit costs about EVALUATION_SHARE of a trained one at the run's own pace (forward
    only, in big batches); an ensemble tests each member and then their average. Without this the
    ETA of a short run said 0:00 while its test pass and save still took a few seconds.
    """
    seconds_per_digit = 1.0 / (steps_per_second * run.spec.batch_size)
    members = run.spec.ensemble_members
    digits = LECTURE_VALIDATION_SIZE + MNIST_TEST_SIZE * (members + 1 if members > 1 else 1)
    return digits * seconds_per_digit * EVALUATION_SHARE + SAVE_SECONDS


STARTING = N_("starting")  # the dispatcher's phase for a worker that has not reported yet (core.runs.store)


def phase_text(phase: str) -> str:
    """A worker's phase (an English message id, marked where the worker sets it) in the language in use."""
    return _(phase) if phase else phase


def divergence_step(run: Run, metrics: Sequence[dict[str, Any]]) -> int | None:
    """The step where the cost became NaN or infinite, if it did."""
    if run.result and run.result.diverged_at_step:
        return int(run.result.diverged_at_step)
    for event in metrics:
        if event["kind"] == "step" and not finite(event["cost"]):
            return int(event["step"])
    return None


def recent_batches(steps: Sequence[dict[str, Any]], per_epoch: int) -> list[dict[str, Any]]:
    """Step events with cost and accuracy over the batches since the previous event, not over the whole epoch.

    Keras reports the running mean since the epoch began (the lecture's epoch cost), which
    drops like a saw-tooth at each new epoch; the step curve shows the recent batches instead:
    mean of batches k+1…n = (n·mean_n − k·mean_k) / (n − k).
    """
    recent, previous = [], {}
    for event in steps:
        batches = (event["step"] - 1) % per_epoch + 1  # batches into the current epoch
        key = (event.get("member", 0), event["epoch"])
        before_batches, before = previous.get(key, (0, event))
        values = dict(event)
        for name in ("cost", "accuracy"):
            now, then = event[name], before[name]
            if before_batches and finite(now) and finite(then) and batches > before_batches:
                recent_mean = (batches * now - before_batches * then) / (batches - before_batches)
                values[name] = max(0.0, recent_mean if name == "cost" else min(1.0, recent_mean))  # float rounding
        previous[key] = (batches, event)
        recent.append(values)
    return recent


def finite(value: Any) -> bool:
    """True for a number that is neither None, NaN nor infinite."""
    return value is not None and math.isfinite(value)
