"""A saved model's JSON card: what it is, where it comes from, and what it scored.

The card holds the spec, the preset and its published accuracy, the accuracy achieved (test,
train, validation, drawn digits), the parameter count, training time and length, seed, data
hash, library versions and creation time. `make_card` builds it from a training summary: the
one place a finished training becomes a card (the worker and `python -m core.train` both call it).
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

from core.datasets.mnist import DATA_HASH
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
    library_versions: dict[str, str] = dataclasses.field(default_factory=dict)
    created: str = ""
    card_version: int = CARD_VERSION

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


def make_card(name: str, spec: ModelSpec, summary: TrainingSummary, preset: Preset | None) -> ModelCard:
    """The card for a finished training run of `spec` (from `preset`, if it was one)."""
    return ModelCard(
        name=name, spec=spec.to_dict(), description=spec.describe(), kind=spec.kind,
        preset=preset.name if preset else None,
        published_accuracy=preset.published_accuracy if preset else None,
        test_accuracy=summary.test_accuracy, train_accuracy=summary.train_accuracy,
        validation_accuracy=summary.validation_accuracy, parameters=summary.parameters,
        training_seconds=round(summary.seconds, 2), epochs_run=summary.epochs_run, steps_run=summary.steps_run,
        seed=spec.seed, data_hash=DATA_HASH, diverged=summary.diverged,
        member_test_accuracies=summary.member_test_accuracies,
        samples_per_second=round(summary.samples_per_second, 1),
    )
