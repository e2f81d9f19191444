"""What a training run achieved, as plain numbers: the one record the trainer, the run store and the cards share.

`TrainingSummary` has no Keras model in it, so it is JSON-ready and importable without
TensorFlow. `core.training.trainer.TrainingResult` extends it with the model itself; a run's
`RunResult` (core.runs.records) and a model's card (core.models.card) are built from it, never
copied field by field.
"""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass
class TrainingSummary:
    """Accuracy, length and speed of one training run (every ensemble member together)."""

    test_accuracy: float
    train_accuracy: float | None
    validation_accuracy: float | None
    diverged_at_step: int | None
    epochs_run: int
    steps_run: int
    seconds: float
    samples_per_second: float
    parameters: int | None = None
    member_test_accuracies: list[float] = dataclasses.field(default_factory=list)
    class_digits: int = 0  # the class's drawings it trained on (spec.class_drawings)
    class_accuracy: float | None = None  # on the class's held-out drawings, when it trained on the others

    @property
    def diverged(self) -> bool:
        """True when the cost became NaN or infinite and training stopped."""
        return self.diverged_at_step is not None

    def summary(self) -> "TrainingSummary":
        """Just the summary's own fields (drops what a subclass adds, such as the Keras model)."""
        return TrainingSummary(**summary_fields(self))


def summary_fields(record: Any) -> dict[str, Any]:
    """The TrainingSummary fields of any record that has them, as a dict."""
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(TrainingSummary)}
