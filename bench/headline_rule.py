"""Which models should vote for the Draw page's headline? Measures the rule of core.drawing.voting.

    python -m bench.headline_rule [PENDIGITS_FILE] [--count 2000] [--cache DIR] [--json]

The rule: the voters are the models whose error on drawn digits (their card's `drawn_accuracy`)
is at most RATIO × the best model's; the headline is their mean. For each candidate ratio, on
every subset of two or more saved models (a class's folder varies), the headline's accuracy is
compared with the subset's best single model, on stroke-drawn digits (seed 6), re-drawn MNIST
and — when its path is given — real pen-drawn digits (core.drawing.unipen; measuring only). A ratio
of ∞ is "mean of all" (lab-11-5, what the page led with before).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys

import numpy as np

from bench.draw_sets import add_set_arguments
from core.drawing.voting import VOTE_ERROR_RATIO, default_voters, vote

RATIOS = (1.0, 1.25, 1.5, 1.75, 2.0, 3.0, 4.0, float("inf"))
STROKE_SEED, REDRAWN_SEED, PEN_SEED = 6, 11, 1


def subset_scores(probabilities: np.ndarray, labels: np.ndarray, names: list[str], errors: dict[str, float],
                  ratio: float) -> dict:
    """How the rule at `ratio` does on every subset of ≥ 2 models, and on all of them."""
    accuracy = (probabilities.argmax(-1) == labels[:, None]).mean(axis=0)
    differences = []
    for size in range(2, len(names) + 1):
        for subset in itertools.combinations(range(len(names)), size):
            chosen = default_voters({names[i]: errors[names[i]] for i in subset}, ratio)
            mask = np.array([name in chosen for name in names])
            headline = float((vote(probabilities, mask).argmax(-1) == labels).mean())
            differences.append(headline - accuracy[list(subset)].max())
    differences = np.array(differences)
    voters = default_voters(errors, ratio)
    full = float((vote(probabilities, np.array([name in voters for name in names])).argmax(-1) == labels).mean())
    return {"at_least_best": int((differences >= -1e-9).sum()), "subsets": len(differences),
            "mean_difference": float(differences.mean()), "worst_difference": float(differences.min()),
            "all_models": full, "best_single": float(accuracy.max()), "voters": sorted(voters)}


def main(argv: list[str] | None = None) -> int:
    """CLI: print the table (or JSON)."""
    parser = argparse.ArgumentParser(prog="python -m bench.headline_rule", description=__doc__.split("\n\n")[0])
    add_set_arguments(parser, "stroke-drawn digits (default 2000; 3,000 re-drawn)")
    args = parser.parse_args(argv)

    from bench.draw_sets import draw_set
    from core.drawing.inference import InferenceEngine

    engine = InferenceEngine(args.models_dir)
    names, errors = engine.names, engine.drawn_errors
    sets = [draw_set(engine, "stroke", args.count, STROKE_SEED, cache_dir=args.cache),
            draw_set(engine, "redrawn", 3000, REDRAWN_SEED, cache_dir=args.cache)]
    if args.pendigits:
        sets.append(draw_set(engine, "pen", 10**6, PEN_SEED, args.pendigits, cache_dir=args.cache))
    results = {s.name: {str(ratio): subset_scores(s.probabilities, s.labels, names, errors, ratio) for ratio in RATIOS}
               for s in sets}
    if args.json:
        print(json.dumps({"models": names, "drawn_errors": errors, "chosen_ratio": VOTE_ERROR_RATIO, "sets": results}))
        return 0
    print("drawn error (cards):", ", ".join(f"{name} {errors[name]:.3f}" for name in names))
    for s in sets:
        rows = results[s.name]
        print(f"\n{s.name} ({len(s.labels)} drawings; best single model {rows[str(RATIOS[0])]['best_single']:.4f})")
        print(f"{'ratio':>6s}  {'≥ best in':>10s}  {'mean diff':>9s}  {'worst':>7s}  {'all models':>10s}  voters among all")
        for ratio in RATIOS:
            row = rows[str(ratio)]
            mark = " ← chosen" if ratio == VOTE_ERROR_RATIO else ""
            print(f"{ratio:6.2f}  {row['at_least_best']:4d}/{row['subsets']:<5d}  {row['mean_difference'] * 100:+8.2f}p"
                  f"  {row['worst_difference'] * 100:+6.2f}p  {row['all_models']:10.4f}  {', '.join(row['voters'])}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
