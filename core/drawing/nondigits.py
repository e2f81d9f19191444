"""Drawings that are not digits — scribbles, lines, letters, Hangul, shapes — for the "not sure" rule.

A visitor does not always draw a digit: a scribble, a horizontal line, the letter A, their name in
Hangul, a smiley. The Draw page must say it is not sure instead of naming a digit, and the rule
that decides this (core.drawing.verdict) is measured on these drawings against real digits
(bench/unsure_rule.py). They are made by the same random hand as the stroke-drawn digits
(`core.drawing.strokes.template_strokes`: jitter, warp, slant, rotation, size, place, tremor).

Left out on purpose: shapes a person could mean as a digit (O, I, l, S, Z, B, G, q, a vertical
line, a plain circle), since no rule should call those "not a digit".
Drawing i of a set uses `numpy.random.default_rng([seed, i])`, like the digit sets.
"""

from __future__ import annotations

import dataclasses
from typing import Iterator

import numpy as np

from core.drawing.strokes import CANVAS_SIZE, Stroke, render_strokes, template_strokes


def _ring(cx: float, cy: float, rx: float, ry: float, start: float = 0.0, turn: float = 360.0,
          count: int = 14) -> list[tuple[float, float]]:
    angles = np.radians(np.linspace(start, start + turn, count))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


def _dot(x: float, y: float) -> list:
    """A dot as a tiny closed ring (the hand's tremor needs a few points to smooth)."""
    return [("L", _ring(x, y, 0.02, 0.02, count=6))]


# Templates in a unit box (x right, y down), as in core.drawing.strokes: strokes of ("L" | "C", points).
LETTERS: dict[str, list] = {
    "A": [[("L", [(0.0, 1.0), (0.5, 0.0), (1.0, 1.0)])], [("L", [(0.22, 0.6), (0.78, 0.6)])]],
    "E": [[("L", [(1.0, 0.0), (0.0, 0.0), (0.0, 1.0), (1.0, 1.0)])], [("L", [(0.0, 0.5), (0.8, 0.5)])]],
    "F": [[("L", [(1.0, 0.0), (0.0, 0.0), (0.0, 1.0)])], [("L", [(0.0, 0.48), (0.75, 0.48)])]],
    "H": [[("L", [(0.0, 0.0), (0.0, 1.0)])], [("L", [(1.0, 0.0), (1.0, 1.0)])], [("L", [(0.0, 0.5), (1.0, 0.5)])]],
    "K": [[("L", [(0.0, 0.0), (0.0, 1.0)])], [("L", [(1.0, 0.0), (0.05, 0.55), (1.0, 1.0)])]],
    "M": [[("L", [(0.0, 1.0), (0.05, 0.0), (0.5, 0.65), (0.95, 0.0), (1.0, 1.0)])]],
    "N": [[("L", [(0.0, 1.0), (0.0, 0.0), (1.0, 1.0), (1.0, 0.0)])]],
    "R": [[("L", [(0.0, 1.0), (0.0, 0.0)]), ("C", [(0.0, 0.0), (0.8, 0.05), (0.8, 0.45), (0.0, 0.5)]),
           ("L", [(0.0, 0.5), (1.0, 1.0)])]],
    "W": [[("L", [(0.0, 0.0), (0.25, 1.0), (0.5, 0.35), (0.75, 1.0), (1.0, 0.0)])]],
    "X": [[("L", [(0.0, 0.0), (1.0, 1.0)])], [("L", [(1.0, 0.0), (0.0, 1.0)])]],
    "Y": [[("L", [(0.0, 0.0), (0.5, 0.5), (1.0, 0.0)])], [("L", [(0.5, 0.5), (0.5, 1.0)])]],
    "가": [[("L", [(0.0, 0.25), (0.45, 0.25), (0.35, 0.85)])], [("L", [(0.75, 0.0), (0.75, 1.0)])],
          [("L", [(0.75, 0.5), (1.0, 0.5)])]],
    "나": [[("L", [(0.05, 0.15), (0.05, 0.8), (0.5, 0.8)])], [("L", [(0.75, 0.0), (0.75, 1.0)])],
          [("L", [(0.75, 0.5), (1.0, 0.5)])]],
    "미": [[("L", [(0.0, 0.2), (0.0, 0.8)])], [("L", [(0.0, 0.2), (0.5, 0.2), (0.5, 0.8)])],
          [("L", [(0.0, 0.8), (0.5, 0.8)])], [("L", [(0.85, 0.0), (0.85, 1.0)])]],
    "한": [[("L", [(0.3, 0.0), (0.45, 0.05)])], [("L", [(0.05, 0.15), (0.7, 0.15)])],
          [("C", _ring(0.38, 0.35, 0.2, 0.13))], [("L", [(0.85, 0.0), (0.85, 0.6)])],
          [("L", [(0.85, 0.3), (1.0, 0.3)])], [("L", [(0.15, 0.65), (0.15, 1.0), (0.95, 1.0)])]],
    "수": [[("L", [(0.5, 0.0), (0.1, 0.4)])], [("L", [(0.5, 0.05), (0.9, 0.4)])], [("L", [(0.0, 0.6), (1.0, 0.6)])],
          [("L", [(0.5, 0.6), (0.5, 1.0)])]],
    "ㅎ": [[("L", [(0.35, 0.0), (0.65, 0.0)])], [("L", [(0.0, 0.25), (1.0, 0.25)])], [("C", _ring(0.5, 0.68, 0.38, 0.3))]],
}
SHAPES: dict[str, list] = {
    "star": [[("L", [(0.5, 0.0), (0.2, 1.0), (1.0, 0.35), (0.0, 0.35), (0.8, 1.0), (0.5, 0.0)])]],
    "smiley": [[("C", _ring(0.5, 0.5, 0.5, 0.5, -90, 360, 16))], _dot(0.33, 0.35), _dot(0.67, 0.35),
               [("C", _ring(0.5, 0.55, 0.25, 0.2, 20, 140, 7))]],
    "heart": [[("C", [(0.5, 1.0), (0.1, 0.6), (0.0, 0.25), (0.25, 0.0), (0.5, 0.25)]),
               ("C", [(0.5, 0.25), (0.75, 0.0), (1.0, 0.25), (0.9, 0.6), (0.5, 1.0)])]],
    "hash": [[("L", [(0.3, 0.0), (0.2, 1.0)])], [("L", [(0.75, 0.0), (0.65, 1.0)])],
             [("L", [(0.0, 0.33), (1.0, 0.33)])], [("L", [(0.0, 0.67), (1.0, 0.67)])]],
    "check": [[("L", [(0.0, 0.55), (0.35, 1.0), (1.0, 0.0)])]],
    "spiral": [[("C", [(0.5 + r * np.cos(a), 0.5 + r * np.sin(a))
                       for a, r in zip(np.linspace(0, 5 * np.pi, 26), np.linspace(0.02, 0.5, 26))])]],
    "crossed-circle": [[("C", _ring(0.5, 0.5, 0.5, 0.5, -90, 360, 16))], [("L", [(0.1, 0.1), (0.9, 0.9)])],
                       [("L", [(0.9, 0.1), (0.1, 0.9)])]],
    "house": [[("L", [(0.0, 0.45), (0.5, 0.0), (1.0, 0.45), (0.0, 0.45), (0.0, 1.0), (1.0, 1.0), (1.0, 0.45)])]],
    "arrow": [[("L", [(0.0, 0.5), (1.0, 0.5)])], [("L", [(0.7, 0.25), (1.0, 0.5), (0.7, 0.75)])]],
    "triangle": [[("L", [(0.5, 0.0), (1.0, 1.0), (0.0, 1.0), (0.5, 0.0)])]],
}
KINDS = ("scribble", "zigzag", "line", "letter", "shape")


@dataclasses.dataclass(frozen=True)
class NonDigit:
    """One drawing that is not a digit: RGBA uint8 (280, 280, 4) canvas image and what it is."""

    image: np.ndarray
    kind: str  # one of KINDS
    name: str  # "scribble", "A", "가", "star"…
    stroke_width: float
    strokes: list[Stroke]


def _scribble(rng: np.random.Generator) -> list:
    """One or two smooth strokes wandering through 6–12 random points of the box."""
    return [[("C", [tuple(point) for point in rng.uniform(0.0, 1.0, size=(int(rng.integers(6, 13)), 2))])]
            for _ in range(int(rng.integers(1, 3)))]


def _zigzag(rng: np.random.Generator) -> list:
    """Back-and-forth hatching, as when someone fills or crosses out an area."""
    turns = int(rng.integers(6, 11))  # fewer turns draw a Z, a 2 or a 3
    return [[("L", [(float(index % 2), index / (turns - 1)) for index in range(turns)])]]


def nondigit_template(kind: str, rng: np.random.Generator) -> tuple[str, list, tuple[float, float]]:
    """(name, template, aspect range) of one random drawing of a kind."""
    if kind == "scribble":
        return "scribble", _scribble(rng), (0.6, 1.4)
    if kind == "zigzag":
        return "zigzag", _zigzag(rng), (0.6, 1.4)
    if kind == "line":
        return "line", [[("L", [(0.0, 0.5), (1.0, 0.5)])]], (1.0, 1.0)
    table = LETTERS if kind == "letter" else SHAPES if kind == "shape" else None
    if table is None:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    name = str(rng.choice(sorted(table)))
    return name, table[name], (0.6, 1.0)


def draw_nondigit(kind: str, rng: np.random.Generator, stroke_width: float | None = None,
                  canvas_size: int = CANVAS_SIZE) -> NonDigit:
    """One non-digit of `kind` drawn by a random hand and rendered like a canvas drawing."""
    name, template, aspects = nondigit_template(kind, rng)
    width = float(stroke_width if stroke_width is not None else rng.uniform(8.0, 30.0))
    strokes = template_strokes(template, rng, canvas_size, width, 1.0, aspects)
    return NonDigit(render_strokes(strokes, width, canvas_size), kind, name, width, strokes)


def nondigits(count: int, seed: int, kinds: tuple[str, ...] = KINDS, canvas_size: int = CANVAS_SIZE) -> Iterator[NonDigit]:
    """`count` non-digits, kinds cycling; drawing i depends only on (seed, i)."""
    for index in range(count):
        yield draw_nondigit(kinds[index % len(kinds)], np.random.default_rng([seed, index]), canvas_size=canvas_size)
