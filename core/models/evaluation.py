"""Every saved model's accuracy on the 10,000 MNIST test digits, beside the figure on its card.

The two must match (same weights, same digits, evaluation always with keep_prob 1.0); a model
that cannot be loaded is reported and skipped, and the others are still evaluated.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from core.datasets.mnist import load_mnist
from core.models.store import ModelLoadError, list_cards, load_model

CARD_TOLERANCE = 1e-4  # one digit in 10,000


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """One saved model measured on the test digits now, beside what its card says."""

    name: str
    kind: str
    preset: str | None
    test_accuracy: float
    card_test_accuracy: float
    published_accuracy: float | None

    @property
    def matches_card(self) -> bool:
        """True when the measurement equals the card's figure (to one digit in 10,000)."""
        return abs(self.test_accuracy - self.card_test_accuracy) <= CARD_TOLERANCE

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with `matches_card`."""
        return {**dataclasses.asdict(self), "matches_card": self.matches_card}


def evaluate_all(directory: Path | None = None) -> tuple[list[Evaluation], list[str]]:
    """(one evaluation per loadable model, problems) for every saved model."""
    from core.training.batches import accuracy_of

    data = load_mnist()
    cards, problems = list_cards(directory)
    results = []
    for card in cards:
        try:
            model = load_model(card.name, directory)
        except ModelLoadError as error:
            problems.append(str(error))
            continue
        accuracy = accuracy_of(model, data.test_images, data.test_labels)
        results.append(Evaluation(card.name, card.kind, card.preset, accuracy, card.test_accuracy,
                                  card.published_accuracy))
    return results, problems
