"""core.charts.confusion: a clickable confusion matrix; a click names the (true digit, answer) cell."""

import numpy as np

from core.charts.confusion import CELL_POINTS, confusion_figure, selected_cell


def test_every_cell_has_a_selectable_point_with_its_count():
    matrix = np.arange(100).reshape(10, 10)
    figure = confusion_figure(matrix)
    [points] = [trace for trace in figure.data if trace.name == CELL_POINTS]
    assert len(points.x) == 100 and list(points.text[:3]) == ["0", "1", "2"]
    assert points.customdata[23].tolist() == [2, 3] and points.text[23] == "23"  # row 2, column 3
    heatmap = figure.data[0]
    assert np.isnan(heatmap.z[4][4]) and heatmap.z[4][5] == 45  # the diagonal is drawn apart


def test_a_click_names_its_cell():
    selection = {"selection": {"points": [{"x": "3", "y": "5", "customdata": {"0": 5, "1": 3}}]}}
    assert selected_cell(selection) == (5, 3)
    assert selected_cell({"selection": {"points": []}}) is None and selected_cell(None) is None
