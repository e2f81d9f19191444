"""Where a run is and what its logged steps mean: progress and ETA, the recent-batch cost, the step it diverged.

Plain functions of a `Run` and its metric events (dicts as core.runs.store.get_metrics returns
them), shared by the figures, the lessons and the pages.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Sequence

from core.charts.pace import seconds_left
from core.i18n import N_, _
from core.i18n.formats import clock, number
from core.runs.records import Run


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
    eta = seconds_left(run, metrics, now)
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
