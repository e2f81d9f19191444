"""Does the time estimate hold? Every preset's steady training speed here against the formula a fresh server uses.

    python -m bench.estimates [--presets NAME ...] [--json]

Each preset (one ensemble member) trains one epoch of 55,000 digits through the app's trainer;
the epoch's time (from the 10th batch to the end of the validation pass, scaled to the whole
epoch: TensorFlow's first tracing left out) is compared with
`core.lecture.architecture.estimate_epoch_seconds` with no finished runs to calibrate it (a fresh
server). It also fits the formula's four constants to these measurements by least squares and
reports the error the fitted constants would have: the numbers to put in architecture.py.
Target (issue 14): every preset within ±25%.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: the repository's packages
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from core.datasets.mnist import load_mnist  # noqa: E402
from core.lecture import architecture  # noqa: E402
from core.lecture.presets import PRESETS  # noqa: E402
from core.lecture.spec import ModelSpec  # noqa: E402

TARGET = 0.25


def epoch_speed(spec: ModelSpec, data) -> float:
    """Samples per second of `spec` over one real epoch (validation included), TensorFlow's first tracing left out."""
    from core.training.trainer import train

    events: list[dict] = []
    train(spec.replace(ensemble_members=1, epochs=1, steps=None, early_stopping_patience=None), data,
          on_progress=lambda event: events.append(event) if event["kind"] in ("step", "epoch") else None,
          log_every_steps=10)
    start = next(event for event in events if event["kind"] == "step" and event["step"] >= 10)
    end = next(event for event in events if event["kind"] == "epoch")
    steps = spec.steps_per_epoch(spec.training_digits())
    seconds = (end["seconds"] - start["seconds"]) * steps / (steps - start["step"])  # the whole epoch, untraced
    return architecture.epoch_seconds(1.0, spec.training_digits()) / seconds  # the speed the Train page's formula uses


def features(spec: ModelSpec, bfloat16_factor: float = 1.0) -> np.ndarray:
    """Per-sample seconds = [1/batch, dense MACs, conv MACs, activation values] · the four constants (a
    mixed-precision spec's multiply-adds weighted by `bfloat16_factor`)."""
    dense, conv, elements = architecture.cost_terms(spec)
    factor = bfloat16_factor if architecture.mac_factor(spec) != 1.0 else 1.0
    return np.array([1.0 / spec.batch_size, dense * factor, conv * factor, elements], dtype=float)


def fit_with_bfloat16(rows: list[tuple[ModelSpec, float]]) -> tuple[np.ndarray, float]:
    """The four constants and the bfloat16 multiply-add factor together: for each factor from 0.3 to 1.2 the
    constants are fitted on every run, and the factor whose fit has the smallest relative error wins."""
    best = None
    for factor in np.arange(0.30, 1.201, 0.05):
        constants = fit(rows, factor)
        predicted = np.array([features(spec, factor) @ constants for spec, _ in rows])
        error = float(np.sum((predicted * np.array([speed for _, speed in rows]) - 1.0) ** 2))
        if best is None or error < best[0]:
            best = (error, constants, float(round(factor, 2)))
    return best[1], best[2]


def fit(rows: list[tuple[ModelSpec, float]], bfloat16_factor: float = 1.0) -> np.ndarray:
    """Least-squares constants (overhead, dense, conv, element) on relative error, none negative (a term that
    would be is dropped and the rest refitted)."""
    x = np.stack([features(spec, bfloat16_factor) for spec, _ in rows])
    y = np.array([1.0 / speed for _, speed in rows])
    weights = 1.0 / y  # relative error: a slow CNN and a fast softmax count alike
    active = list(range(x.shape[1]))
    while True:
        solved, *_ = np.linalg.lstsq(x[:, active] * weights[:, None], y * weights, rcond=None)
        if solved.min() >= 0 or len(active) == 1:
            constants = np.zeros(x.shape[1])
            constants[active] = np.clip(solved, 0.0, None)
            return constants
        del active[int(np.argmin(solved))]


def epoch_seconds(speed: float, spec: ModelSpec) -> float:
    """Seconds per epoch as the Train page shows them (training plus the validation pass)."""
    return architecture.epoch_seconds(speed, spec.training_digits())


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.estimates", description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", nargs="+", default=[name for name, p in PRESETS.items()
                                                          if not p.expect_divergence])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    data, rows = load_mnist(), []
    load_before = os.getloadavg()[0]
    for name in args.presets:
        spec = PRESETS[name].spec
        rows.append((spec, epoch_speed(spec, data)))
    constants, bfloat16_factor = fit_with_bfloat16(rows)
    report = []
    for name, (spec, speed) in zip(args.presets, rows):
        estimated = architecture.estimate_epoch_seconds(spec, spec.training_digits()).seconds_per_epoch
        fitted = epoch_seconds(1.0 / float(features(spec, bfloat16_factor) @ constants), spec)
        measured = epoch_seconds(speed, spec)
        report.append({"preset": name, "measured_s_per_epoch": round(measured, 2), "estimate": round(estimated, 2),
                       "error": round(estimated / measured - 1, 3), "fitted": round(fitted, 2),
                       "fitted_error": round(fitted / measured - 1, 3)})
    summary = {"load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
               "fitted_constants": {"BATCH_OVERHEAD_SECONDS": float(constants[0]), "DENSE_SECONDS_PER_MAC":
                                    float(constants[1]), "CONV_SECONDS_PER_MAC": float(constants[2]),
                                    "ELEMENT_SECONDS": float(constants[3]),
                                    "BFLOAT16_MAC_FACTOR": round(bfloat16_factor, 3)},
               "within_target": sum(abs(row["error"]) <= TARGET for row in report), "presets": len(report)}
    if args.json:
        print(json.dumps({"rows": report, **summary}))
        return 0
    print(f"{'preset':26s} {'measured':>9s} {'estimate':>9s} {'error':>7s} {'fitted':>8s} {'error':>7s}")
    for row in report:
        print(f"{row['preset']:26s} {row['measured_s_per_epoch']:8.1f}s {row['estimate']:8.1f}s {row['error']:+7.0%} "
              f"{row['fitted']:7.1f}s {row['fitted_error']:+7.0%}")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
