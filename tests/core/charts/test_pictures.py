"""core.charts.pictures: weight tiles red for positive and blue for negative, grids of the right size."""

import numpy as np

from core.charts.pictures import digit_strip, diverging, feature_grid, saliency_overlay, weight_grid


def test_weights_are_red_when_positive_blue_when_negative_white_at_zero():
    rgb = diverging(np.array([[1.0, -1.0, 0.0]]))
    assert tuple(rgb[0, 0]) == (200, 30, 30) and tuple(rgb[0, 1]) == (30, 60, 200) and tuple(rgb[0, 2]) == (255,) * 3


def test_grids_have_the_size_of_their_tiles():
    assert weight_grid(np.zeros((10, 28, 28)), columns=5, scale=2).size == (5 * 58 - 2, 2 * 58 - 2)
    assert feature_grid(np.random.rand(14, 14, 40), columns=8, scale=1, limit=32).size == (8 * 16 - 2, 4 * 16 - 2)
    assert digit_strip(np.zeros((3, 28, 28), np.uint8), columns=12, scale=1).size == (12 * 30 - 2, 28)


def test_saliency_is_red_over_the_grey_drawing():
    drawing, saliency = np.zeros((28, 28)), np.zeros((28, 28))
    drawing[10, 10], saliency[5, 5] = 1.0, 1.0
    picture = np.asarray(saliency_overlay(drawing, saliency, scale=1))
    assert tuple(picture[10, 10]) == (120, 120, 120) and tuple(picture[5, 5]) == (255, 40, 40)
