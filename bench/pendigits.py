"""Real pen-drawn digits (UCI "Pen-Based Recognition of Handwritten Digits", UNIPEN format) drawn on the canvas.

For measuring only: the data set is not part of the project (a user can download it from UCI)
and nothing is trained on it. A bench script takes the file's path as an argument.

    .SEGMENT DIGIT 0 ? "8"     one digit; its label in quotes
    .COMMENT 8 12 224          label, writer, position on the prompt sheet
    .PEN_DOWN / x y… / .PEN_UP  one stroke; tablet units 0..500, y pointing up

Each digit is drawn as a visitor would on the 280×280 pad: y flipped, 100–240 px tall (aspect
kept; a wide digit is fitted by its width), anywhere on the canvas, with a 10–30 px round brush,
white on black like the pad's PNG. Digit i is drawn with `numpy.random.default_rng([seed, i])`.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np

from core.drawing.strokes import CANVAS_SIZE, render_strokes

SEGMENT = re.compile(r'^\.SEGMENT\s+DIGIT\s+\S+\s+\S+\s+"(\d)"')


@dataclasses.dataclass(frozen=True)
class PenDigit:
    """One digit as the tablet recorded it: strokes of (n, 2) points in tablet units, y up."""

    label: int
    writer: int
    strokes: list[np.ndarray]


def parse(path: Path | str) -> list[PenDigit]:
    """Every digit of a UNIPEN file, in file order."""
    digits, label, writer, strokes, current = [], None, -1, [], None
    for line in Path(path).read_text().splitlines():
        text = line.strip()
        if match := SEGMENT.match(text):
            if label is not None:
                digits.append(PenDigit(label, writer, strokes))
            label, writer, strokes = int(match.group(1)), -1, []
        elif text.startswith(".COMMENT") and len(text.split()) >= 3:
            writer = int(text.split()[2])
        elif text == ".PEN_DOWN":
            current = []
        elif text == ".PEN_UP" and current is not None:
            if current:
                strokes.append(np.array(current, dtype=np.float64))
            current = None
        elif current is not None and text and not text.startswith("."):
            x, y = text.split()[:2]
            current.append((float(x), float(y)))
    if label is not None:
        digits.append(PenDigit(label, writer, strokes))
    return digits


def canvas_strokes(digit: PenDigit, rng: np.random.Generator, canvas_size: int = CANVAS_SIZE,
                   stroke_width: float = 20.0) -> list[list[tuple[float, float]]]:
    """The digit's strokes placed on the canvas as a visitor would draw it (y flipped, sized, placed)."""
    points = np.vstack(digit.strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.maximum(high - low, 1.0)
    margin = stroke_width / 2 + 2
    room = canvas_size - 2 * margin
    height = rng.uniform(100.0, 240.0)
    scale = min(height / span[1], room / span[0], room / span[1])
    size = span * scale
    offset = margin + rng.uniform(0.0, 1.0, size=2) * np.maximum(room - size, 0.0)
    placed = []
    for stroke in digit.strokes:
        x = (stroke[:, 0] - low[0]) * scale + offset[0]
        y = (high[1] - stroke[:, 1]) * scale + offset[1]
        placed.append([(float(a), float(b)) for a, b in zip(x, y)])
    return placed


def render(digit: PenDigit, rng: np.random.Generator, canvas_size: int = CANVAS_SIZE) -> np.ndarray:
    """The digit drawn on the pad: RGBA uint8 (H, W, 4), white ink on opaque black."""
    width = float(rng.uniform(10.0, 30.0))
    alpha = render_strokes(canvas_strokes(digit, rng, canvas_size, width), width, canvas_size)[:, :, 3]
    return np.dstack([alpha, alpha, alpha, np.full_like(alpha, 255)])


def pen_inputs(path: Path | str, seed: int = 1, limit: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inputs (N, 28, 28, 1) through the app's preprocessing, labels (N,), writers (N,))."""
    from core.drawing.preprocess import prepare_drawing

    digits = parse(path)[:limit]
    inputs = []
    for index, digit in enumerate(digits):
        prepared = prepare_drawing(render(digit, np.random.default_rng([seed, index])))
        inputs.append(prepared.image if prepared.image is not None else np.zeros((28, 28), np.float32))
    return (np.stack(inputs)[..., None], np.array([d.label for d in digits], np.int32),
            np.array([d.writer for d in digits], np.int32))
