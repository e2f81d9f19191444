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

from core import settings
from core.datasets.mnist import DataUnavailableError
from core.i18n.catalog import add_language_option, use_command_line_language
from core.models.evaluation import evaluate_all


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: exits 1 if no model could be evaluated or MNIST is missing."""
    parser = argparse.ArgumentParser(prog="python -m core.evaluate", description="Accuracy of every saved model on MNIST test.")
    parser.add_argument("--json", action="store_true", help="print one JSON object with every result")
    parser.add_argument("--models-dir", type=Path, default=None, help="default: saved_models/")
    add_language_option(parser)
    args = parser.parse_args(argv)
    use_command_line_language(args)
    settings.quiet_tensorflow()
    try:
        results, problems = evaluate_all(args.models_dir)
    except DataUnavailableError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"skipped: {problem}", file=sys.stderr)
    if args.json:
        print(json.dumps({"models": [row.to_dict() for row in results], "problems": problems}))
    else:
        for row in results:
            published = f"{row.published_accuracy:.4f}" if row.published_accuracy is not None else "   –  "
            flag = "" if row.matches_card else "   DIFFERS FROM CARD"
            print(f"{row.name:28s} test {row.test_accuracy:.4f}  card {row.card_test_accuracy:.4f}  "
                  f"published {published}{flag}")
    if not results:
        print("error: no saved model could be evaluated (train one: python -m core.train --preset cnn-lab)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
