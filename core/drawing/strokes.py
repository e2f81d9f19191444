"""Digits drawn as strokes, the way visitors draw them on the 280×280 canvas — never MNIST images.

Each digit 0–9 has several stroke templates (styles, core.drawing.templates): the 39 reference
styles the benchmarks draw from, and 24 European school styles that only training adds
(`templates="all"`). `digit_strokes` jitters the control points, warps the whole digit a
little, then slants, rotates, squeezes, sizes and places it on the canvas; `render_strokes`
paints the strokes anti-aliased with round caps onto a transparent RGBA canvas exactly like the
canvas component returns (ink in the alpha channel).

The same strokes drive the browser test's mouse. Everything is deterministic by seed: digit
number i of a set uses the generator `numpy.random.default_rng([seed, i])`.
`redraw_mnist` re-draws an MNIST test digit at a random size and position on the canvas.
Only numpy and Pillow: no TensorFlow.
"""

from __future__ import annotations

import dataclasses
from typing import Iterator

import numpy as np
from PIL import Image, ImageDraw

from core.drawing.templates import REFERENCE_TEMPLATES, SCHOOL_TEMPLATES, Point

CANVAS_SIZE = 280
SUPERSAMPLE = 4  # paint at 4× and average down: anti-aliased edges like a browser canvas
Stroke = list[Point]
DIGITS = tuple(range(10))
# Every style of every digit, by name: the reference styles first, then the school styles.
TEMPLATES: dict[int, dict[str, list]] = {digit: REFERENCE_TEMPLATES[digit] | SCHOOL_TEMPLATES.get(digit, {})
                                         for digit in DIGITS}
TEMPLATE_SETS = ("reference", "all")  # what a set of digits is drawn from: the 39 reference styles, or all 63


def styles_of(digit: int, templates: str = "reference") -> list[str]:
    """The template names for one digit: its reference styles, or (`templates="all"`) the school styles too."""
    if templates not in TEMPLATE_SETS:
        raise ValueError(f"templates is one of {TEMPLATE_SETS}, got {templates!r}")
    return list(TEMPLATES[digit] if templates == "all" else REFERENCE_TEMPLATES[digit])


def _catmull_rom(points: np.ndarray, per_segment: int = 8) -> np.ndarray:
    """A smooth curve through all the points (centripetal enough for hand-drawn shapes)."""
    if len(points) < 3:
        return points
    padded = np.vstack([2 * points[0] - points[1], points, 2 * points[-1] - points[-2]])
    steps = np.linspace(0.0, 1.0, per_segment, endpoint=False)[:, None]
    curve = []
    for index in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[index - 1:index + 3]
        curve.append(0.5 * (2 * p1 + (-p0 + p2) * steps + (2 * p0 - 5 * p1 + 4 * p2 - p3) * steps**2
                            + (-p0 + 3 * p1 - 3 * p2 + p3) * steps**3))
    curve.append(points[-1:])
    return np.vstack(curve)


def _densify(points: np.ndarray, spacing: float = 0.02) -> np.ndarray:
    """Straight segments with intermediate points, so the warp can bend them."""
    out = [points[:1]]
    for start, end in zip(points[:-1], points[1:]):
        count = max(1, int(np.ceil(np.linalg.norm(end - start) / spacing)))
        out.append(start + (end - start) * np.linspace(0, 1, count + 1)[1:, None])
    return np.vstack(out)


@dataclasses.dataclass(frozen=True)
class DrawnDigit:
    """One stroke-drawn digit: RGBA uint8 (280, 280, 4) canvas image, its label and how it was drawn."""

    image: np.ndarray
    label: int
    style: str
    stroke_width: float
    strokes: list[Stroke]


def digit_strokes(digit: int, style: str, rng: np.random.Generator, canvas_size: int = CANVAS_SIZE,
                  stroke_width: float = 20.0, jitter: float = 1.0, templates: str = "reference") -> list[Stroke]:
    """The template's strokes, jittered and randomly slanted, sized and placed, in canvas pixels.

    Training sets (`templates="all"`) also squeeze digits narrower: people write 4s, 6s and 8s
    as narrow as a third of their height, which the benchmarks' reference sets leave out.
    """
    if digit == 1:  # training 1s also come as wide as a long up-stroke makes them
        aspects = (0.3, 0.75) if templates == "all" else (0.3, 0.6)
    else:
        aspects = (0.3, 0.9) if templates == "all" else (0.45, 0.85)
    return template_strokes(TEMPLATES[digit][style], rng, canvas_size, stroke_width, jitter, aspects)


def template_strokes(template: list, rng: np.random.Generator, canvas_size: int = CANVAS_SIZE,
                     stroke_width: float = 20.0, jitter: float = 1.0,
                     aspects: tuple[float, float] = (0.45, 0.85)) -> list[Stroke]:
    """Any template (strokes of ("L" | "C", points) pieces in a unit box) drawn by a random hand, in canvas pixels."""
    # Per-control-point jitter, then a smooth warp of the whole digit (same displacement at the same place).
    frequencies = rng.uniform(1.0, 3.0, size=(2, 2))
    phases = rng.uniform(0, 2 * np.pi, size=(2, 2))
    amplitude = 0.05 * jitter
    strokes = []
    for stroke in template:
        pieces = []
        for kind, points in stroke:
            points = np.asarray(points, dtype=float) + rng.normal(0.0, 0.028 * jitter, size=(len(points), 2))
            pieces.append(_catmull_rom(points) if kind == "C" else _densify(points))
        path = np.vstack(pieces)
        warp_x = amplitude * np.sin(frequencies[0, 0] * path[:, 0] * np.pi + phases[0, 0]) * np.sin(
            frequencies[0, 1] * path[:, 1] * np.pi + phases[0, 1])
        warp_y = amplitude * np.sin(frequencies[1, 0] * path[:, 0] * np.pi + phases[1, 0]) * np.sin(
            frequencies[1, 1] * path[:, 1] * np.pi + phases[1, 1])
        strokes.append(path + np.stack([warp_x, warp_y], axis=1) + rng.normal(0, 0.02 * jitter, size=2))
    # Shape: aspect (width / height), slant (shear), a small rotation; y points down.
    aspect = rng.uniform(*aspects)
    slant = np.radians(rng.uniform(-12, 30) * jitter)  # most people lean right
    rotation = np.radians(rng.normal(0, 6) * jitter)
    shaped = []
    for path in strokes:
        x, y = (path[:, 0] - 0.5) * aspect, path[:, 1] - 0.5
        x = x - np.tan(slant) * y
        x, y = x * np.cos(rotation) - y * np.sin(rotation), x * np.sin(rotation) + y * np.cos(rotation)
        shaped.append(np.stack([x, y], axis=1))
    # Size and place it: the height is drawn from 25–90% of the canvas, never so small the brush fills it.
    every = np.vstack(shaped)
    low, high = every.min(axis=0), every.max(axis=0)
    margin = stroke_width / 2 + 2
    span = np.maximum(high - low, 1e-6)  # (width, height) of the shaped digit
    largest = min(0.9 * canvas_size, (canvas_size - 2 * margin) / max(1.0, span[0] / span[1]))
    smallest = min(max(0.25 * canvas_size, 4.0 * stroke_width), largest)
    height = rng.uniform(smallest, largest)
    scale = height / span[1]
    size = span * scale
    free = np.maximum(canvas_size - 2 * margin - size, 0.0)
    offset = margin + rng.uniform(0, 1, size=2) * free - low * scale
    placed = []
    for path in shaped:  # a shaky hand: smoothed noise of about a pixel along each stroke
        tremor = rng.normal(0.0, 1.5 * jitter, size=path.shape)
        if len(path) >= 5:  # (a shorter path, a dot, keeps its raw tremor)
            tremor = np.stack([np.convolve(tremor[:, axis], np.ones(5) / 5, mode="same") for axis in (0, 1)], axis=1)
        placed.append(np.clip(path * scale + offset + tremor, 0, canvas_size - 1))
    return [[(float(px), float(py)) for px, py in path] for path in placed]


def render_strokes(strokes: list[Stroke], stroke_width: float, canvas_size: int = CANVAS_SIZE,
                   colour: tuple[int, int, int] = (0, 0, 0)) -> np.ndarray:
    """Paint strokes with round caps and joins, anti-aliased, on a transparent canvas: RGBA uint8 (H, W, 4)."""
    big = canvas_size * SUPERSAMPLE
    alpha = Image.new("L", (big, big), 0)
    pen = ImageDraw.Draw(alpha)
    width = max(1, round(stroke_width * SUPERSAMPLE))
    radius = width / 2
    for stroke in strokes:
        points = [(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in stroke]
        if len(points) > 1:
            pen.line(points, fill=255, width=width, joint="curve")
        for x, y in points[:1] + points[-1:]:  # round caps
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    alpha = np.asarray(alpha.resize((canvas_size, canvas_size), Image.Resampling.BOX))
    image = np.zeros((canvas_size, canvas_size, 4), dtype=np.uint8)
    image[:, :, :3] = colour
    image[:, :, 3] = alpha
    return image


def draw_digit(digit: int, rng: np.random.Generator, style: str | None = None,
               stroke_width: float | None = None, canvas_size: int = CANVAS_SIZE,
               templates: str = "reference") -> DrawnDigit:
    """One digit drawn in a random (or the given) style and stroke width, rendered on the canvas."""
    style = style or str(rng.choice(styles_of(digit, templates)))
    width = float(stroke_width if stroke_width is not None else rng.uniform(8.0, 30.0))
    strokes = digit_strokes(digit, style, rng, canvas_size, width, templates=templates)
    return DrawnDigit(render_strokes(strokes, width, canvas_size), digit, style, width, strokes)


def drawn_digits(count: int, seed: int, canvas_size: int = CANVAS_SIZE,
                 templates: str = "reference") -> Iterator[DrawnDigit]:
    """`count` stroke-drawn digits, labels cycling 0–9; digit i depends only on (seed, i) and the template set."""
    for index in range(count):
        yield draw_digit(index % 10, np.random.default_rng([seed, index]), canvas_size=canvas_size, templates=templates)


def redraw_mnist(image: np.ndarray, rng: np.random.Generator, canvas_size: int = CANVAS_SIZE) -> np.ndarray:
    """An MNIST digit (uint8 28×28, white on black) re-drawn at a random size and position: RGBA (H, W, 4)."""
    image = np.asarray(image, dtype=np.uint8)
    rows, cols = np.flatnonzero(image.max(axis=1) > 0), np.flatnonzero(image.max(axis=0) > 0)
    if len(rows) == 0:
        return np.zeros((canvas_size, canvas_size, 4), dtype=np.uint8)
    crop = image[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    long_side = rng.uniform(0.25, 0.9) * canvas_size
    scale = long_side / max(crop.shape)
    height, width = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    big = np.asarray(Image.fromarray(crop).resize((width, height), Image.Resampling.BICUBIC))
    top = int(rng.integers(0, canvas_size - height + 1))
    left = int(rng.integers(0, canvas_size - width + 1))
    canvas = np.zeros((canvas_size, canvas_size, 4), dtype=np.uint8)
    canvas[top:top + height, left:left + width, 3] = big
    return canvas


def redrawn_mnist_set(images: np.ndarray, seed: int, canvas_size: int = CANVAS_SIZE) -> Iterator[np.ndarray]:
    """Each MNIST digit re-drawn on the canvas; digit i depends only on (seed, i)."""
    for index, image in enumerate(images):
        yield redraw_mnist(image, np.random.default_rng([seed, index]), canvas_size)


def mouse_strokes(digit: int, style: str, seed: int, stroke_width: float = 20.0, jitter: float = 0.6,
                  spacing: float = 5.0, canvas_size: int = CANVAS_SIZE) -> list[Stroke]:
    """Template strokes for a mouse to draw (browser tests): points about `spacing` canvas pixels apart."""
    strokes = digit_strokes(digit, style, np.random.default_rng(seed), canvas_size, stroke_width, jitter)
    resampled = []
    for stroke in strokes:
        kept = [stroke[0]]
        for point in stroke[1:]:
            if np.hypot(point[0] - kept[-1][0], point[1] - kept[-1][1]) >= spacing:
                kept.append(point)
        if kept[-1] != stroke[-1]:
            kept.append(stroke[-1])
        resampled.append(kept)
    return resampled
