"""The drawing sets the Draw page's rules are measured on, run through every saved model once (and cached).

- `stroke`: stroke-drawn digits (core.drawing.strokes) of a given seed;
- `redrawn`: MNIST test digits re-drawn at a random size and place on the canvas;
- `nondigits`: scribbles, zigzags, lines, letters, Hangul and shapes (core.drawing.nondigits);
- `pen`: real pen-drawn digits (core.drawing.unipen), only when the file's path is given.

Each set is a `DrawSet`: the 28×28 inputs, the labels (−1 for a non-digit), what each drawing is,
the aspect of its ink (width / height) and the probabilities of every model, (N, models, 10).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
from pathlib import Path
from typing import Iterable

import numpy as np

from core.drawing.preprocess import prepare_drawing
from core.drawing.verdict import aspect_of

NOT_A_DIGIT = -1


@dataclasses.dataclass
class DrawSet:
    """One measured set of drawings."""

    name: str
    inputs: np.ndarray  # (N, 28, 28, 1)
    labels: np.ndarray  # (N,), NOT_A_DIGIT for non-digits
    what: np.ndarray  # (N,) str: style, kind/name or writer
    aspects: np.ndarray  # (N,): width / height of the ink on the canvas
    probabilities: np.ndarray  # (N, models, 10)
    names: list[str]


def _prepare(images: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(inputs (N, 28, 28, 1), aspects (N,)) through the app's preprocessing (a blank drawing: zeros)."""
    inputs, aspects = [], []
    for image in images:
        drawing = prepare_drawing(image)
        inputs.append(drawing.image if drawing.image is not None else np.zeros((28, 28), np.float32))
        aspects.append(aspect_of(drawing) if not drawing.blank else 1.0)
    return np.stack(inputs)[..., None], np.array(aspects, np.float32)


def _images(kind: str, count: int, seed: int, pen_path: Path | None) -> tuple[list, list, list]:
    if kind == "stroke":
        from core.drawing.strokes import drawn_digits

        digits = list(drawn_digits(count, seed))
        return [d.image for d in digits], [d.label for d in digits], [f"{d.label}/{d.style}" for d in digits]
    if kind == "nondigits":
        from core.drawing.nondigits import nondigits

        drawings = list(nondigits(count, seed))
        return [d.image for d in drawings], [NOT_A_DIGIT] * len(drawings), [f"{d.kind}/{d.name}" for d in drawings]
    if kind == "redrawn":
        from core.datasets.mnist import load_mnist
        from core.drawing.strokes import redrawn_mnist_set

        mnist = load_mnist()
        chosen = np.sort(np.random.default_rng(seed).choice(len(mnist.test_images), count, replace=False))
        return (list(redrawn_mnist_set(mnist.test_images[chosen], seed)), list(mnist.test_labels[chosen]),
                [f"mnist test {index}" for index in chosen])
    if kind == "pen":
        from core.drawing.unipen import parse_unipen, render_set

        digits = parse_unipen(pen_path)[:count]
        images = [image for image, _ in render_set(digits, seed)]
        return images, [d.label for d in digits], [f"writer {d.writer}" for d in digits]
    raise ValueError(f"unknown set {kind!r}")


def add_set_arguments(parser: argparse.ArgumentParser, count_help: str) -> None:
    """The options every rule benchmark shares: the pen-digit file, the set size, the models, a cache, JSON."""
    parser.add_argument("pendigits", nargs="?", type=Path, help="UNIPEN file of real pen-drawn digits (optional)")
    parser.add_argument("--count", type=int, default=2000, help=count_help)
    parser.add_argument("--models-dir", type=Path, default=None, help="default: $MNIST_LAB_MODELS_DIR or saved_models/")
    parser.add_argument("--cache", type=Path, default=None, help="keep the sets' probabilities here between runs")
    parser.add_argument("--json", action="store_true")


def draw_set(engine, kind: str, count: int, seed: int, pen_path: Path | None = None,
             cache_dir: Path | None = None) -> DrawSet:
    """A set of drawings through the app's preprocessing and every model of `engine` (cached by content)."""
    names = engine.names
    cache = None
    if cache_dir is not None:
        signature = repr((kind, count, seed, str(pen_path), [(c.name, c.test_accuracy, c.created) for c in engine.cards]))
        cache = Path(cache_dir) / f"{kind}-{seed}-{count}-{hashlib.sha1(signature.encode()).hexdigest()[:10]}.npz"
        if cache.is_file():
            saved = np.load(cache, allow_pickle=False)
            return DrawSet(kind, saved["inputs"], saved["labels"], saved["what"], saved["aspects"],
                           saved["probabilities"], names)
    images, labels, what = _images(kind, count, seed, pen_path)
    inputs, aspects = _prepare(images)
    result = DrawSet(kind, inputs, np.array(labels, np.int32), np.array(what), aspects, engine.probabilities(inputs), names)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(cache, inputs=result.inputs, labels=result.labels, what=result.what, aspects=result.aspects,
                            probabilities=result.probabilities)
    return result
