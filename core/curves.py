"""The Curves page's content without Streamlit: plotly figures, progress and ETA, and what each outcome teaches.

Runs are overlaid in one cost figure and one accuracy figure, training solid and validation
dashed, by step or by epoch. The cost is the lecture's: the mean cost over the epoch so far
(Keras' running loss), so an epoch's last point is the "Epoch: 0001 cost = …" line. A lecture
preset trained on all 55,000 digits also gets the costs its lecture file printed, as ✕ marks.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Sequence

import plotly.graph_objects as go
from plotly.colors import qualitative

from core.presets import PRESETS
from core.runs import Run

COLORS = qualitative.Plotly
OVERFITTING_GAP = 0.02  # train − test accuracy above this is overfitting (lab-10-4's deep net, seed 003 without L2)
ONE_CLASS_ACCURACY = 0.098  # a model predicting one digit: ~980 of the 10,000 test digits
RunMetrics = tuple[Run, list[dict[str, Any]]]


@dataclasses.dataclass(frozen=True)
class Progress:
    """Where a running run is: fraction done, a one-line description, seconds elapsed and left."""

    fraction: float
    text: str
    elapsed: float
    eta: float | None


def total_epochs(run: Run) -> int:
    """Epochs the run will train (per ensemble member) if nothing stops it early."""
    return run.spec.epochs if run.spec.epochs is not None else math.ceil(run.spec.steps / run.steps_per_epoch)


def clock(seconds: float) -> str:
    """'1:05' or '1:02:03'."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def duration(seconds: float) -> str:
    """'0.4 s', '12 s' or a clock ('3:05') for longer spans."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    return f"{seconds:.0f} s" if seconds < 60 else clock(seconds)


def progress(run: Run, metrics: Sequence[dict[str, Any]], now: float) -> Progress | None:
    """Progress of a running run from its logged steps; None unless it is running."""
    if run.status != "running" or run.started_at is None:
        return None
    elapsed = now - run.started_at
    steps = [m for m in metrics if m["kind"] == "step"]
    if not steps:
        return Progress(0.0, f"{run.phase or 'starting'} · {clock(elapsed)} elapsed", elapsed, None)
    last, total = steps[-1], run.total_steps
    fraction = min(1.0, last["step"] / total)
    first = steps[0]
    if last["logged_at"] and first["logged_at"] and last["step"] > first["step"]:
        rate = (last["step"] - first["step"]) / max(1e-6, last["logged_at"] - first["logged_at"])  # steps per second
    else:
        rate = last["step"] / last["seconds"] if last["seconds"] else 0.0
    eta = (total - last["step"]) / rate if rate > 0 else None
    members = run.spec.ensemble_members
    text = (f"member {last.get('member', 0) + 1} of {members} · " if members > 1 else "") + (
        f"epoch {last['epoch']} of {total_epochs(run)} · step {last['step']:,} of {total:,} · "
        f"{clock(elapsed)} elapsed" + (f" · about {clock(eta)} left" if eta is not None else ""))
    if run.phase and run.phase != "training":
        text += f" · {run.phase}"
    return Progress(fraction, text, elapsed, eta)


def divergence_step(run: Run, metrics: Sequence[dict[str, Any]]) -> int | None:
    """The step where the cost became NaN or infinite, if it did."""
    if run.result and run.result.get("diverged_at_step"):
        return int(run.result["diverged_at_step"])
    for event in metrics:
        if event["kind"] == "step" and not _finite(event["cost"]):
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
            if before_batches and _finite(now) and _finite(then) and batches > before_batches:
                recent_mean = (batches * now - before_batches * then) / (batches - before_batches)
                values[name] = max(0.0, recent_mean if name == "cost" else min(1.0, recent_mean))  # float rounding
        previous[key] = (batches, event)
        recent.append(values)
    return recent


def _finite(value: Any) -> bool:
    return value is not None and math.isfinite(value)


def _layout(figure: go.Figure, title: str, axis: str, log: bool = False) -> go.Figure:
    figure.update_layout(  # no figure title: the tool bar would cover it on a narrow screen
        height=360, margin=dict(l=10, r=10, t=30, b=10), uirevision=f"{title}-{axis}",
        legend=dict(orientation="h", yanchor="top", y=-0.25, x=0), hovermode="x unified",
    )
    figure.update_xaxes(title=axis, rangemode="tozero")
    figure.update_yaxes(title=title, type="log" if log else "linear")
    return figure


def curve_figures(data: Sequence[RunMetrics], axis: str = "step", log_cost: bool = False) -> tuple[go.Figure, go.Figure]:
    """(cost figure, accuracy figure) for several runs overlaid; axis is 'step' or 'epoch'."""
    cost, accuracy = go.Figure(), go.Figure()
    divergences, shown_published = [], set()
    for index, (run, metrics) in enumerate(data):
        color = COLORS[index % len(COLORS)]
        per_epoch = run.steps_per_epoch

        def x_of(step: int) -> float:
            return step if axis == "step" else step / per_epoch

        steps = [m for m in metrics if m["kind"] == "step"]
        epochs = [m for m in metrics if m["kind"] == "epoch"]
        if axis == "step":
            train = recent_batches(steps, per_epoch)
        else:  # the lecture's epoch means, plus the epoch in progress as its running mean so far
            train = epochs + ([steps[-1]] if run.is_active and steps and (not epochs or steps[-1]["step"] > epochs[-1]["step"]) else [])
        mode = "lines" if axis == "step" else "lines+markers"
        for figure, key in ((cost, "cost"), (accuracy, "accuracy")):
            figure.add_trace(go.Scatter(
                x=[x_of(m["step"]) for m in train], y=[m[key] if _finite(m[key]) else None for m in train],
                mode=mode, name=f"{run.label} · training", legendgroup=str(run.id), line=dict(color=color),
            ))
            figure.add_trace(go.Scatter(
                x=[x_of(m["step"]) for m in epochs],
                y=[m[f"validation_{key}"] if _finite(m[f"validation_{key}"]) else None for m in epochs],
                mode="lines+markers", name=f"{run.label} · validation", legendgroup=str(run.id),
                line=dict(color=color, dash="dash"), marker=dict(symbol="circle-open"),
            ))
        test_accuracy = (run.result or {}).get("test_accuracy")
        if test_accuracy is not None and train:
            accuracy.add_trace(go.Scatter(
                x=[x_of(train[-1]["step"])], y=[test_accuracy], mode="markers", name=f"{run.label} · test",
                legendgroup=str(run.id), marker=dict(color=color, symbol="star", size=13),
            ))
        published = published_costs(run)
        if published and run.preset not in shown_published:  # the lecture's own curve, once per preset
            shown_published.add(run.preset)
            cost.add_trace(go.Scatter(
                x=[x_of(epoch * per_epoch) for epoch in range(1, len(published) + 1)], y=list(published),
                mode="markers", name=f"{PRESETS[run.preset].source} as printed in the lecture", legendgroup=str(run.id),
                marker=dict(color=color, symbol="x-thin-open", size=11, line=dict(width=2, color=color)),
            ))
        diverged_at = divergence_step(run, metrics)
        if diverged_at is not None:
            divergences.append((run, x_of(diverged_at), diverged_at, [m["cost"] for m in metrics if _finite(m["cost"])]))
    every_cost = [y for trace in cost.data for y in (trace.y or ()) if _finite(y)]
    for run, x, step, finite_costs in divergences:  # a red line and ✕ where the cost became NaN
        cost.add_vline(x=x, line=dict(color="red", dash="dot", width=1))
        cost.add_trace(go.Scatter(
            x=[x], y=[finite_costs[-1] if finite_costs else max(every_cost, default=1.0)], mode="markers+text",
            name=f"{run.label} · cost became NaN", legendgroup=str(run.id), text=[f"NaN at step {step:,}"],
            textposition="middle right", marker=dict(color="red", symbol="x", size=14, line=dict(width=2)),
        ))
    return _layout(cost, "cost (loss)", axis, log_cost), _layout(accuracy, "accuracy", axis)


def published_costs(run: Run) -> tuple[float, ...]:
    """The epoch costs the lecture printed for this run's preset (none for custom models and quick runs)."""
    preset = PRESETS.get(run.preset or "")
    return preset.published_costs if preset is not None and not run.train_limit else ()


def summary_row(run: Run) -> dict[str, Any]:
    """One row of the results table."""
    result = run.result or {}
    test, train = result.get("test_accuracy"), result.get("train_accuracy")
    seconds = result.get("seconds")
    return {
        "run": run.label, "model": run.spec.describe(), "status": run.status, "test accuracy": test,
        "published": result.get("published_accuracy"), "training accuracy": train,
        "train − test gap": train - test if run.status == "finished" and train is not None and test is not None else None,
        "epochs": result.get("epochs_run"), "training time": clock(seconds) if seconds is not None else None,
        "digits": f"{run.train_limit:,} (quick)" if run.train_limit else "55,000",
    }


def lessons(run: Run) -> list[tuple[str, str]]:
    """(level, markdown) remarks on a finished run; level is 'error', 'warning', 'info' or 'success'."""
    result = run.result or {}
    label = f"**{run.label}**"
    if run.status == "diverged":
        step = result.get("diverged_at_step")
        where = f" at step {step:,}" if step else ""
        summed = " The summed cost makes every step 100× (the batch size) larger than a mean cost would." \
            if run.spec.loss_reduction == "sum" else ""
        score = result.get("test_accuracy")
        scored = f" (this one: {score:.2%})" if score is not None else ""
        return [("error", f"{label} **diverged{where}: the cost became NaN.** The learning rate "
                          f"({run.spec.learning_rate:g}) is too large: each step overshoots, the weights blow up, the "
                          f"softmax outputs exact 0s and log(0) is −∞.{summed} The broken model predicts one digit for "
                          f"everything, so it scores about {ONE_CLASS_ACCURACY:.1%}{scored}: the share of one digit among "
                          f"the 10,000 test digits. Lower the learning rate and train again. Nothing was saved.")]
    if run.status == "failed":
        return [("error", f"{label} **failed:** {run.error or 'no reason recorded'}. Nothing was saved; other runs "
                          "are not affected.")]
    if run.status == "interrupted":
        return [("warning", f"{label} was **interrupted**: {run.error or 'its worker process was gone'}. Train it again.")]
    if run.status == "cancelled":
        return [("info", f"{label} was **cancelled** after {result.get('steps_run', 0):,} steps. Nothing was saved.")]
    if run.status != "finished":
        return []
    test, train, published = result.get("test_accuracy"), result.get("train_accuracy"), result.get("published_accuracy")
    remarks = []
    text = f"{label}: test accuracy **{test:.2%}**"
    if published is not None:
        text += f", the lecture printed **{published:.2%}** ({(test - published) * 100:+.2f} points)"
    if run.train_limit:
        text += f" — a quick run on {run.train_limit:,} digits, so expect less than the lecture"
    remarks.append(("success", text + f". Saved as `{result.get('saved_model')}` for the Draw page."))
    if train is not None and test is not None:
        gap = train - test
        if gap > OVERFITTING_GAP:
            remarks.append(("warning", f"{label}: training accuracy {train:.2%} vs test {test:.2%}: a gap of "
                                       f"{gap:.2%}. **Overfitting** — the model does better on digits it has seen. "
                                       "Dropout (keep_prob < 1), L2 or early stopping close the gap."))
        elif gap < -OVERFITTING_GAP / 4:
            remarks.append(("info", f"{label}: training accuracy ({train:.2%}) is below test ({test:.2%}): training "
                                    "accuracy is averaged over the epoch while the model was still learning"
                                    + (", with dropout on" if run.spec.keep_prob < 1 else "") + "; the test uses the final weights."))
        else:
            remarks.append(("info", f"{label}: training {train:.2%} and test {test:.2%} are close: little or no "
                                    "overfitting."))
    return remarks
