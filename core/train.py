"""Command line: train one lecture preset and save it to saved_models/.

    python -m core.train --list
    python -m core.train --preset nn-xavier [--epochs N | --steps N] [--name MODEL_NAME] [--force] [--json]

Prints the lecture's "Epoch: 0001 cost = …" lines while it trains. A run whose cost becomes
NaN (the lr-too-high preset) stops, says so plainly and saves nothing. The model's default name
is the preset and a short id (nn-xavier-3f2a), never an existing model's. A shipped lecture model
(saved_models/SHIPPED) is replaced only with `--force` (`make models` re-creates them so).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from core import settings
from core.classroom.roles import Refusal
from core.datasets.mnist import DataUnavailableError, load_mnist
from core.i18n.catalog import add_language_option, use_command_line_language
from core.lecture.presets import PRESETS, Preset, get_preset
from core.models.card import make_card
from core.models.store import refuse_if_shipped, sanitize_name, save_model
from core.runs.admission import default_name


def _print_epoch(event: dict) -> None:
    if event["kind"] == "epoch":
        print(f"Epoch: {event['epoch']:04d} cost = {event['cost']:.9f}  accuracy = {event['accuracy']:.4f}  "
              f"validation accuracy = {event['validation_accuracy']:.4f}", file=sys.stderr, flush=True)


def _list_presets() -> None:
    for preset in PRESETS.values():
        published = f"{preset.published_accuracy:7.4f}" if preset.published_accuracy is not None else "   –   "
        print(f"{preset.name:28s} {published}  {preset.source:22s} {preset.spec.describe()}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core.train", description="Train a lecture preset and save it.")
    parser.add_argument("--list", action="store_true", help="list the presets with their published accuracy")
    parser.add_argument("--preset", help="preset name (see --list)")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--epochs", type=int, help="train for N epochs instead of the preset's length")
    length.add_argument("--steps", type=int, help="train for N batches instead of the preset's length")
    parser.add_argument("--seed", type=int, default=None, help="the random seed (default: the preset's)")
    parser.add_argument("--name", help="saved model name (default: the preset and a short id, e.g. nn-xavier-3f2a)")
    parser.add_argument("--force", action="store_true", help="allow replacing a shipped lecture model (make models)")
    parser.add_argument("--models-dir", type=Path, default=None, help="where to save (default: saved_models/)")
    parser.add_argument("--train-limit", type=int, default=None, help="use only the first N training digits (quick runs)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    add_language_option(parser)
    return parser


def _published(preset: Preset) -> str:
    return f"published {preset.published_accuracy:.4f}" if preset.published_accuracy is not None else "no published figure"


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = _parser()
    args = parser.parse_args(argv)
    use_command_line_language(args)

    if args.list:
        _list_presets()
        return 0
    if not args.preset:
        parser.error("give --preset NAME (or --list)")
    try:
        preset = get_preset(args.preset)
        spec = preset.spec
        if args.epochs is not None:
            spec = spec.replace(epochs=args.epochs, steps=None)
        if args.steps is not None:
            spec = spec.replace(steps=args.steps, epochs=None)
        if args.seed is not None:
            spec = spec.replace(seed=args.seed)
        spec.validate()
        quick = args.train_limit is not None
        name = sanitize_name(args.name) if args.name else default_name(preset.name, quick, directory=args.models_dir)
        if not args.force:
            refuse_if_shipped(name, args.models_dir)
        if args.train_limit is not None and args.train_limit < spec.batch_size:
            raise ValueError(f"--train-limit must be at least the batch size ({spec.batch_size})")
        data = load_mnist()
    except Refusal as error:
        print(f"error: {error} (--force re-creates a shipped model)", file=sys.stderr)
        return 2
    except (ValueError, DataUnavailableError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    settings.quiet_tensorflow()
    from core.training.trainer import train

    print(f"training {preset.name}: {spec.describe()}", file=sys.stderr, flush=True)
    result = train(spec, data, on_progress=_print_epoch, train_limit=args.train_limit)
    summary = {"preset": preset.name, "name": name, "published_accuracy": preset.published_accuracy,
               **dataclasses.asdict(result.summary()), "seconds": round(result.seconds, 2),
               "diverged": result.diverged, "saved": None}
    if result.diverged:
        print(f"DIVERGED at step {result.diverged_at_step}: the cost became NaN (learning rate too high). "
              f"The broken model predicts one digit for everything: test accuracy {result.test_accuracy:.4f} "
              f"({_published(preset)}). Nothing was saved.", file=sys.stderr)
    else:
        card = make_card(name, spec, result, preset, train_limit=args.train_limit)
        path = save_model(result.model, card, args.models_dir, force=args.force)
        summary["saved"] = str(path)
        print(f"{preset.name}: test accuracy {result.test_accuracy:.4f} ({_published(preset)}) "
              f"in {result.seconds:.0f} s; saved {path}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
