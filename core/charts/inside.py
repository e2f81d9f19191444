"""Inside training, as figures: each layer's gradient, weights and activations, runs overlaid.

From the "layers" events a worker records (core.training.internals). The picture the lectures
draw: in a deep sigmoid net the gradient shrinks layer by layer toward the input (the line falls to
the left), in a ReLU net started with He's weights it does not; all-zero weights leave every unit
of a layer identical; dead ReLUs answer 0 to every digit.
"""

from __future__ import annotations

from typing import Any, Sequence

import plotly.graph_objects as go
from plotly.colors import qualitative

from core.i18n import N_, _
from core.runs.records import Run

COLORS = qualitative.Plotly
RunMetrics = tuple[Run, list[dict[str, Any]]]


def probes(metrics: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A run's "layers" events, in order."""
    return [event for event in metrics if event.get("kind") == "layers" and event.get("layers")]


def has_layers(data: Sequence[RunMetrics]) -> bool:
    """True when any of the runs recorded its layers."""
    return any(probes(metrics) for _, metrics in data)


def _layout(figure: go.Figure, y_title: str, x_title: str, log: bool = False) -> go.Figure:
    figure.update_layout(height=340, margin=dict(l=10, r=10, t=10, b=10), hovermode="x unified", font=dict(size=14),
                         legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    figure.update_xaxes(title=x_title)
    figure.update_yaxes(title=y_title, type="log" if log else "linear", **({"dtick": 1} if log else {}))
    return figure


def by_layer(data: Sequence[RunMetrics], statistic: str, log: bool = False) -> go.Figure:
    """One line per run across its layers (input side on the left) at its latest probe."""
    figure = go.Figure()
    for index, (run, metrics) in enumerate(data):
        recorded = probes(metrics)
        if not recorded:
            continue
        layers = [layer for layer in recorded[-1]["layers"] if layer.get(statistic) is not None]
        figure.add_trace(go.Scatter(
            x=[layer["layer"] for layer in layers], y=[layer[statistic] for layer in layers], mode="lines+markers",
            name=_("{run} · step {step}").format(run=run.label, step=recorded[-1]["step"]),
            line=dict(color=COLORS[index % len(COLORS)])))
    return _layout(figure, _(STATISTIC_NAMES[statistic]), _("layer (input → output)"), log)


def gradient_ratio_over_time(data: Sequence[RunMetrics]) -> go.Figure:
    """The first layer's gradient ÷ the last layer's, probe by probe: near 1 the signal reaches the input, far below
    it vanishes."""
    figure = go.Figure()
    for index, (run, metrics) in enumerate(data):
        points = [(event["step"], event["layers"][0]["gradient_norm"] / event["layers"][-1]["gradient_norm"])
                  for event in probes(metrics) if event["layers"][-1]["gradient_norm"]]
        if points:
            figure.add_trace(go.Scatter(x=[step for step, _ in points], y=[ratio for _, ratio in points],
                                        mode="lines+markers", name=run.label,
                                        line=dict(color=COLORS[index % len(COLORS)])))
    return _layout(figure, _("first layer's gradient ÷ last layer's"), _("step (batch)"), log=True)


def identical_layers(run: Run, metrics: Sequence[dict[str, Any]]) -> list[str]:
    """The layers of a run whose units were all identical at its latest probe (the symmetry never broke)."""
    recorded = probes(metrics)
    return [layer["layer"] for layer in recorded[-1]["layers"] if layer.get("units_identical")] if recorded else []


STATISTIC_NAMES = {
    "gradient_norm": N_("gradient size ‖∂cost/∂W‖"), "weight_std": N_("spread of the weights (std)"),
    "activation_std": N_("spread of the activations (std)"), "dead_fraction": N_("share of dead ReLUs"),
}
