"""core.drawing.nondigits: scribbles, lines, letters, Hangul and shapes drawn like visitors' digits."""

import numpy as np
import pytest

from core.drawing.nondigits import KINDS, LETTERS, SHAPES, draw_nondigit, nondigits
from core.drawing.preprocess import prepare_drawing


def test_every_kind_draws_visible_ink_on_a_transparent_canvas():
    for kind in KINDS:
        drawing = draw_nondigit(kind, np.random.default_rng(1))
        assert drawing.image.shape == (280, 280, 4) and drawing.image.dtype == np.uint8
        assert drawing.kind == kind and drawing.image[:, :, 3].max() == 255
        assert not prepare_drawing(drawing.image).blank


def test_letters_and_shapes_cover_every_template():
    names = {draw_nondigit(kind, np.random.default_rng([3, i])).name for kind in ("letter", "shape") for i in range(300)}
    assert names == set(LETTERS) | set(SHAPES)
    assert not {"O", "I", "S", "Z", "B", "G"} & set(LETTERS)  # letters a person could mean as digits are left out


def test_a_set_cycles_the_kinds_and_is_reproducible():
    first = list(nondigits(10, seed=4))
    assert [d.kind for d in first] == list(KINDS) * 2
    again = list(nondigits(10, seed=4))
    assert all(np.array_equal(a.image, b.image) for a, b in zip(first, again))
    assert not np.array_equal(first[0].image, next(nondigits(1, seed=5)).image)


def test_a_line_is_much_wider_than_tall():
    line = draw_nondigit("line", np.random.default_rng(0))
    top, left, bottom, right = prepare_drawing(line.image).ink_box
    assert (right - left) > 3 * (bottom - top)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        draw_nondigit("emoji", np.random.default_rng(0))
