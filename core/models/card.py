"""A saved model's JSON card: what it is, where it comes from, and what it scored.

The card holds the spec, the preset and its published accuracy, the accuracy achieved (test,
train, validation; drawn digits, re-drawn MNIST digits and real handwriting once a benchmark has
measured them), the parameter count, training time and length, seed, data
hash, library versions and creation time. `make_card` builds it from a training summary: the
one place a finished training becomes a card (the worker and `python -m core.train` both call it).
A quick run's card says how many digits it trained on (`train_limit`).

`validate_card` checks a card read from disk before anything shows or loads it: every field's
type and range, a spec that builds, and a parameter count that matches the spec. A bad card is
refused with a `CardError` naming the field, and the model store skips it with a note.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from typing import Any

from core.datasets.mnist import DATA_HASH, LECTURE_TRAIN_SIZE
from core.lecture.architecture import parameter_count
from core.lecture.presets import Preset
from core.lecture.spec import ModelSpec
from core.training.summary import TrainingSummary

CARD_VERSION = 1


@dataclasses.dataclass
class ModelCard:
    """The JSON card saved beside each model."""

    name: str
    spec: dict[str, Any]
    description: str
    kind: str
    preset: str | None
    published_accuracy: float | None
    test_accuracy: float
    train_accuracy: float | None
    validation_accuracy: float | None
    parameters: int
    training_seconds: float
    epochs_run: int
    steps_run: int
    seed: int
    data_hash: str
    diverged: bool = False
    member_test_accuracies: list[float] = dataclasses.field(default_factory=list)
    samples_per_second: float | None = None
    drawn_accuracy: float | None = None  # accuracy on the stroke-drawn digit set, if measured
    redrawn_accuracy: float | None = None  # accuracy on MNIST test digits re-drawn on a 280×280 canvas
    handwriting_accuracy: float | None = None  # accuracy on real pen-drawn digits of people (bench/handwriting.py)
    class_accuracy: float | None = None  # on the class's held-out drawings, when it trained on the others
    library_versions: dict[str, str] = dataclasses.field(default_factory=dict)
    created: str = ""
    card_version: int = CARD_VERSION
    train_limit: int | None = None  # a quick run: trained on the first N digits only

    @property
    def is_quick(self) -> bool:
        """True for a quick run's model (trained on a slice of the digits)."""
        return self.train_limit is not None

    def model_spec(self) -> ModelSpec:
        """The spec the model was built from."""
        return ModelSpec.from_dict(self.spec)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "ModelCard":
        """Build a card from JSON, ignoring keys a newer version may have added."""
        known = {field.name for field in dataclasses.fields(cls)}
        missing = [f.name for f in dataclasses.fields(cls)
                   if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING and f.name not in values]
        if missing:
            raise ValueError(f"card lacks {', '.join(missing)}")
        return cls(**{key: value for key, value in values.items() if key in known})


def library_versions() -> dict[str, str]:
    """Versions of the libraries that matter for reloading a model."""
    import keras
    import numpy
    import tensorflow

    return {"python": sys.version.split()[0], "tensorflow": tensorflow.__version__, "keras": keras.__version__,
            "numpy": numpy.__version__}


def make_card(name: str, spec: ModelSpec, summary: TrainingSummary, preset: Preset | None,
              train_limit: int | None = None) -> ModelCard:
    """The card for a finished training run of `spec` (from `preset`, if it was one; on `train_limit` digits if quick)."""
    return ModelCard(
        name=name, spec=spec.to_dict(), description=spec.describe(), kind=spec.kind,
        preset=preset.name if preset else None,
        published_accuracy=preset.published_accuracy if preset else None,
        test_accuracy=summary.test_accuracy, train_accuracy=summary.train_accuracy,
        validation_accuracy=summary.validation_accuracy, parameters=summary.parameters,
        training_seconds=round(summary.seconds, 2), epochs_run=summary.epochs_run, steps_run=summary.steps_run,
        seed=spec.seed, data_hash=DATA_HASH, diverged=summary.diverged,
        member_test_accuracies=summary.member_test_accuracies,
        samples_per_second=round(summary.samples_per_second, 1), class_accuracy=summary.class_accuracy,
        train_limit=train_limit if train_limit is not None and train_limit < LECTURE_TRAIN_SIZE else None,
    )


class CardError(ValueError):
    """A card that cannot be trusted: `field` names the part that is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_fraction(card: ModelCard, name: str, optional: bool = True) -> None:
    value = getattr(card, name)
    if value is None and optional:
        return
    if not _is_number(value) or not 0 <= value <= 1:
        raise CardError(name, f"must be a fraction from 0 to 1, got {value!r}")


def _check_whole(card: ModelCard, name: str, low: int, optional: bool = False) -> None:
    value = getattr(card, name)
    if value is None and optional:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise CardError(name, f"must be a whole number of at least {low}, got {value!r}")


def _check_spec(card: ModelCard) -> ModelSpec:
    if not isinstance(card.spec, dict):
        raise CardError("spec", f"must be the model's settings, got {type(card.spec).__name__}")
    try:
        spec = card.model_spec().validate()
    except (ValueError, TypeError) as error:
        raise CardError("spec", str(error)) from error
    if card.kind != spec.kind:
        raise CardError("kind", f"says {card.kind!r} but the spec builds a {spec.kind}")
    expected = parameter_count(spec)
    if card.parameters != expected:
        raise CardError("parameters", f"says {card.parameters!r} but the spec has {expected:,} parameters")
    return spec


def validate_card(card: ModelCard) -> ModelCard:
    """Check every field's type and range, the spec and its parameter count; CardError names the first wrong field."""
    for name in ("name", "description", "kind", "data_hash", "created"):
        if not isinstance(getattr(card, name), str):
            raise CardError(name, f"must be text, got {getattr(card, name)!r}")
    _check_fraction(card, "test_accuracy", optional=False)
    for name in ("train_accuracy", "validation_accuracy", "published_accuracy", "drawn_accuracy", "redrawn_accuracy",
                 "handwriting_accuracy", "class_accuracy"):
        _check_fraction(card, name)
    _check_whole(card, "parameters", 1)
    _check_whole(card, "epochs_run", 0)
    _check_whole(card, "steps_run", 0)
    _check_whole(card, "seed", 0)
    _check_whole(card, "train_limit", 1, optional=True)
    for name in ("training_seconds", "samples_per_second"):
        value = getattr(card, name)
        if not (value is None and name == "samples_per_second") and (not _is_number(value) or value < 0):
            raise CardError(name, f"must be a number of at least 0, got {value!r}")
    if not isinstance(card.diverged, bool):
        raise CardError("diverged", f"must be true or false, got {card.diverged!r}")
    if not isinstance(card.member_test_accuracies, list) or not all(
            _is_number(value) and 0 <= value <= 1 for value in card.member_test_accuracies):
        raise CardError("member_test_accuracies", "must be a list of fractions from 0 to 1")
    if not isinstance(card.library_versions, dict):
        raise CardError("library_versions", "must be a table of library versions")
    if card.preset is not None and not isinstance(card.preset, str):
        raise CardError("preset", f"must be a preset's name, got {card.preset!r}")
    _check_spec(card)
    return card
