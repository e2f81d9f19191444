"""When should the Draw page say "not sure"? Measures the rule of core.drawing.verdict.

    python -m bench.unsure_rule [PENDIGITS_FILE] [--count 2000] [--cache DIR] [--json]

Calibration (where the thresholds were chosen): stroke-drawn digits of seed 5 and the first half
of the re-drawn MNIST digits against non-digits (core.drawing.nondigits) of seed 5. Report:
stroke-drawn digits of seed 6, the other half of re-drawn MNIST, non-digits of seed 6 and, when
the file is given, real pen-drawn digits (core.drawing.unipen, measuring only). A *false alarm* is a
digit the page is not sure about; a *miss* is a non-digit it names a digit for. On pen-drawn
digits the page's "not sure" is also counted on the digits the headline reads wrongly (caught).
The grid shows the trade-off the chosen thresholds sit on.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from bench.draw_sets import add_set_arguments
from core.drawing.verdict import MAX_ASPECT, MIN_AGREEMENT, SURE_PROBABILITY, sure_many
from core.drawing.voting import default_voters, vote

PROBABILITIES = (0.5, 0.7, 0.8, 0.9, 0.95)
AGREEMENTS = (0.0, 0.5, 0.7)


def sure_of(draw_set, voters: frozenset[str], **thresholds: float) -> np.ndarray:
    """The rule's "sure" for every drawing of a set (all its models shown, `voters` voting)."""
    headline = vote(draw_set.probabilities, np.array([name in voters for name in draw_set.names]))
    return sure_many(headline, draw_set.probabilities.argmax(-1), draw_set.aspects, **thresholds)


def rates(sets: dict, voters: frozenset[str], **thresholds: float) -> dict[str, float]:
    """False alarms and misses of one setting on every set."""
    half = len(sets["redrawn"].labels) // 2
    out = {}
    for name, draw_set in sets.items():
        sure = sure_of(draw_set, voters, **thresholds)
        if name == "redrawn":
            out["redrawn (calibration half)"], out["redrawn (report half)"] = 1 - sure[:half].mean(), 1 - sure[half:].mean()
        elif name.startswith("nondigits"):
            out[f"{name} miss"] = float(sure.mean())
        else:
            out[name] = float(1 - sure.mean())
        if name == "pen":
            headline = vote(draw_set.probabilities, np.array([n in voters for n in draw_set.names]))
            right = headline.argmax(-1) == draw_set.labels
            out["pen: false alarm on digits read right"] = float(1 - sure[right].mean())
            out["pen: errors caught"] = float(1 - sure[~right].mean())
            out["pen: accuracy when sure"] = float(right[sure].mean())
    return out


def main(argv: list[str] | None = None) -> int:
    """CLI: print the chosen thresholds' rates and the trade-off grid."""
    parser = argparse.ArgumentParser(prog="python -m bench.unsure_rule", description=__doc__.split("\n\n")[0])
    add_set_arguments(parser, "drawings per generated set (default 2000)")
    args = parser.parse_args(argv)

    from bench.draw_sets import draw_set
    from core.drawing.inference import InferenceEngine

    engine = InferenceEngine(args.models_dir)
    engine.refresh(force=True)  # loads the models and their drawn errors
    voters = default_voters(engine.drawn_errors)
    sets = {"stroke5": draw_set(engine, "stroke", args.count, 5, cache_dir=args.cache),
            "stroke6": draw_set(engine, "stroke", args.count, 6, cache_dir=args.cache),
            "redrawn": draw_set(engine, "redrawn", 3000, 11, cache_dir=args.cache),
            "nondigits5": draw_set(engine, "nondigits", args.count, 5, cache_dir=args.cache),
            "nondigits6": draw_set(engine, "nondigits", args.count, 6, cache_dir=args.cache)}
    if args.pendigits:
        sets["pen"] = draw_set(engine, "pen", 10**6, 1, args.pendigits, cache_dir=args.cache)
    chosen = rates(sets, voters)
    kinds = np.array([what.split("/")[0] for what in sets["nondigits6"].what])
    missed = sure_of(sets["nondigits6"], voters)
    by_kind = {kind: float(missed[kinds == kind].mean()) for kind in sorted(set(kinds))}
    grid = [{"sure_probability": p, "min_agreement": a, **rates(sets, voters, sure_probability=p, min_agreement=a)}
            for p in PROBABILITIES for a in AGREEMENTS]
    if args.json:
        print(json.dumps({"voters": sorted(voters), "chosen": chosen, "missed_by_kind": by_kind, "grid": grid}))
        return 0
    print(f"voters: {', '.join(sorted(voters))}; rule: probability ≥ {SURE_PROBABILITY}, more than "
          f"{MIN_AGREEMENT:.0%} of the models agree, ink at most {MAX_ASPECT}× wider than tall")
    for name, value in chosen.items():
        print(f"  {name:40s} {value:7.3f}")
    print("  non-digits of seed 6 named as a digit, by kind: " + ", ".join(f"{k} {v:.2f}" for k, v in by_kind.items()))
    print("\ntrade-off (false alarm on calibration digits / miss on calibration non-digits → report set):")
    for row in grid:
        calibration = (row["stroke5"] + row["redrawn (calibration half)"]) / 2
        print(f"  p ≥ {row['sure_probability']:.2f}, agreement > {row['min_agreement']:.1f}: false alarms {calibration:.3f}"
              f" / misses {row['nondigits5 miss']:.3f} → {row['stroke6']:.3f} / {row['nondigits6 miss']:.3f}"
              + (f"; pen false alarms {row['pen']:.3f}" if "pen" in row else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
