"""Does the time estimate hold? Every preset's steady training speed here against the formula a fresh server uses.

    python -m bench.estimates [--presets NAME ...] [--json] [--measured EARLIER.json ...]

Each preset (one ensemble member) trains two epochs of 55,000 digits through the app's trainer;
the second epoch's time (from the end of the first validation to the end of the second: training,
validation and the probe between them, as every later epoch of a run) is compared with
`core.lecture.architecture.estimate_epoch_seconds` with no finished runs to calibrate it (a fresh
server). It also fits the formula's six constants to these measurements by least squares and
reports the error the fitted constants would have: the numbers to put in architecture.py; and each preset's
error with the constants fitted on the other presets only (left out: a model the fit never saw).
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
    """Samples per second of `spec` over its second epoch (validation included).

    The first epoch is no measure of the rest: TensorFlow traces its first steps and validation, and
    about twenty layer probes cost an MLP nearly as much as its training steps (core.charts.pace).
    """
    from core.training.trainer import train

    events: list[dict] = []
    train(spec.replace(ensemble_members=1, epochs=2, steps=None, early_stopping_patience=None), data,
          on_progress=lambda event: events.append(event) if event["kind"] == "epoch" else None,
          log_every_steps=10)
    first, second = events[0], events[1]
    return architecture.epoch_seconds(1.0, spec.training_digits()) / (second["seconds"] - first["seconds"])


CONSTANTS = ("BATCH_OVERHEAD_SECONDS", "LAYER_OVERHEAD_SECONDS", "HEAVY_LAYER_OVERHEAD_SECONDS",
             "DENSE_SECONDS_PER_MAC", "CONV_SECONDS_PER_MAC", "ELEMENT_SECONDS")  # architecture.py's names, in the order of `features`


def features(spec: ModelSpec, bfloat16_factor: float = 1.0) -> np.ndarray:
    """Per-sample seconds = [1/batch, other layers/batch, BN and dropout layers/batch, dense MACs, conv MACs,
    activation values] · the six constants (a mixed-precision spec's multiply-adds weighted by `bfloat16_factor`)."""
    dense, conv, elements = architecture.cost_terms(spec)
    factor = bfloat16_factor if architecture.mac_factor(spec) != 1.0 else 1.0
    light, heavy = architecture.layer_counts(spec)
    return np.array([1.0 / spec.batch_size, light / spec.batch_size, heavy / spec.batch_size, dense * factor,
                     conv * factor, elements], dtype=float)


def fit_with_bfloat16(rows: list[tuple[ModelSpec, float]]) -> tuple[np.ndarray, float]:
    """The six constants and the bfloat16 multiply-add factor together: for each factor from 0.3 to 1.2 the
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
    """Least-squares constants (step, layer, dense, conv, element) on relative error, none negative (a term that
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


def report_row(name: str, rows: list[tuple[ModelSpec, float]], index: int, constants: np.ndarray,
               bfloat16_factor: float) -> dict:
    """One preset: measured epoch, today's estimate, the refit's, and the refit's without this preset (a model
    the constants never saw, as on a fresh server)."""
    spec, speed = rows[index]
    others, others_factor = fit_with_bfloat16([row for row in rows if row[0] != spec])  # every pass of it left out
    estimated = architecture.estimate_epoch_seconds(spec, spec.training_digits()).seconds_per_epoch
    fitted = epoch_seconds(1.0 / float(features(spec, bfloat16_factor) @ constants), spec)
    left_out = epoch_seconds(1.0 / float(features(spec, others_factor) @ others), spec)
    measured = epoch_seconds(speed, spec)
    return {"preset": name, "measured_s_per_epoch": round(measured, 2), "estimate": round(estimated, 2),
            "error": round(estimated / measured - 1, 3), "fitted": round(fitted, 2),
            "fitted_error": round(fitted / measured - 1, 3), "left_out_error": round(left_out / measured - 1, 3)}


def epoch_seconds(speed: float, spec: ModelSpec) -> float:
    """Seconds per epoch as the Train page shows them (training plus the validation pass)."""
    return architecture.epoch_seconds(speed, spec.training_digits())


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.estimates", description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", nargs="+", default=[name for name, p in PRESETS.items()
                                                          if not p.expect_divergence])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--measured", type=Path, nargs="+", default=None,
                        help="refit on the epochs of earlier --json reports (one row per preset and report) "
                             "instead of training again")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    if args.measured:
        earlier = [(row["preset"], row["measured_s_per_epoch"]) for report in args.measured
                   for row in json.loads(report.read_text())["rows"] if row["preset"] in args.presets]
        args.presets = [name for name, _ in earlier]
        rows = [(PRESETS[name].spec, architecture.epoch_seconds(1.0, PRESETS[name].spec.training_digits()) / seconds)
                for name, seconds in earlier]
    else:
        data = load_mnist()
        rows = [(PRESETS[name].spec, epoch_speed(PRESETS[name].spec, data)) for name in args.presets]
    constants, bfloat16_factor = fit_with_bfloat16(rows)
    report = [report_row(name, rows, index, constants, bfloat16_factor) for index, name in enumerate(args.presets)]
    summary = {"load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
               "fitted_constants": {**dict(zip(CONSTANTS, map(float, constants))),
                                    "BFLOAT16_MAC_FACTOR": round(bfloat16_factor, 3)},
               "within_target": sum(abs(row["error"]) <= TARGET for row in report),
               "fitted_within_target": sum(abs(row["fitted_error"]) <= TARGET for row in report),
               "left_out_within_target": sum(abs(row["left_out_error"]) <= TARGET for row in report),
               "presets": len(report)}
    if args.json:
        print(json.dumps({"rows": report, **summary}))
        return 0
    print(f"{'preset':26s} {'measured':>9s} {'estimate':>9s} {'error':>7s} {'fitted':>8s} {'error':>7s} "
          f"{'left out':>9s}")
    for row in report:
        print(f"{row['preset']:26s} {row['measured_s_per_epoch']:8.2f}s {row['estimate']:8.2f}s {row['error']:+7.0%} "
              f"{row['fitted']:7.2f}s {row['fitted_error']:+7.0%} {row['left_out_error']:+9.0%}")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
