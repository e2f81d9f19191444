"""What a saved model gets right and wrong on the 10,000 MNIST test digits, computed once and kept beside it.

`answers_on_test_digits(name, images)` runs the model on every test digit once and keeps the answers in
`<name>.insight.npz` next to the model, with a fingerprint of the model file's bytes: when the
model changes (retrained, replaced) the cache no longer matches and is computed again. Everything
the Models page shows — the confusion matrix, per-digit accuracy, the most confident mistakes,
two models side by side — is arithmetic on those answers, so the page opens at once.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from core import settings
from core.datasets.mnist import sha256_of
from core.models.store import load_model, sanitize_name

CACHE_SUFFIX = ".insight.npz"
NUM_CLASSES = 10


def fingerprint(model_path: Path) -> str:
    """SHA-256 of the model file's bytes (a copy or a git checkout keeps it; a retrained model does not)."""
    return sha256_of(model_path)


def cache_path(name: str, directory: Path | None = None) -> Path:
    """Where a model's test answers are kept."""
    directory = Path(directory) if directory is not None else settings.models_dir()
    return directory / f"{sanitize_name(name)}{CACHE_SUFFIX}"


def cached_probabilities(name: str, directory: Path | None = None) -> np.ndarray | None:
    """The kept (10,000, 10) answers if they belong to the model file as it is now; None otherwise."""
    directory = Path(directory) if directory is not None else settings.models_dir()
    cache, model_path = cache_path(name, directory), directory / f"{sanitize_name(name)}.keras"
    if not cache.is_file() or not model_path.is_file():
        return None
    try:
        with np.load(cache) as kept:
            if str(kept["fingerprint"]) != fingerprint(model_path):
                return None
            return kept["probabilities"].astype(np.float32)
    except (OSError, ValueError, KeyError):
        return None


def answers_on_test_digits(name: str, test_images: np.ndarray, directory: Path | None = None,
                           model: Any = None) -> np.ndarray:
    """(10,000, 10) probabilities of the model on the test digits: from the cache, else computed and kept.

    `model`: the saved model already in memory (a worker that has just saved it), so it is not loaded again.
    """
    kept = cached_probabilities(name, directory)
    if kept is not None:
        return kept
    from core.training.batches import images_to_inputs, predict_probabilities

    directory = Path(directory) if directory is not None else settings.models_dir()
    model_path = directory / f"{sanitize_name(name)}.keras"
    model = model if model is not None else load_model(name, directory)
    probabilities = predict_probabilities(model, images_to_inputs(test_images))
    target = cache_path(name, directory)
    temporary = target.with_name(f".tmp-{target.name}")
    with open(temporary, "wb") as handle:
        np.savez_compressed(handle, probabilities=probabilities.astype(np.float16),
                            fingerprint=np.array(fingerprint(model_path)))
    temporary.replace(target)
    return probabilities


def confusion_matrix(probabilities: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(10, 10) counts: row = the true digit, column = the model's answer."""
    answers = np.argmax(np.nan_to_num(probabilities, nan=-1.0), axis=1)
    matrix = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels, dtype=np.int64), answers), 1)
    return matrix


def per_digit_accuracy(matrix: np.ndarray) -> np.ndarray:
    """(10,) share of each true digit read correctly."""
    return np.diag(matrix) / np.maximum(matrix.sum(axis=1), 1)


def confused(probabilities: np.ndarray, labels: np.ndarray, true_digit: int, answered: int,
             limit: int = 24) -> np.ndarray:
    """Indices of the test digits that are `true_digit` but read as `answered`, most confident first."""
    answers = np.argmax(probabilities, axis=1)
    chosen = np.flatnonzero((labels == true_digit) & (answers == answered))
    return chosen[np.argsort(-probabilities[chosen, answered])][:limit]


def confident_mistakes(probabilities: np.ndarray, labels: np.ndarray, limit: int = 24) -> np.ndarray:
    """Indices of the wrongly read test digits, the most confidently wrong first."""
    answers = np.argmax(probabilities, axis=1)
    wrong = np.flatnonzero(answers != labels)
    return wrong[np.argsort(-probabilities[wrong, answers[wrong]])][:limit]


@dataclasses.dataclass(frozen=True)
class Disagreement:
    """Two models on the same test digits: where they answer differently, and who is right there."""

    indices: np.ndarray  # the test digits they disagree on, the first model's confidence first
    first_right: int
    second_right: int
    neither_right: int


def disagreement(first: np.ndarray, second: np.ndarray, labels: np.ndarray, limit: int = 24) -> Disagreement:
    """Compare two models' (10,000, 10) answers."""
    first_answers, second_answers = np.argmax(first, axis=1), np.argmax(second, axis=1)
    differ = np.flatnonzero(first_answers != second_answers)
    first_right = int(np.sum(first_answers[differ] == labels[differ]))
    second_right = int(np.sum(second_answers[differ] == labels[differ]))
    ordered = differ[np.argsort(-np.abs(first[differ].max(axis=1) - second[differ].max(axis=1)))]
    return Disagreement(ordered[:limit], first_right, second_right, len(differ) - first_right - second_right)
