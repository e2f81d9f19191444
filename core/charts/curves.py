"""The Curves page's figures, without Streamlit: cost and accuracy curves of several runs overlaid.

Runs are overlaid in one cost figure and one accuracy figure, training solid and validation
dashed, by step or by epoch. The cost is the lecture's: the mean cost over the epoch so far
(Keras' running loss), so an epoch's last point is the "Epoch: 0001 cost = …" line. A lecture
preset trained on all 55,000 digits also gets the costs its lecture file printed, as ✕ marks.
"""

from __future__ import annotations

from typing import Any, Sequence

import plotly.graph_objects as go
from plotly.colors import qualitative

from core.charts.progress import divergence_step, finite, recent_batches
from core.lecture.presets import PRESETS
from core.runs.records import Run

COLORS = qualitative.Plotly
RunMetrics = tuple[Run, list[dict[str, Any]]]


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
                x=[x_of(m["step"]) for m in train], y=[m[key] if finite(m[key]) else None for m in train],
                mode=mode, name=f"{run.label} · training", legendgroup=str(run.id), line=dict(color=color),
            ))
            figure.add_trace(go.Scatter(
                x=[x_of(m["step"]) for m in epochs],
                y=[m[f"validation_{key}"] if finite(m[f"validation_{key}"]) else None for m in epochs],
                mode="lines+markers", name=f"{run.label} · validation", legendgroup=str(run.id),
                line=dict(color=color, dash="dash"), marker=dict(symbol="circle-open"),
            ))
        test_accuracy = run.result.test_accuracy if run.result else None
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
            divergences.append((run, x_of(diverged_at), diverged_at, [m["cost"] for m in metrics if finite(m["cost"])]))
    every_cost = [y for trace in cost.data for y in (trace.y or ()) if finite(y)]
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
