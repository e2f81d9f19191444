"""core.drawing.strokes: stroke-drawn digits like the canvas makes them, deterministic by seed."""

from __future__ import annotations

import numpy as np
import pytest

from core.drawing.preprocess import prepare_drawing
from core.drawing.strokes import (
    CANVAS_SIZE,
    DIGITS,
    TEMPLATES,
    digit_strokes,
    draw_digit,
    drawn_digits,
    redraw_mnist,
    redrawn_mnist_set,
    render_strokes,
    styles_of,
)


def test_every_digit_has_several_styles():
    assert set(TEMPLATES) == set(DIGITS)
    for digit in DIGITS:
        assert len(styles_of(digit)) >= 2, f"digit {digit} needs at least two ways of writing it"
    assert {"flag", "flag-base", "stick"} <= set(styles_of(1))
    assert {"open", "closed"} <= set(styles_of(4))
    assert {"plain", "bar"} <= set(styles_of(7))
    assert {"straight-tail", "curved-tail"} <= set(styles_of(9))
    assert {"printed", "loop"} <= set(styles_of(2))


@pytest.mark.parametrize("digit", DIGITS)
def test_each_style_renders_like_the_canvas(digit):
    for style in styles_of(digit):
        drawn = draw_digit(digit, np.random.default_rng(0), style=style)
        image = drawn.image
        assert image.shape == (CANVAS_SIZE, CANVAS_SIZE, 4) and image.dtype == np.uint8
        assert image[:, :, :3].max() == 0  # transparent background, ink only in alpha (the component's default)
        alpha = image[:, :, 3]
        assert alpha.max() == 255 and 0.01 < (alpha > 127).mean() < 0.5
        assert ((alpha > 0) & (alpha < 255)).sum() > 50  # anti-aliased edges
        assert not prepare_drawing(image).blank


def test_same_seed_same_digits_other_seed_other_digits():
    first = [digit.image for digit in drawn_digits(12, seed=5)]
    again = [digit.image for digit in drawn_digits(12, seed=5)]
    other = [digit.image for digit in drawn_digits(12, seed=6)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not any(np.array_equal(a, b) for a, b in zip(first, other))


def test_labels_cycle_and_digit_i_does_not_depend_on_the_count():
    twenty = list(drawn_digits(20, seed=3))
    assert [digit.label for digit in twenty] == list(range(10)) * 2
    ten = list(drawn_digits(10, seed=3))
    assert all(np.array_equal(a.image, b.image) for a, b in zip(ten, twenty))


def test_sizes_positions_widths_and_styles_vary():
    digits = list(drawn_digits(60, seed=11))
    heights, centres = [], []
    for digit in digits:
        rows, cols = np.nonzero(digit.image[:, :, 3] > 127)
        heights.append(rows.max() - rows.min())
        centres.append((rows.mean(), cols.mean()))
    assert max(heights) - min(heights) > 100  # small and large digits
    assert np.ptp(np.array(centres), axis=0).min() > 60  # all over the canvas
    widths = [digit.stroke_width for digit in digits]
    assert min(widths) < 12 and max(widths) > 24
    assert len({digit.style for digit in digits if digit.label == 4}) >= 2


def test_strokes_stay_on_the_canvas():
    for index in range(30):
        rng = np.random.default_rng(index)
        strokes = digit_strokes(index % 10, styles_of(index % 10)[0], rng, stroke_width=25.0)
        points = np.array([point for stroke in strokes for point in stroke])
        assert points.min() >= 0 and points.max() <= CANVAS_SIZE - 1


def test_training_sets_also_draw_narrower_digits_than_the_benchmarks_sets():
    def narrowest(templates: str) -> float:
        ratios = []
        for index in range(200):  # the same random hands for both sets
            strokes = digit_strokes(4, "open", np.random.default_rng([3, index]), jitter=0.0, templates=templates)
            points = np.array([point for stroke in strokes for point in stroke])
            ratios.append(np.ptp(points[:, 0]) / np.ptp(points[:, 1]))
        return min(ratios)

    assert narrowest("all") < 0.35 < narrowest("reference")  # people write 4s a third as wide as tall


def test_render_strokes_paints_where_the_strokes_are():
    image = render_strokes([[(40.0, 140.0), (240.0, 140.0)]], 20.0)
    alpha = image[:, :, 3]
    assert alpha[140, 140] == 255 and alpha[140, 30] > 200  # round cap past the end point
    assert alpha[100, 140] == 0 and alpha[140, 5] == 0


def test_redraw_mnist_puts_the_digit_at_a_random_size_and_place(mnist):
    boxes = []
    for index, canvas in enumerate(redrawn_mnist_set(mnist.test_images[:20], seed=4)):
        assert canvas.shape == (CANVAS_SIZE, CANVAS_SIZE, 4) and canvas[:, :, :3].max() == 0
        rows, cols = np.nonzero(canvas[:, :, 3] > 60)
        long_side = max(np.ptp(rows), np.ptp(cols))
        assert 0.2 * CANVAS_SIZE <= long_side <= 0.92 * CANVAS_SIZE
        boxes.append((rows.min(), cols.min(), long_side))
    assert np.ptp(np.array(boxes), axis=0).min() > 50
    again = redraw_mnist(mnist.test_images[3], np.random.default_rng([4, 3]))
    assert np.array_equal(again, list(redrawn_mnist_set(mnist.test_images[:4], seed=4))[3])


def test_mouse_strokes_follow_the_same_templates_with_mouse_sized_steps():
    from core.drawing.strokes import mouse_strokes

    strokes = mouse_strokes(7, "bar", seed=0)
    assert len(strokes) == 2  # the 7's body, then its bar
    for stroke in strokes:
        steps = np.hypot(*np.diff(np.array(stroke), axis=0).T)
        assert len(stroke) >= 2 and steps[:-1].min() >= 5.0 and steps.max() < 40
    assert mouse_strokes(7, "bar", seed=0) == strokes
    assert not prepare_drawing(render_strokes(strokes, 20.0)).blank


def test_benchmark_sets_draw_the_reference_styles_and_training_may_draw_every_style():
    from core.drawing.templates import REFERENCE_TEMPLATES, SCHOOL_TEMPLATES

    assert styles_of(9) == list(REFERENCE_TEMPLATES[9])
    assert styles_of(9, "all") == list(REFERENCE_TEMPLATES[9]) + list(SCHOOL_TEMPLATES[9])
    assert styles_of(5, "all") == styles_of(5)
    with pytest.raises(ValueError, match="templates"):
        styles_of(1, "school")
    reference = {digit.style for digit in drawn_digits(300, seed=8)}
    every = {digit.style for digit in drawn_digits(300, seed=8, templates="all")}
    assert not reference & {style for styles in SCHOOL_TEMPLATES.values() for style in styles}
    assert every & set(SCHOOL_TEMPLATES[9]) and every & set(SCHOOL_TEMPLATES[1])
