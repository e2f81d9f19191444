"""Stroke-drawn digits to train on beside MNIST: handwriting styles MNIST's writers rarely used.

`synthetic_training_digits(count)` draws `count` digits with the stroke generator
(core.drawing.strokes) from every template (the reference styles and the school styles the
benchmarks never draw, core.drawing.templates) and turns each into the 28×28 input exactly as a
drawing on the canvas is turned (core.drawing.preprocess). Training draws them from
`TRAINING_SEED`, never from the seeds the benchmarks report on (bench.recognition's development
seed 1 and held-out seed 2718).
Drawing takes about 5 ms a digit, so the result is kept beside MNIST's files and reused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core import settings
from core.drawing.preprocess import prepare_drawing
from core.drawing.strokes import drawn_digits

TRAINING_SEED = 90_210  # a seed no benchmark reports on
CACHE_VERSION = 4  # bump when the generator or the preprocessing changes: the kept digits are then drawn again


def cache_path(count: int, seed: int = TRAINING_SEED) -> Path:
    """Where `count` training digits drawn from `seed` are kept."""
    return settings.data_dir() / f"synthetic-v{CACHE_VERSION}-{seed}-{count}.npz"


def synthetic_training_digits(count: int, seed: int = TRAINING_SEED) -> tuple[np.ndarray, np.ndarray]:
    """(uint8 images (count, 28, 28), uint8 labels): drawn once, then read from the cache."""
    path = cache_path(count, seed)
    if path.is_file():
        with np.load(path) as kept:
            return kept["images"], kept["labels"]
    images, labels = np.zeros((count, 28, 28), np.uint8), np.zeros(count, np.uint8)
    for index, drawn in enumerate(drawn_digits(count, seed, templates="all")):
        images[index] = np.rint(prepare_drawing(drawn.image).model_input().reshape(28, 28) * 255).astype(np.uint8)
        labels[index] = drawn.label
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".tmp-{path.name}")
    with open(temporary, "wb") as handle:
        np.savez_compressed(handle, images=images, labels=labels)
    temporary.replace(path)
    return images, labels
