"""The confusion matrix as a figure a class can click: a heatmap with one selectable point at each cell's centre.

Plotly cannot select heatmap cells, so each cell also carries an invisible marker; selecting it
tells the page which (true digit, answer) pair to show. Correct answers (the diagonal) are drawn
in a quiet grey so the mistakes stand out.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.i18n import _

CELL_POINTS = "cells"  # the name of the selectable trace


def confusion_figure(matrix: np.ndarray, height: int = 460) -> go.Figure:
    """Rows are the true digits, columns the model's answers; counts in every cell."""
    mistakes = matrix.astype(float).copy()
    np.fill_diagonal(mistakes, np.nan)  # the diagonal is drawn apart, so a mistake's colour is not drowned
    digits = [str(digit) for digit in range(10)]
    figure = go.Figure(go.Heatmap(z=mistakes, x=digits, y=digits, colorscale="Reds", showscale=False,
                                  hoverinfo="skip", xgap=1, ygap=1))
    true_digit, answered = np.meshgrid(range(10), range(10), indexing="ij")
    figure.add_trace(go.Scatter(
        x=[str(value) for value in answered.ravel()], y=[str(value) for value in true_digit.ravel()],
        mode="markers+text", text=[str(value) for value in matrix.ravel()], name=CELL_POINTS,
        textfont=dict(size=12, color=["#555" if t == a else "#111" for t, a in zip(true_digit.ravel(),
                                                                                   answered.ravel())]),
        marker=dict(size=28, symbol="square", color="rgba(0,0,0,0)"),
        customdata=np.stack([true_digit.ravel(), answered.ravel()], axis=1),
        hovertemplate=_("true {true} · answered {answered}: {count}").format(
            true="%{customdata[0]}", answered="%{customdata[1]}", count="%{text}") + "<extra></extra>"))
    figure.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), showlegend=False,
                         dragmode=False, clickmode="event+select")
    figure.update_xaxes(title=_("the model's answer"), type="category", side="top")
    figure.update_yaxes(title=_("the true digit"), type="category", autorange="reversed")
    return figure


def selected_cell(selection: dict) -> tuple[int, int] | None:
    """(true digit, answer) of the cell a visitor clicked, from Streamlit's plotly selection state."""
    points = (selection or {}).get("selection", {}).get("points", []) if isinstance(selection, dict) else []
    for point in points:
        if "x" in point and "y" in point:  # the cell's column is the answer, its row the true digit
            return int(point["y"]), int(point["x"])
    return None
