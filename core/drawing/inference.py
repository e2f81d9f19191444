"""Every saved model, loaded once, answering together: one drawing → all models' probabilities and a headline.

`InferenceEngine` loads each `saved_models/<name>.keras` once (Keras safe mode), skips a corrupt
file with a note (the others still answer), and reloads only what changed when a `.keras` or
`.json` file appears, disappears or is rewritten; it looks at the folder at most once every
REFRESH_SECONDS, not on every stroke. All members run inside one `tf.function` that returns their
probabilities stacked, (N, models, 10): one call per drawing instead of one `model.predict` per
model (≈50 ms of fixed overhead each, docs/SPEED.md). TensorFlow is imported on first load.

Each drawing gets three things: every shown model's answer; the `ensemble` of the lecture
(lab-11-5: the mean of all models, kept for the command line); and the page's `headline`, the
mean of the models that deserve a vote (core.drawing.voting) with its verdict, a digit or "not
sure" (core.drawing.verdict). A model whose card lacks `drawn_accuracy` is measured here on
CALIBRATION_COUNT held-out stroke-drawn digits so the voting rule can rank it.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from core import settings
from core.drawing.preprocess import IMAGE_SIZE, PreparedDrawing, prepare_drawing
from core.drawing.verdict import Verdict, aspect_of, judge
from core.drawing.voting import choose_voters, vote
from core.i18n import N_
from core.models.card import ModelCard
from core.models.selection import DrawSelection
from core.models.store import ModelLoadError, list_cards, load_model

NUM_CLASSES = 10
NO_MODELS_MESSAGE = N_("No saved models yet: train one on the Train page or run "
                       "`python -m core.train --preset cnn-lab`.")
SKIPPED_NOTE = N_("{problem} — skipped; the other models still answer.")
REFRESH_SECONDS = 2.0  # the models folder is looked at no more often than this
CALIBRATION_SEED, CALIBRATION_COUNT = 2718, 300  # the cards' held-out stroke-drawn set (first 300)
ALL_SHOWN = DrawSelection(None, None)
_TF_LOCAL = threading.local()
# Every TensorFlow call of every engine runs on this one long-lived thread: calls from many visitors'
# script runs (Streamlit starts a new thread for each) queue here in order instead of contending.
_TF_THREAD = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="tensorflow",
                                                   initializer=lambda: setattr(_TF_LOCAL, "inside", True))


def _on_tf_thread(function: Any, *args: Any) -> Any:
    """`function(*args)` on the TensorFlow thread (directly when already on it)."""
    if getattr(_TF_LOCAL, "inside", False):
        return function(*args)
    return _TF_THREAD.submit(function, *args).result()


@dataclasses.dataclass(frozen=True)
class Answer:
    """One model's (or the ensemble's, or the headline's) answer for one drawing."""

    name: str
    digit: int
    confidence: float
    probabilities: np.ndarray  # (10,) float32, sums to 1
    card: ModelCard | None = None  # None for the ensemble and the headline


@dataclasses.dataclass(frozen=True)
class DrawingResult:
    """Everything the Draw page shows for one drawing."""

    drawing: PreparedDrawing
    answers: list[Answer]  # the shown models', by name
    ensemble: Answer | None  # the mean of every shown model (lab-11-5)
    notes: list[str]
    headline: Answer | None = None  # the mean of the voters: what the page leads with
    voters: tuple[str, ...] = ()
    verdict: Verdict | None = None
    diverged: tuple[str, ...] = ()  # models whose output was not a number

    @property
    def blank(self) -> bool:
        """True when the drawing was refused as blank (or a dot): no model was asked."""
        return self.drawing.blank

    @property
    def disagreeing(self) -> list[str]:
        """Names of the models whose digit is not the headline's (the ensemble's without a headline)."""
        lead = self.headline or self.ensemble
        return [] if lead is None else [answer.name for answer in self.answers if answer.digit != lead.digit]


def make_answer(name: str, probabilities: np.ndarray, card: ModelCard | None = None) -> Answer:
    """An Answer from a (10,) probability vector."""
    probabilities = np.asarray(probabilities, dtype=np.float32)
    digit = int(np.argmax(probabilities))
    return Answer(name, digit, float(probabilities[digit]), probabilities, card)


def ensemble_probabilities(stacked: np.ndarray) -> np.ndarray:
    """Mean over the models axis of (N, models, 10) probabilities, ignoring a model whose output is not finite."""
    return vote(stacked, np.ones(np.shape(stacked)[1], dtype=bool))


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


@functools.lru_cache(maxsize=1)
def calibration_set() -> tuple[np.ndarray, np.ndarray]:
    """(inputs, labels) of the first CALIBRATION_COUNT held-out stroke-drawn digits, preprocessed (made once)."""
    from core.drawing.strokes import drawn_digits

    digits = list(drawn_digits(CALIBRATION_COUNT, CALIBRATION_SEED))
    inputs = np.stack([prepare_drawing(digit.image).image for digit in digits])[..., None]
    return inputs.astype(np.float32), np.array([digit.label for digit in digits])


class InferenceEngine:
    """All saved models of one folder, loaded once and predicted together."""

    def __init__(self, directory: Path | str | None = None, warm_up: bool = True):
        self.directory = Path(directory) if directory is not None else settings.models_dir()
        self.warm_up = warm_up
        self._lock = threading.RLock()
        self._signature: tuple | None = None
        self._checked = float("-inf")  # time.monotonic() of the last look at the folder
        self._loaded: dict[str, tuple[tuple, Any]] = {}  # name → (file signature, keras model)
        self._members: list[tuple[ModelCard, Any]] = []
        self._function: Any = None
        self.problems: list[str] = []  # files that could not be loaded, and why
        self.drawn_errors: dict[str, float | None] = {}  # name → error on drawn digits (card, or measured here)
        self.reloads = 0
        self._inspector: Any = None  # core.drawing.inside.Inspector, made when the view is first opened

    @property
    def notes(self) -> list[str]:
        """The load problems as sentences (English; the page translates `SKIPPED_NOTE` itself)."""
        return [SKIPPED_NOTE.format(problem=problem) for problem in self.problems]

    @property
    def cards(self) -> list[ModelCard]:
        """Cards of the models that loaded, in answer order (by name)."""
        self.refresh(force=True)
        return [card for card, _ in self._members]

    @property
    def names(self) -> list[str]:
        """Names of the models that answer."""
        return [card.name for card in self.cards]

    def refresh(self, force: bool = False) -> bool:
        """Reload if any model or card file changed, appeared or disappeared; True if it reloaded.

        Without `force` the folder is looked at only if REFRESH_SECONDS have passed since the last look.
        """
        with self._lock:
            now = time.monotonic()
            if not force and now - self._checked < REFRESH_SECONDS:
                return False
            self._checked = now
            signature = _file_signature(self.directory)
            if signature == self._signature:
                return False
            _on_tf_thread(self._reload)
            self._signature = signature
            return True

    def _reload(self) -> None:
        cards, problems = list_cards(self.directory) if self.directory.is_dir() else ([], [])
        members, loaded = [], {}
        for card in cards:
            path = self.directory / f"{card.name}.keras"
            try:
                status = path.stat()
                file_signature = (status.st_size, status.st_mtime_ns)
                previous = self._loaded.get(card.name)
                model = previous[1] if previous and previous[0] == file_signature else load_model(card.name, self.directory)
            except (ModelLoadError, OSError) as error:
                problems.append(str(error))
                continue
            loaded[card.name] = (file_signature, model)
            members.append((card, model))
        self._loaded, self._members, self.problems = loaded, members, problems
        self._function = self._build_function([model for _, model in members]) if members else None
        self.reloads += 1
        if self._function is not None and self.warm_up:
            for batch in (1, 2):  # trace once with a dynamic batch, then run it hot
                self._function(np.zeros((batch, IMAGE_SIZE, IMAGE_SIZE, 1), np.float32))
        self.drawn_errors = self._drawn_errors()

    def _drawn_errors(self) -> dict[str, float | None]:
        """Each member's error on drawn digits: from its card, or measured on the calibration set."""
        errors = {card.name: None if card.drawn_accuracy is None else 1.0 - card.drawn_accuracy for card, _ in self._members}
        if self._function is not None and any(error is None for error in errors.values()):
            inputs, labels = calibration_set()
            answers = self._run(inputs).argmax(axis=-1)  # (N, models)
            for index, (card, _) in enumerate(self._members):
                if errors[card.name] is None:
                    errors[card.name] = float(np.mean(answers[:, index] != labels))
        return errors

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
        return _on_tf_thread(self._compute, inputs, batch_size)

    def _compute(self, inputs: np.ndarray, batch_size: int) -> np.ndarray:
        inputs = np.asarray(inputs, dtype=np.float32).reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 1)
        if self._function is None:
            return np.zeros((len(inputs), 0, NUM_CLASSES), np.float32)
        chunks = [self._function(inputs[start:start + batch_size]).numpy() for start in range(0, len(inputs), batch_size)]
        return np.concatenate(chunks) if chunks else np.zeros((0, len(self._members), NUM_CLASSES), np.float32)

    def predict(self, image: Any, selection: DrawSelection = ALL_SHOWN) -> DrawingResult:
        """One drawing (array or PIL image, any size) → the shown models' answers, the ensemble and the headline."""
        drawing = image if isinstance(image, PreparedDrawing) else prepare_drawing(image)
        self.refresh()
        with self._lock:
            notes = self.notes + ([] if self._members else [NO_MODELS_MESSAGE])
            members, errors = list(self._members), dict(self.drawn_errors)
            if drawing.blank or not members:
                return DrawingResult(drawing, [], None, notes)
            stacked = self._run(drawing.model_input())[0]  # (models, 10)
        return _result(drawing, members, stacked, errors, selection, notes)


    def look_inside(self, name: str, drawing: PreparedDrawing) -> Any:
        """The loaded model `name` for this drawing: weights, feature maps, saliency (an InsideView); None if absent."""
        from core.drawing.inside import Inspector

        with self._lock:
            model = next((model for card, model in self._members if card.name == name), None)
            if model is None or drawing.blank:
                return None
            if self._inspector is None:
                self._inspector = Inspector()
            return _on_tf_thread(self._inspector.view, model, drawing.model_input())


def _result(drawing: PreparedDrawing, members: list[tuple[ModelCard, Any]], stacked: np.ndarray,
            errors: dict[str, float | None], selection: DrawSelection, notes: list[str]) -> DrawingResult:
    """The answers, ensemble, voters, headline and verdict for one drawing's (models, 10) probabilities."""
    names = [card.name for card, _ in members]
    shown = [index for index, name in enumerate(names) if selection.shown is None or name in selection.shown]
    if not shown:  # a choice that hides every loaded model shows them all rather than nothing
        shown = list(range(len(names)))
    diverged = tuple(names[index] for index in shown if not np.isfinite(stacked[index]).all())
    answers = [make_answer(names[index], np.nan_to_num(stacked[index], nan=0.0), members[index][0]) for index in shown]
    candidates = names if selection.voting is not None else [names[index] for index in shown]
    voters = choose_voters(candidates, errors, selection.voting)
    ensemble = make_answer("ensemble", ensemble_probabilities(stacked[shown][None])[0])
    headline = make_answer("headline", vote(stacked[None], np.array([name in voters for name in names]))[0])
    verdict = judge(headline.probabilities, [answer.digit for answer in answers], aspect_of(drawing))
    return DrawingResult(drawing, answers, ensemble, notes, headline, tuple(sorted(voters)), verdict, diverged)


def naive_probabilities(models: list[Any], inputs: np.ndarray) -> np.ndarray:
    """The slow way, for comparison: one `model.predict` call per model → (N, models, 10)."""
    return np.stack([np.asarray(model.predict(inputs, verbose=0)) for model in models], axis=1)
