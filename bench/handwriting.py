"""How well does every saved model read real handwriting: people no model saw, pen-drawn on a tablet?

Every digit of a UNIPEN file (the UCI pen digits, docs/HANDWRITING.md) is drawn on the 280×280
canvas the way a visitor draws (core.drawing.unipen: brush widths, sizes, places, the canvas'
export styles; digit i with the generator (seed, i)), turned into the 28×28 input by the app's
own preprocessing, and answered by every saved model through the app's InferenceEngine. The
headline answer is the engine's own combined answer for each drawing, whatever rule it uses.

    python -m bench.handwriting PATH [--models-dir D] [--seed S] [--halves-seed H] [--json] [--update-cards]

Reports each model's accuracy on all writers and on the two random halves of the writers (A to
tune on, B to confirm), per-digit accuracy and the most frequent confusions. `--update-cards`
writes `handwriting_accuracy` (all writers) into each card. The data set is only measured:
never commit it, pictures made from it, or a model trained on it.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file, `python bench/handwriting.py`: the repository's packages
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from core.drawing.preprocess import PreparedDrawing, prepare_drawing  # noqa: E402
from core.drawing.unipen import PenDigit, UnipenError, parse_unipen, render_set, writer_halves  # noqa: E402
from core.models.store import update_card  # noqa: E402

DEFAULT_SEED = 1  # the rendering (size, place, brush, style) the README reports
HEADLINE = "headline answer"
CONFUSIONS = 8


def prepared_set(digits: list[PenDigit], seed: int) -> list[PreparedDrawing]:
    """Every digit drawn on the canvas (rendering `seed`) and prepared as the app prepares a drawing."""
    return [prepare_drawing(image) for image, _ in render_set(digits, seed)]


def inputs_of(drawings: list[PreparedDrawing]) -> np.ndarray:
    """(N, 28, 28, 1) float32 model inputs; a drawing refused as blank is all zeros (and will be wrong)."""
    blank = np.zeros((28, 28), np.float32)
    return np.stack([blank if drawing.image is None else drawing.image for drawing in drawings])[..., None]


def half_masks(digits: list[PenDigit], seed: int) -> dict[str, np.ndarray]:
    """Boolean masks over the digits: all writers, half A, half B."""
    half_a, half_b = writer_halves(digits, seed)
    writers = np.array([digit.writer for digit in digits])
    return {"all": np.ones(len(digits), bool), "A": np.isin(writers, list(half_a)), "B": np.isin(writers, list(half_b))}


def summarise(predicted: np.ndarray, labels: np.ndarray, masks: dict[str, np.ndarray]) -> dict[str, Any]:
    """Accuracy on each mask, per-digit accuracy (all writers) and its minimum, the most frequent confusions."""
    correct = predicted == labels
    row: dict[str, Any] = {name: float(correct[mask].mean()) if mask.any() else None for name, mask in masks.items()}
    row["per_digit"] = [float(correct[labels == digit].mean()) if (labels == digit).any() else None
                        for digit in range(10)]
    row["min_digit"] = min((value for value in row["per_digit"] if value is not None), default=None)
    pairs = collections.Counter(zip(labels[~correct].tolist(), predicted[~correct].tolist()))
    row["confusions"] = [[true, read, count] for (true, read), count in pairs.most_common(CONFUSIONS)]
    return row


def headline_digits(engine: Any, drawings: list[PreparedDrawing]) -> np.ndarray:
    """The engine's combined answer for each drawing, exactly as the Draw page gets it (-1 for a blank one)."""
    digits = []
    for drawing in drawings:
        result = engine.predict(drawing)
        combined = getattr(result, "headline", None) or result.ensemble  # the page's headline where the engine has one
        digits.append(-1 if combined is None else combined.digit)
    return np.array(digits)


def _percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}"


def print_report(report: dict[str, Any]) -> None:
    """The report as text tables."""
    print(f"{report['digits']:,} pen-drawn digits by {report['writers']} writers, rendering seed {report['seed']}; "
          f"half A: writers {', '.join(map(str, report['half_a']))}; half B: the other {len(report['half_b'])} "
          f"({report['seconds']:.0f} s)")
    print(f"\n{'model':22s} {'MNIST test':>10s} {'all':>6s} {'A':>6s} {'B':>6s} {'worst digit':>12s}")
    for row in report["rows"]:
        worst = int(np.nanargmin([np.nan if v is None else v for v in row["per_digit"]]))
        print(f"{row['model']:22s} {_percent(row['test_accuracy'], 2):>10s} {_percent(row['all']):>6s} "
              f"{_percent(row['A']):>6s} {_percent(row['B']):>6s} {f'{worst}: ' + _percent(row['min_digit']):>12s}")
    print(f"\nper-digit accuracy, all writers (%)\n{'model':22s} " + " ".join(f"{d:>5d}" for d in range(10)))
    for row in report["rows"]:
        print(f"{row['model']:22s} " + " ".join(f"{_percent(v):>5s}" for v in row["per_digit"]))
    print("\nmost frequent confusions (true → read: count)")
    for row in report["rows"]:
        print(f"{row['model']:22s} " + (", ".join(f"{t}→{p}: {n}" for t, p, n in row["confusions"]) or "none"))


def measure(path: Path, models_dir: Path | None, seed: int, halves_seed: int) -> tuple[dict[str, Any], Any]:
    """The report of every saved model and the headline answer on the pen digits of `path`, and the engine used."""
    from core.drawing.inference import InferenceEngine

    started = time.perf_counter()
    engine = InferenceEngine(models_dir)
    cards = engine.cards
    if not cards:
        raise SystemExit(f"error: no loadable models in {engine.directory}")
    digits = parse_unipen(path)
    labels = np.array([digit.label for digit in digits])
    masks = half_masks(digits, halves_seed)
    drawings = prepared_set(digits, seed)
    stacked = engine.probabilities(inputs_of(drawings))  # (N, models, 10)
    predicted = np.argmax(np.nan_to_num(stacked, nan=-1.0), axis=-1)
    rows = [{"model": card.name, "test_accuracy": card.test_accuracy, **summarise(predicted[:, k], labels, masks)}
            for k, card in enumerate(cards)]
    rows.append({"model": HEADLINE, "test_accuracy": None,
                 **summarise(headline_digits(engine, drawings), labels, masks)})
    half_a, half_b = writer_halves(digits, halves_seed)
    report = {"file": str(path), "digits": len(digits), "writers": len(half_a) + len(half_b), "seed": seed,
              "halves_seed": halves_seed, "half_a": sorted(half_a), "half_b": sorted(half_b), "rows": rows,
              "seconds": time.perf_counter() - started}
    return report, engine


def main(argv: list[str] | None = None) -> int:
    """CLI: every saved model's accuracy on real pen-drawn digits."""
    parser = argparse.ArgumentParser(prog="python -m bench.handwriting", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="a UNIPEN file of pen digits (the UCI pendigits' pendigits-orig.tra)")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="default: saved_models/ (or the models folder setting)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="rendering seed: sizes, places, brushes, styles")
    parser.add_argument("--halves-seed", type=int, default=0, help="seed of the random split of the writers in two")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--update-cards", action="store_true", help="write handwriting_accuracy into every card")
    args = parser.parse_args(argv)
    try:
        report, engine = measure(args.path, args.models_dir, args.seed, args.halves_seed)
    except (OSError, UnipenError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("".join(f"note: {note}\n" for note in engine.notes), end="", file=sys.stderr)
    if args.json:
        print(json.dumps(report))
    else:
        print_report(report)
    if args.update_cards:
        for row in report["rows"][:-1]:
            update_card(engine.directory / f"{row['model']}.json", {"handwriting_accuracy": round(row["all"], 4)})
        print(f"updated {len(report['rows']) - 1} cards in {engine.directory}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
