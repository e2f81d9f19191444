"""Render bench/results/reproduction.json as the README's Markdown table.

    python -m bench.reproduction_table [--results bench/results/reproduction.json]

One row per preset (and training length): published accuracy, this app's result as the preset
trains today (seed 777 first, then other seeds and their mean), earlier results (before the
per-epoch reshuffle fix, or before the lab-10 presets started from TF1's initial draw), and
whether today's mean is within 0.5 points of the published figure.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
from pathlib import Path

from bench.reproduce_presets import PIPELINE, TOLERANCE, pipeline_for
from core.lecture.presets import PRESETS

# Other lengths the lectures printed: the seed's softmax after 6,000 and 10,000 steps, lab 10-1 after 50 epochs.
PUBLISHED_BY_LENGTH = {("softmax-gd", "steps", 6000): 0.9233, ("softmax-gd", "steps", 10000): 0.9243,
                       ("softmax", "epochs", 50): 0.9194}
# What an earlier result lacked, newest first.
EARLIER = {
    PIPELINE: "Keras's initial draw",
    "keras-fit-shuffle (same order every epoch)": "before the reshuffle fix",
    "shipped model": "shipped model, before the reshuffle fix",
}


def _figures(rows: list[dict]) -> str:
    ordered = sorted(rows, key=lambda row: (row["seed"] != 777, row["seed"]))
    text = ", ".join(f"{row['test_accuracy']:.4f}" + (" (seed 777)" if row["seed"] == 777 and len(rows) > 1 else "")
                     for row in ordered)
    if len(rows) > 1:
        text += f"; mean of {len(rows)}: {statistics.mean(row['test_accuracy'] for row in rows):.4f}"
    return text


def shipped_results(models_dir: Path = Path("saved_models")) -> list[dict]:
    """Presets trained only for shipping (cnn-lab, cnn-deep, before the reshuffle fix): their cards, as seed-777 results."""
    rows = []
    for card_path in sorted(models_dir.glob("*.json")):
        card = json.loads(card_path.read_text())
        if card.get("preset") in PRESETS and PRESETS[card["preset"]].published_accuracy is not None:
            rows.append({"preset": card["preset"], "seed": card["seed"], "test_accuracy": card["test_accuracy"],
                         "diverged": card.get("diverged", False), "pipeline": "shipped model"})
    return rows


def table(results: list[dict]) -> str:
    """The Markdown table (a shipped model's card stands for a preset this benchmark never ran)."""
    benchmarked = {row["preset"] for row in results}
    results = results + [row for row in shipped_results() if row["preset"] not in benchmarked]
    groups: dict[tuple, dict[str, list[dict]]] = collections.defaultdict(lambda: collections.defaultdict(list))
    for row in results:
        length = next(iter((row.get("override") or {}).items()), None)  # ("steps", 6000), ("epochs", 50) or None
        groups[(row["preset"], length)][row.get("pipeline")].append(row)
    lines = ["| preset | source | published | achieved as the preset trains today | earlier runs | within 0.5 points |",
             "|---|---|---|---|---|---|"]
    order = {name: index for index, name in enumerate(PRESETS)}
    for (name, length), by_pipeline in sorted(groups.items(), key=lambda item: (order[item[0][0]], item[0][1] or ("", 0))):
        preset = PRESETS[name]
        published = PUBLISHED_BY_LENGTH.get((name, *length), preset.published_accuracy) if length else preset.published_accuracy
        label = name + (f" ({length[1]:,} {length[0]})" if length else "")
        today = by_pipeline.get(pipeline_for(preset.spec), [])
        earlier = [(EARLIER[pipeline], by_pipeline[pipeline]) for pipeline in EARLIER
                   if pipeline in by_pipeline and pipeline != pipeline_for(preset.spec)]
        judged = today or earlier[0][1]
        mean = statistics.mean(row["test_accuracy"] for row in judged)
        verdict = "✓" if mean >= published - TOLERANCE else f"✗ {100 * (mean - published):+.2f} on average"
        if any(row["diverged"] for row in judged):
            verdict += " (diverges, as published)"
        if not today:
            verdict += " (" + earlier[0][0] + ")"
        earlier_text = "<br>".join(f"{what}: {_figures(rows)}" for what, rows in earlier) or "–"
        lines.append(f"| {label} | {preset.source} | {published:.4f} | {_figures(today) if today else '–'} "
                     f"| {earlier_text} | {verdict} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.reproduction_table")
    parser.add_argument("--results", type=Path, default=Path("bench/results/reproduction.json"))
    args = parser.parse_args(argv)
    print(table(json.loads(args.results.read_text())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
