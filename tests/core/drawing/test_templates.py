"""core.drawing.templates: the reference styles the benchmarks draw and the school styles only training adds."""

from __future__ import annotations

import numpy as np
import pytest

from core.drawing.templates import REFERENCE_TEMPLATES, SCHOOL_TEMPLATES, arc


def _points(template: list) -> np.ndarray:
    return np.array([point for stroke in template for _, points in stroke for point in points])


def test_thirty_nine_reference_styles_and_twenty_four_school_styles_with_no_name_twice():
    assert sum(len(styles) for styles in REFERENCE_TEMPLATES.values()) == 39
    assert sum(len(styles) for styles in SCHOOL_TEMPLATES.values()) == 24
    assert set(SCHOOL_TEMPLATES) == {1, 4, 7, 8, 9}  # the digits people write differently from MNIST's writers
    for digit, styles in SCHOOL_TEMPLATES.items():
        assert not set(styles) & set(REFERENCE_TEMPLATES[digit])


@pytest.mark.parametrize("table", [REFERENCE_TEMPLATES, SCHOOL_TEMPLATES])
def test_every_template_is_strokes_of_known_pieces_inside_the_unit_box(table):
    for digit, styles in table.items():
        for style, template in styles.items():
            assert template and all(stroke for stroke in template), (digit, style)
            assert all(kind in ("L", "C") and len(points) >= 2 for stroke in template for kind, points in stroke)
            points = _points(template)
            assert points.min() >= -0.06 and points.max() <= 1.06, (digit, style)


def test_arc_runs_from_start_to_end_in_screen_coordinates():
    points = arc(0.5, 0.5, 0.5, 0.25, 0, 90, 3)
    assert np.allclose(points[0], (1.0, 0.5)) and np.allclose(points[-1], (0.5, 0.75))  # 90°: down
