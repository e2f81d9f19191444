"""Command line: every saved model's accuracy on the 10,000 MNIST test digits.

    python -m core.evaluate [--json] [--models-dir DIR]

Prints one line per model with the accuracy measured now beside the one on its card (they
must match: same weights, same digits, evaluation always with keep_prob 1.0). A model that
cannot be loaded is reported and skipped; the others are still evaluated.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.data import DataUnavailableError, load_mnist
from core.model_store import ModelLoadError, list_cards, load_model

CARD_TOLERANCE = 1e-4  # one digit in 10,000


def evaluate_all(directory: Path | None = None) -> tuple[list[dict], list[str]]:
    """(one result dict per loadable model, problems) for every saved model."""
    from core.training import accuracy_of

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
        results.append({
            "name": card.name, "kind": card.kind, "preset": card.preset, "test_accuracy": accuracy,
            "card_test_accuracy": card.test_accuracy, "published_accuracy": card.published_accuracy,
            "matches_card": abs(accuracy - card.test_accuracy) <= CARD_TOLERANCE,
        })
    return results, problems


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: exits 1 if no model could be evaluated or MNIST is missing."""
    parser = argparse.ArgumentParser(prog="python -m core.evaluate", description="Accuracy of every saved model on MNIST test.")
    parser.add_argument("--json", action="store_true", help="print one JSON object with every result")
    parser.add_argument("--models-dir", type=Path, default=None, help="default: saved_models/")
    args = parser.parse_args(argv)
    try:
        results, problems = evaluate_all(args.models_dir)
    except DataUnavailableError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"skipped: {problem}", file=sys.stderr)
    if args.json:
        print(json.dumps({"models": results, "problems": problems}))
    else:
        for row in results:
            published = f"{row['published_accuracy']:.4f}" if row["published_accuracy"] is not None else "   –  "
            flag = "" if row["matches_card"] else "   DIFFERS FROM CARD"
            print(f"{row['name']:28s} test {row['test_accuracy']:.4f}  card {row['card_test_accuracy']:.4f}  "
                  f"published {published}{flag}")
    if not results:
        print("error: no saved model could be evaluated (train one: python -m core.train --preset cnn-lab)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
