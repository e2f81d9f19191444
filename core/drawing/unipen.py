"""Real pen-drawn digits in the UNIPEN format, drawn on the 280×280 canvas the way a visitor draws.

The UCI data set "Pen-Based Recognition of Handwritten Digits" keeps every digit as the pen
trajectories a tablet recorded, in UNIPEN:

    .SEGMENT DIGIT 6-7 ? "4"     one digit: the file's pen-down numbers, its label in quotes
    .COMMENT 4 12 224            label, writer, position on the prompt sheet the writers copied
    .PEN_DOWN                    a stroke starts
     267  333                    x y in tablet units (0..500); the tablet's y points UP
    .PEN_UP                      the stroke ends (a digit may have several)

`parse_unipen` reads such a file into `PenDigit`s and refuses anything else with the line
number (`UnipenError`). `render_digit` draws one digit as a visitor would: y flipped, the
trajectory 100–240 px tall (aspect kept) at a random place, a 10–30 px round brush, anti-aliased,
and exported in one of the canvas' STYLES. Digit i of a set is drawn with
`numpy.random.default_rng([seed, i])`, so any digit can be drawn again alone.
`writer_halves` splits the writers in two halves at random: tune on one, confirm on the other.

For measuring only: the data set is not part of the project and nothing trains on it
(docs/HANDWRITING.md). Only numpy and Pillow.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Iterable, Iterator, NoReturn, Sequence

import numpy as np
from PIL import Image, ImageDraw

from core.drawing.strokes import CANVAS_SIZE, SUPERSAMPLE

HEIGHT_RANGE = (100.0, 240.0)  # the trajectory's height on the canvas, px (the ink is a brush taller)
BRUSH_RANGE = (10.0, 30.0)  # brush width, px
MARGIN = 2.0  # px kept free between the ink and the canvas' edge
# The canvas' export styles: RGBA with a transparent background and the ink in alpha (white or black RGB),
# or RGB with white ink on black or black ink on white.
STYLES = ("transparent-white", "transparent-black", "white-on-black", "black-on-white")
_SEGMENT = re.compile(r'^\.SEGMENT\s+DIGIT\s+(\S+)\s+\S+\s+"(\d)"$')
_IGNORED = (".INCLUDE", ".LEXICON", ".HIERARCHY", ".DT", ".X_DIM", ".Y_DIM", ".POINTS_PER_SECOND")


class UnipenError(ValueError):
    """The file is not the UNIPEN digit format read here; the message starts with the line number."""


@dataclasses.dataclass(frozen=True)
class PenDigit:
    """One pen-drawn digit: its label, who wrote it, and its trajectories in tablet units (y up)."""

    index: int  # position in the file, from 0
    label: int
    writer: int  # .COMMENT's second field
    prompt: int  # .COMMENT's third field: the position on the prompt sheet
    segment: str  # the .SEGMENT's pen-down numbers, e.g. "6-7"
    line: int  # the line of its .SEGMENT
    strokes: tuple[np.ndarray, ...]  # each (n, 2) float64: x right, y UP

    @property
    def points(self) -> np.ndarray:
        """Every point of every stroke, (N, 2)."""
        return np.vstack(self.strokes)


class _Parser:
    """A line-by-line reader of UNIPEN digit segments."""

    def __init__(self) -> None:
        self.digits: list[PenDigit] = []
        self.segment: dict | None = None  # the digit being read
        self.stroke: list[tuple[float, float]] | None = None  # the stroke being read

    def fail(self, number: int, message: str) -> NoReturn:
        raise UnipenError(f"line {number}: {message}")

    def finish(self, number: int) -> None:
        """Close the segment being read (at line `number`, the next segment or the end)."""
        segment = self.segment
        if segment is None:
            return
        if self.stroke is not None:
            self.fail(number, f"segment {segment['name']} (line {segment['line']}) ends inside a stroke: no .PEN_UP")
        if segment["comment"] is None:
            self.fail(segment["line"], f"segment {segment['name']} has no '.COMMENT label writer prompt'")
        if not segment["strokes"]:
            self.fail(segment["line"], f"segment {segment['name']} has no strokes")
        label, writer, prompt = segment["comment"]
        if label != segment["label"]:
            self.fail(segment["line"],
                      f"segment {segment['name']} is a \"{segment['label']}\" but its .COMMENT says {label}")
        self.digits.append(PenDigit(len(self.digits), segment["label"], writer, prompt, segment["name"],
                                    segment["line"], tuple(segment["strokes"])))
        self.segment = None

    def directive(self, number: int, text: str) -> None:
        """One line starting with a dot."""
        keyword, fields = text.split()[0], text.split()[1:]
        if keyword == ".SEGMENT":
            self.finish(number)
            match = _SEGMENT.match(" ".join(text.split()))
            if match is None:
                self.fail(number, f"expected '.SEGMENT DIGIT <strokes> ? \"<digit>\"', got {text!r}")
            self.segment = {"name": match.group(1), "label": int(match.group(2)), "line": number, "comment": None,
                            "strokes": []}
        elif keyword == ".COMMENT":
            if self.segment is None or len(fields) != 3 or not all(field.isdigit() for field in fields):
                self.fail(number, f"expected '.COMMENT label writer prompt' inside a segment, got {text!r}")
            self.segment["comment"] = tuple(int(field) for field in fields)
        elif keyword == ".PEN_DOWN":
            if self.segment is None or self.stroke is not None:
                self.fail(number, ".PEN_DOWN outside a segment or inside a stroke")
            self.stroke = []
        elif keyword == ".PEN_UP":
            if self.segment is None or self.stroke is None:
                self.fail(number, ".PEN_UP without a .PEN_DOWN")
            if self.stroke:
                self.segment["strokes"].append(np.asarray(self.stroke, dtype=np.float64))
            self.stroke = None
        elif keyword not in _IGNORED:
            self.fail(number, f"unknown keyword {keyword}")

    def point(self, number: int, text: str) -> None:
        """One 'x y' line inside a stroke."""
        if self.stroke is None:
            self.fail(number, f"a point outside .PEN_DOWN … .PEN_UP: {text!r}")
        values = text.split()
        try:
            x, y = (float(value) for value in values)
        except ValueError:
            self.fail(number, f"expected 'x y', got {text!r}")
        self.stroke.append((x, y))


def parse_unipen_text(text: str) -> list[PenDigit]:
    """Every digit of UNIPEN text, in order; UnipenError (with the line number) on anything else."""
    parser = _Parser()
    number = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line:
            (parser.directive if line.startswith(".") else parser.point)(number, line)
    parser.finish(number + 1)
    if not parser.digits:
        raise UnipenError(f"line {number + 1}: no '.SEGMENT DIGIT' in the file")
    return parser.digits


def parse_unipen(path: str | Path) -> list[PenDigit]:
    """Every digit of a UNIPEN file, in file order; UnipenError (with the line number) on anything else."""
    try:
        text = Path(path).read_text(encoding="ascii")
    except UnicodeDecodeError as error:
        raise UnipenError(f"{path}: not a UNIPEN text file ({error.reason} at byte {error.start})") from error
    return parse_unipen_text(text)


def writers_of(digits: Iterable[PenDigit]) -> list[int]:
    """The distinct writers, sorted."""
    return sorted({digit.writer for digit in digits})


def writer_halves(digits: Sequence[PenDigit], seed: int = 0) -> tuple[frozenset[int], frozenset[int]]:
    """The writers split in two at random (fixed by `seed`): (the tuning half A, the confirmation half B)."""
    writers = np.array(writers_of(digits))
    order = np.random.default_rng(seed).permutation(len(writers))
    half = len(writers) // 2
    return frozenset(int(w) for w in writers[order[:half]]), frozenset(int(w) for w in writers[order[half:]])


@dataclasses.dataclass(frozen=True)
class RenderParams:
    """How one digit was drawn on the canvas."""

    style: str  # one of STYLES
    brush: float  # px
    height: float  # the trajectory's height, px
    offset: tuple[float, float]  # the trajectory's top-left corner on the canvas (x, y)


def canvas_strokes(strokes: Sequence[np.ndarray], height: float, offset: tuple[float, float],
                   max_width: float | None = None) -> list[np.ndarray]:
    """Tablet strokes (y up) → canvas strokes (y down), `height` px tall (aspect kept), top-left corner at `offset`.

    A digit that would be wider than `max_width` is scaled to that width instead.
    """
    every = np.vstack(strokes)
    low, high = every.min(axis=0), every.max(axis=0)
    span = np.maximum(high - low, 1e-6)
    scale = height / span[1]
    if max_width is not None and span[0] * scale > max_width:
        scale = max_width / span[0]
    return [np.stack([(stroke[:, 0] - low[0]) * scale + offset[0], (high[1] - stroke[:, 1]) * scale + offset[1]], axis=1)
            for stroke in strokes]


def paint(strokes: Sequence[np.ndarray], brush: float, canvas_size: int = CANVAS_SIZE) -> np.ndarray:
    """Ink coverage, uint8 (H, W) with 255 = full ink, of polylines with round caps and joins, anti-aliased."""
    big = canvas_size * SUPERSAMPLE
    coverage = Image.new("L", (big, big), 0)
    pen = ImageDraw.Draw(coverage)
    width = max(1, round(brush * SUPERSAMPLE))
    radius = width / 2.0
    for stroke in strokes:
        points = [(float(x) * SUPERSAMPLE, float(y) * SUPERSAMPLE) for x, y in stroke]
        if len(points) > 1:
            pen.line(points, fill=255, width=width)
        for x, y in points:  # a disc at every point: round caps and round joins, as a browser's canvas draws
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return np.asarray(coverage.resize((canvas_size, canvas_size), Image.Resampling.BOX))


def export(coverage: np.ndarray, style: str) -> np.ndarray:
    """Ink coverage → the canvas image in one of STYLES: RGBA uint8 (H, W, 4) or RGB uint8 (H, W, 3)."""
    height, width = coverage.shape
    if style in ("transparent-white", "transparent-black"):
        image = np.zeros((height, width, 4), dtype=np.uint8)
        image[:, :, :3] = 255 if style == "transparent-white" else 0
        image[:, :, 3] = coverage
        return image
    if style == "white-on-black":
        return np.repeat(coverage[:, :, None], 3, axis=2)
    if style == "black-on-white":
        return np.repeat((255 - coverage)[:, :, None], 3, axis=2)
    raise ValueError(f"unknown style {style!r}; expected one of {STYLES}")


def random_params(strokes: Sequence[np.ndarray], rng: np.random.Generator, styles: Sequence[str] = STYLES,
                  canvas_size: int = CANVAS_SIZE) -> RenderParams:
    """A random style, brush, height and place such that all the ink stays on the canvas."""
    style = str(styles[int(rng.integers(len(styles)))])
    brush = float(rng.uniform(*BRUSH_RANGE))
    room = canvas_size - 2 * MARGIN - brush  # the trajectory may span this much: the brush's half on each side
    height = float(min(rng.uniform(*HEIGHT_RANGE), room))
    every = np.vstack(strokes)
    span = np.maximum(every.max(axis=0) - every.min(axis=0), 1e-6)
    width = span[0] * height / span[1]
    if width > room:  # a very wide digit: its width, not its height, sets the scale
        width, height = room, float(span[1] * room / span[0])
    low = MARGIN + brush / 2.0
    offset = (float(low + rng.uniform(0, 1) * (room - width)), float(low + rng.uniform(0, 1) * (room - height)))
    return RenderParams(style, brush, height, offset)


def render_digit(strokes: Sequence[np.ndarray], rng: np.random.Generator | None = None, params: RenderParams | None = None,
                 canvas_size: int = CANVAS_SIZE) -> tuple[np.ndarray, RenderParams]:
    """Tablet strokes drawn on the canvas as a visitor would: (the image in its style, how it was drawn)."""
    if params is None:
        params = random_params(strokes, rng if rng is not None else np.random.default_rng(), canvas_size=canvas_size)
    room = canvas_size - 2 * MARGIN - params.brush
    placed = canvas_strokes(strokes, params.height, params.offset, max_width=room)
    return export(paint(placed, params.brush, canvas_size), params.style), params


def render_set(digits: Sequence[PenDigit], seed: int) -> Iterator[tuple[np.ndarray, RenderParams]]:
    """Each digit drawn once; digit i with `default_rng([seed, i])`, whatever the other digits."""
    for digit in digits:
        yield render_digit(digit.strokes, np.random.default_rng([seed, digit.index]))
