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
from core.i18n import N_, _
from core.i18n.formats import number
from core.lecture.presets import PRESETS
from core.runs.records import Run

COLORS = qualitative.Plotly
RunMetrics = tuple[Run, list[dict[str, Any]]]


def _layout(figure: go.Figure, title: str, axis: str, log: bool = False) -> go.Figure:
    """Room for the plot on a projector or a phone: the legend above it (one entry per run), never over an axis."""
    figure.update_layout(  # no figure title: the tool bar would cover it on a narrow screen
        height=420, margin=dict(l=10, r=10, t=10, b=10), uirevision=f"{title}-{axis}",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, xanchor="left"), hovermode="x unified",
        font=dict(size=14),
    )
    figure.update_xaxes(title=_("step (batch)") if axis == "step" else _("epoch"), rangemode="tozero")
    if log:  # one labelled tick per power of ten: 0.1, 1, 10, 100 (minor ticks unlabelled)
        figure.update_yaxes(title=title, type="log", dtick=1, minor=dict(showgrid=True, ticks=""))
    else:
        figure.update_yaxes(title=title, type="linear")
    return figure


def _training_points(run: Run, metrics: Sequence[dict[str, Any]], axis: str) -> list[dict[str, Any]]:
    """The training curve's points: recent batches by step, or the lecture's epoch means (plus the epoch so far)."""
    steps = [m for m in metrics if m["kind"] == "step"]
    epochs = [m for m in metrics if m["kind"] == "epoch"]
    if axis == "step":
        return recent_batches(steps, run.steps_per_epoch)
    in_progress = run.is_active and steps and (not epochs or steps[-1]["step"] > epochs[-1]["step"])
    return epochs + ([steps[-1]] if in_progress else [])


def _add_run(figures: dict[str, go.Figure], run: Run, metrics: Sequence[dict[str, Any]], axis: str, color: str) -> None:
    """One run's training (solid, in the legend), validation (dashed) and test (★) traces."""
    per_epoch = run.steps_per_epoch
    scale = 1 if axis == "step" else per_epoch
    train = _training_points(run, metrics, axis)
    epochs = [m for m in metrics if m["kind"] == "epoch"]
    for key, figure in figures.items():
        figure.add_trace(go.Scatter(
            x=[m["step"] / scale for m in train], y=[m[key] if finite(m[key]) else None for m in train],
            mode="lines" if axis == "step" else "lines+markers", name=_("{run} · training").format(run=run.label),
            legendgroup=str(run.id), line=dict(color=color)))
        figure.add_trace(go.Scatter(
            x=[m["step"] / scale for m in epochs],
            y=[m[f"validation_{key}"] if finite(m[f"validation_{key}"]) else None for m in epochs],
            mode="lines+markers", name=_("{run} · validation").format(run=run.label), legendgroup=str(run.id),
            showlegend=False, line=dict(color=color, dash="dash"), marker=dict(symbol="circle-open")))
    test_accuracy = run.result.test_accuracy if run.result else None
    if test_accuracy is not None and train:
        figures["accuracy"].add_trace(go.Scatter(
            x=[train[-1]["step"] / scale], y=[test_accuracy], mode="markers",
            name=_("{run} · test").format(run=run.label), legendgroup=str(run.id), showlegend=False,
            marker=dict(color=color, symbol="star", size=13)))


def _add_published(cost: go.Figure, run: Run, axis: str, color: str) -> None:
    """The epoch costs the run's lecture file printed, as ✕ marks in the run's colour."""
    published, per_epoch = published_costs(run), run.steps_per_epoch
    cost.add_trace(go.Scatter(
        x=[epoch * per_epoch / (1 if axis == "step" else per_epoch) for epoch in range(1, len(published) + 1)],
        y=list(published), mode="markers", legendgroup=str(run.id),
        name=_("{source} as printed in the lecture").format(source=PRESETS[run.preset].source),
        marker=dict(color=color, symbol="x-thin-open", size=11, line=dict(width=2, color=color))))


def _add_divergence(cost: go.Figure, run: Run, metrics: Sequence[dict[str, Any]], axis: str, ceiling: float) -> None:
    """A red line and ✕ where the run's cost became NaN."""
    step = divergence_step(run, metrics)
    if step is None:
        return
    x = step / (1 if axis == "step" else run.steps_per_epoch)
    finite_costs = [m["cost"] for m in metrics if finite(m["cost"])]
    cost.add_vline(x=x, line=dict(color="red", dash="dot", width=1))
    cost.add_trace(go.Scatter(
        x=[x], y=[finite_costs[-1] if finite_costs else ceiling], mode="markers+text", legendgroup=str(run.id),
        name=_("{run} · cost became NaN").format(run=run.label),
        text=[_("NaN at step {step}").format(step=number(step))], textposition="middle right",
        marker=dict(color="red", symbol="x", size=14, line=dict(width=2))))


def curve_figures(data: Sequence[RunMetrics], axis: str = "step", log_cost: bool = False) -> tuple[go.Figure, go.Figure]:
    """(cost figure, accuracy figure) for several runs overlaid; axis is 'step' or 'epoch'."""
    cost, accuracy = go.Figure(), go.Figure()
    shown_published = set()
    for index, (run, metrics) in enumerate(data):
        color = COLORS[index % len(COLORS)]
        _add_run({"cost": cost, "accuracy": accuracy}, run, metrics, axis, color)
        if published_costs(run) and run.preset not in shown_published:  # the lecture's own curve, once per preset
            shown_published.add(run.preset)
            _add_published(cost, run, axis, color)
    ceiling = max((y for trace in cost.data for y in (trace.y or ()) if finite(y)), default=1.0)
    for run, metrics in data:
        _add_divergence(cost, run, metrics, axis, ceiling)
    return (_layout(cost, _("cost (loss)"), axis, log_cost), _layout(accuracy, _("accuracy"), axis))


LEGEND_NOTE = N_("solid: training · dashed: validation (each epoch) · ★: test · ✕: what the lecture's file printed")


def published_costs(run: Run) -> tuple[float, ...]:
    """The epoch costs the lecture printed for this run's preset (none for custom models and quick runs)."""
    preset = PRESETS.get(run.preset or "")
    return preset.published_costs if preset is not None and not run.train_limit else ()
