"""Every saved model, loaded once, answering together: one drawing → all models' probabilities.

`InferenceEngine` loads each `saved_models/<name>.keras` once (Keras safe mode), skips a corrupt
file with a note (the others still answer), and reloads only what changed when a `.keras` or
`.json` file appears, disappears or is rewritten. All members run inside one `tf.function` that
returns their probabilities stacked, (N, models, 10): one call per drawing instead of one
`model.predict` per model (≈50 ms of fixed overhead each, docs/SPEED.md). The ensemble is the mean
of the members' probabilities (lab-11-5). TensorFlow is imported on first load, not at import.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

import numpy as np

from core import settings
from core.drawing.preprocess import IMAGE_SIZE, PreparedDrawing, prepare_drawing
from core.models.card import ModelCard
from core.models.store import ModelLoadError, list_cards, load_model

NUM_CLASSES = 10
NO_MODELS_MESSAGE = ("No saved models yet: train one on the Train page or run "
                     "`python -m core.train --preset cnn-lab`.")


@dataclasses.dataclass(frozen=True)
class Answer:
    """One model's (or the ensemble's) answer for one drawing."""

    name: str
    digit: int
    confidence: float
    probabilities: np.ndarray  # (10,) float32, sums to 1
    card: ModelCard | None = None  # None for the ensemble


@dataclasses.dataclass(frozen=True)
class DrawingResult:
    """Everything the Draw page shows for one drawing."""

    drawing: PreparedDrawing
    answers: list[Answer]
    ensemble: Answer | None
    notes: list[str]

    @property
    def blank(self) -> bool:
        """True when the drawing was refused as blank (or a dot): no model was asked."""
        return self.drawing.blank

    @property
    def disagreeing(self) -> list[str]:
        """Names of the models whose digit is not the ensemble's."""
        if self.ensemble is None:
            return []
        return [answer.name for answer in self.answers if answer.digit != self.ensemble.digit]


def make_answer(name: str, probabilities: np.ndarray, card: ModelCard | None = None) -> Answer:
    """An Answer from a (10,) probability vector."""
    probabilities = np.asarray(probabilities, dtype=np.float32)
    digit = int(np.argmax(probabilities))
    return Answer(name, digit, float(probabilities[digit]), probabilities, card)


def ensemble_probabilities(stacked: np.ndarray) -> np.ndarray:
    """Mean over the models axis of (N, models, 10) probabilities, ignoring a model whose output is not finite."""
    stacked = np.asarray(stacked, dtype=np.float32)
    finite = np.isfinite(stacked).all(axis=-1, keepdims=True)  # (N, models, 1)
    counts = np.maximum(finite.sum(axis=1), 1)
    return np.where(finite, stacked, 0.0).sum(axis=1) / counts


def _file_signature(directory: Path) -> tuple:
    """(name, size, mtime) of every model and card file: changes when any is written, added or removed."""
    if not directory.is_dir():
        return ()
    entries = []
    for path in directory.iterdir():
        if path.suffix in (".keras", ".json") and not path.name.startswith("."):
            try:
                status = path.stat()
            except OSError:  # removed between listing and stat
                continue
            entries.append((path.name, status.st_size, status.st_mtime_ns))
    return tuple(sorted(entries))


class InferenceEngine:
    """All saved models of one folder, loaded once and predicted together."""

    def __init__(self, directory: Path | str | None = None, warm_up: bool = True):
        self.directory = Path(directory) if directory is not None else settings.models_dir()
        self.warm_up = warm_up
        self._lock = threading.RLock()
        self._signature: tuple | None = None
        self._loaded: dict[str, tuple[tuple, Any]] = {}  # name → (file signature, keras model)
        self._members: list[tuple[ModelCard, Any]] = []
        self._function: Any = None
        self.notes: list[str] = []
        self.reloads = 0

    @property
    def cards(self) -> list[ModelCard]:
        """Cards of the models that loaded, in answer order (by name)."""
        self.refresh()
        return [card for card, _ in self._members]

    @property
    def names(self) -> list[str]:
        """Names of the models that answer."""
        return [card.name for card in self.cards]

    def refresh(self) -> bool:
        """Reload if any model or card file changed, appeared or disappeared; True if it reloaded."""
        with self._lock:
            signature = _file_signature(self.directory)
            if signature == self._signature:
                return False
            self._reload()
            self._signature = signature
            return True

    def _reload(self) -> None:
        cards, problems = list_cards(self.directory) if self.directory.is_dir() else ([], [])
        notes = [f"{problem} — skipped; the other models still answer." for problem in problems]
        members, loaded = [], {}
        for card in cards:
            path = self.directory / f"{card.name}.keras"
            try:
                status = path.stat()
                file_signature = (status.st_size, status.st_mtime_ns)
                previous = self._loaded.get(card.name)
                model = previous[1] if previous and previous[0] == file_signature else load_model(card.name, self.directory)
            except (ModelLoadError, OSError) as error:
                notes.append(f"{error} — skipped; the other models still answer.")
                continue
            loaded[card.name] = (file_signature, model)
            members.append((card, model))
        self._loaded, self._members, self.notes = loaded, members, notes
        self._function = self._build_function([model for _, model in members]) if members else None
        self.reloads += 1
        if self._function is not None and self.warm_up:
            for batch in (1, 2):  # trace once with a dynamic batch, then run it hot
                self._function(np.zeros((batch, IMAGE_SIZE, IMAGE_SIZE, 1), np.float32))

    @staticmethod
    def _build_function(models: list[Any]) -> Any:
        """One tf.function running every member on the same batch: (N, 28, 28, 1) → (N, models, 10)."""
        import tensorflow as tf

        @tf.function(input_signature=[tf.TensorSpec((None, IMAGE_SIZE, IMAGE_SIZE, 1), tf.float32)],
                     jit_compile=False, reduce_retracing=True)
        def all_models(images):
            return tf.stack([model(images, training=False) for model in models], axis=1)

        return all_models

    def probabilities(self, inputs: np.ndarray, batch_size: int = 1000) -> np.ndarray:
        """(N, 28, 28, 1) float32 inputs → (N, models, 10) probabilities, in one call per batch."""
        self.refresh()
        with self._lock:
            return self._run(inputs, batch_size)

    def _run(self, inputs: np.ndarray, batch_size: int = 1000) -> np.ndarray:
        inputs = np.asarray(inputs, dtype=np.float32).reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 1)
        if self._function is None:
            return np.zeros((len(inputs), 0, NUM_CLASSES), np.float32)
        chunks = [self._function(inputs[start:start + batch_size]).numpy() for start in range(0, len(inputs), batch_size)]
        return np.concatenate(chunks) if chunks else np.zeros((0, len(self._members), NUM_CLASSES), np.float32)

    def predict(self, image: Any) -> DrawingResult:
        """One drawing (array or PIL image, any size) → every model's answer and the ensemble's."""
        drawing = image if isinstance(image, PreparedDrawing) else prepare_drawing(image)
        self.refresh()
        with self._lock:
            notes = list(self.notes) + ([] if self._members else [NO_MODELS_MESSAGE])
            members = list(self._members)
            if drawing.blank or not members:
                return DrawingResult(drawing, [], None, notes)
            stacked = self._run(drawing.model_input())[0]  # (models, 10)
        answers = []
        for (card, _), probabilities in zip(members, stacked):
            if not np.isfinite(probabilities).all():
                notes.append(f"{card.name}: its output is not a number (a diverged model) — left out of the ensemble.")
            answers.append(make_answer(card.name, np.nan_to_num(probabilities, nan=0.0), card))
        ensemble = make_answer("ensemble", ensemble_probabilities(stacked[None])[0])
        return DrawingResult(drawing, answers, ensemble, notes)


def naive_probabilities(models: list[Any], inputs: np.ndarray) -> np.ndarray:
    """The slow way, for comparison: one `model.predict` call per model → (N, models, 10)."""
    return np.stack([np.asarray(model.predict(inputs, verbose=0)) for model in models], axis=1)
