"""core.drawing.unipen: UNIPEN pen digits parsed, and drawn on the canvas as a visitor would (no real data needed)."""

from __future__ import annotations

import numpy as np
import pytest

from core.drawing.preprocess import ink_map, prepare_drawing
from core.drawing.strokes import CANVAS_SIZE
from core.drawing.unipen import (
    STYLES,
    PenDigit,
    RenderParams,
    UnipenError,
    canvas_strokes,
    export,
    paint,
    parse_unipen,
    parse_unipen_text,
    random_params,
    render_digit,
    render_set,
    writer_halves,
    writers_of,
)

# A 7 drawn top to bottom by writer 12, then a 4 in two strokes by writer 3 (tablet y points up).
SAMPLE = """.INCLUDE        dene.doc

.LEXICON "0" "1" "2" "3" "4" "5" "6" "7" "8" "9"
.HIERARCHY      DIGIT

.SEGMENT DIGIT    0 ? "7"
.COMMENT 7 12  224
.PEN_DOWN
 100  400
 300  400
 150  100
.PEN_UP
.DT 100

.SEGMENT DIGIT    1-2 ? "4"
.COMMENT 4  3  17
.PEN_DOWN
 100  400
 100  250
 300  250
.PEN_UP
.DT 120
.PEN_DOWN
 250  400
 250  100
.PEN_UP
"""


def test_parse_reads_labels_writers_prompts_and_strokes(tmp_path):
    path = tmp_path / "sample"
    path.write_text(SAMPLE)
    digits = parse_unipen(path)
    assert [(d.index, d.label, d.writer, d.prompt, d.segment, d.line, len(d.strokes)) for d in digits] == [
        (0, 7, 12, 224, "0", 6, 1), (1, 4, 3, 17, "1-2", 15, 2)]
    assert digits[1].strokes[1].tolist() == [[250.0, 400.0], [250.0, 100.0]]
    assert digits[1].points.shape == (5, 2)
    assert writers_of(digits) == [3, 12]


@pytest.mark.parametrize("old, new, line, message", [
    (".COMMENT 7 12  224", ".COMMENT 8 12  224", 6, "is a \"7\" but its .COMMENT says 8"),
    (".COMMENT 7 12  224\n", "", 6, "no '.COMMENT label writer prompt'"),
    (".COMMENT 7 12  224", ".COMMENT 7 twelve 224", 7, "expected '.COMMENT label writer prompt'"),
    (" 150  100\n.PEN_UP", " 150  100\n", 15, "ends inside a stroke"),
    (" 150  100", " 150", 11, "expected 'x y'"),
    (" 150  100", " 150  1o0", 11, "expected 'x y'"),
    (".PEN_UP\n.DT 100", ".PEN_UP\n 5 5\n.DT 100", 13, "a point outside .PEN_DOWN"),
    (".DT 120\n.PEN_DOWN", ".DT 120\n.PEN_UP", 23, ".PEN_UP without a .PEN_DOWN"),
    ('.SEGMENT DIGIT    0 ? "7"', '.SEGMENT WORD 0 ? "seven"', 6, "expected '.SEGMENT DIGIT"),
    (".DT 100", ".SPEED 100", 13, "unknown keyword .SPEED"),
])
def test_errors_name_the_line(old, new, line, message):
    assert old in SAMPLE
    with pytest.raises(UnipenError, match=f"^line {line}: .*{message}"):
        parse_unipen_text(SAMPLE.replace(old, new, 1))


def test_a_file_without_digits_or_not_text_is_refused(tmp_path):
    with pytest.raises(UnipenError, match="no '.SEGMENT DIGIT'"):
        parse_unipen_text(".INCLUDE dene.doc\n")
    binary = tmp_path / "binary"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(UnipenError, match="not a UNIPEN text file"):
        parse_unipen(binary)


def test_writer_halves_split_the_writers_in_two_at_random():
    digits = [PenDigit(i, i % 10, 1 + i % 30, i, str(i), i, (np.zeros((2, 2)),)) for i in range(300)]
    half_a, half_b = writer_halves(digits, seed=0)
    assert len(half_a) == len(half_b) == 15 and not half_a & half_b and half_a | half_b == set(range(1, 31))
    assert writer_halves(digits, seed=0) == (half_a, half_b) and writer_halves(digits, seed=1) != (half_a, half_b)


def test_the_tablets_y_points_up_the_canvas_y_down_and_the_aspect_is_kept():
    down = np.array([[0.0, 400.0], [0.0, 100.0]])  # drawn from the top of the tablet to its bottom
    bar = np.array([[100.0, 250.0], [200.0, 250.0]])
    placed = canvas_strokes([down, bar], height=150.0, offset=(10.0, 20.0))
    assert placed[0].tolist() == [[10.0, 20.0], [10.0, 170.0]]  # top of the canvas to its bottom
    assert placed[1].tolist() == [[60.0, 95.0], [110.0, 95.0]]  # one scale for both axes
    narrow = canvas_strokes([bar, down], height=150.0, offset=(0.0, 0.0), max_width=50.0)
    assert narrow[0][:, 0].max() == pytest.approx(50.0)  # too wide: the width sets the scale


def test_a_seven_drawn_from_the_sample_has_its_bar_at_the_top():
    seven = parse_unipen_text(SAMPLE)[0]
    image, _ = render_digit(seven.strokes, params=RenderParams("white-on-black", 12.0, 200.0, (40.0, 40.0)))
    ink = ink_map(image)
    rows = np.flatnonzero(ink.max(axis=1) > 0.5)
    top_row, bottom_row = ink[rows[0] + 6], ink[rows[-1] - 6]
    assert (top_row > 0.5).sum() > 3 * (bottom_row > 0.5).sum()  # the long bar is at the top, the stem's end below


def test_random_params_keep_the_ink_on_the_canvas_in_every_style():
    strokes = [np.array([[0.0, 400.0], [300.0, 400.0], [150.0, 100.0]])]
    seen = set()
    for seed in range(40):
        image, params = render_digit(strokes, np.random.default_rng(seed))
        seen.add(params.style)
        assert 10 <= params.brush <= 30 and params.height <= 240
        ink = ink_map(image)
        assert ink[0].max() == 0 and ink[-1].max() == 0 and ink[:, 0].max() == 0 and ink[:, -1].max() == 0
        channels = 4 if params.style.startswith("transparent") else 3
        assert image.shape == (CANVAS_SIZE, CANVAS_SIZE, channels) and image.dtype == np.uint8
    assert seen == set(STYLES)
    assert random_params(strokes, np.random.default_rng(5), styles=("black-on-white",)).style == "black-on-white"


def test_the_four_export_styles_carry_the_same_ink():
    coverage = paint([np.array([[50.0, 50.0], [200.0, 200.0]])], 20.0)
    assert coverage.max() == 255 and ((coverage > 0) & (coverage < 255)).any()  # anti-aliased
    white, black = export(coverage, "transparent-white"), export(coverage, "transparent-black")
    assert (white[..., :3] == 255).all() and (white[..., 3] == coverage).all()  # only alpha carries the ink
    assert (black[..., :3] == 0).all() and (black[..., 3] == coverage).all()
    assert (export(coverage, "white-on-black") == coverage[..., None]).all()
    assert (export(coverage, "black-on-white") == 255 - coverage[..., None]).all()
    with pytest.raises(ValueError, match="unknown style"):
        export(coverage, "sepia")


def test_the_app_reads_every_style_alike():
    four = parse_unipen_text(SAMPLE)[1]
    drawn = [render_digit(four.strokes, params=RenderParams(style, 18.0, 180.0, (60.0, 40.0)))[0] for style in STYLES]
    inputs = [prepare_drawing(image).image for image in drawn]
    for other in inputs[1:]:
        assert np.abs(other - inputs[0]).max() < 0.02


def test_a_digit_is_drawn_again_alike_alone_or_in_its_set():
    digits = parse_unipen_text(SAMPLE)
    first = [image for image, _ in render_set(digits, seed=1)]
    alone, params = render_digit(digits[1].strokes, np.random.default_rng([1, 1]))
    assert np.array_equal(first[1], alone)
    assert np.array_equal(render_digit(digits[1].strokes, params=params)[0], alone)
    assert not np.array_equal(first[1], next(iter(render_set(digits[1:], seed=2)))[0])
