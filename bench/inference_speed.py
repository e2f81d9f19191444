"""Time from a canvas image to every saved model's probabilities: the engine vs the naive way.

    python -m bench.inference_speed [--drawings 200] [--naive-drawings 200] [--models-dir DIR] [--json]

Per drawing (a 280×280 RGBA canvas from core.drawing.strokes), both ways do the whole job:
preprocessing + every saved model + the ensemble (mean probability).
- engine: `InferenceEngine.predict`: models loaded once, warmed up, all run in one tf.function call;
- naive: the same preprocessing, then one `model.predict` call per model (models loaded once and
  warmed up too: only the calling differs).
Reports the median and 90th percentile over the drawings, and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

from core.drawing.preprocess import prepare_drawing
from core.drawing.strokes import drawn_digits

BENCH_SEED = 99
TARGET_MEDIAN_MS = 20.0
TARGET_SPEEDUP = 10.0


def _timings(function, drawings) -> np.ndarray:
    """Seconds per call of function(drawing) for each drawing."""
    seconds = []
    for drawing in drawings:
        started = time.perf_counter()
        function(drawing)
        seconds.append(time.perf_counter() - started)
    return np.array(seconds)


def _summary(seconds: np.ndarray) -> dict[str, float]:
    return {"median_ms": round(float(np.median(seconds)) * 1000, 2),
            "p90_ms": round(float(np.percentile(seconds, 90)) * 1000, 2), "count": int(len(seconds))}


def main(argv: list[str] | None = None) -> int:
    """CLI: benchmark and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.inference_speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--drawings", type=int, default=200, help="drawings timed through the engine (default 200)")
    parser.add_argument("--naive-drawings", type=int, default=200, help="drawings timed the naive way (default 200)")
    parser.add_argument("--models-dir", type=Path, default=None, help="default: $MNIST_LAB_MODELS_DIR or saved_models/")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args(argv)
    if args.drawings < 1 or args.naive_drawings < 1:
        parser.error("--drawings and --naive-drawings must be at least 1")

    from core.drawing.inference import InferenceEngine, ensemble_probabilities
    from core.models.store import load_model

    engine = InferenceEngine(args.models_dir)
    names = engine.names
    if not names:
        print(f"error: no loadable models in {engine.directory}", file=sys.stderr)
        return 1
    canvases = [digit.image for digit in drawn_digits(max(args.drawings, args.naive_drawings), BENCH_SEED)]

    engine.predict(canvases[0])  # already warm; one more call for caches
    engine_seconds = _timings(engine.predict, canvases[:args.drawings])
    preprocess_seconds = _timings(prepare_drawing, canvases[:args.drawings])
    inputs = [prepare_drawing(canvas).model_input() for canvas in canvases[:args.drawings]]
    models_seconds = _timings(engine.probabilities, inputs)

    models = [load_model(name, engine.directory) for name in names]
    for model in models:  # warm up: the first predict call builds the predict function
        model.predict(inputs[0], verbose=0)

    def naive(canvas):
        model_input = prepare_drawing(canvas).model_input()
        stacked = np.stack([model.predict(model_input, verbose=0) for model in models], axis=1)
        return ensemble_probabilities(stacked)

    naive_seconds = _timings(naive, canvases[:args.naive_drawings])
    result = {
        "models": names, "model_count": len(names), "machine": f"{platform.machine()}, {_cpu_count()} CPU cores",
        "engine": _summary(engine_seconds), "preprocessing": _summary(preprocess_seconds),
        "all_models_one_call": _summary(models_seconds), "naive": _summary(naive_seconds),
    }
    result["speedup"] = round(result["naive"]["median_ms"] / result["engine"]["median_ms"], 1)
    result["meets_targets"] = (result["engine"]["median_ms"] <= TARGET_MEDIAN_MS and result["speedup"] >= TARGET_SPEEDUP)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{len(names)} models: {', '.join(names)} ({result['machine']})")
    for label, key in [("engine: preprocessing + all models + ensemble", "engine"), ("  of which preprocessing", "preprocessing"),
                       ("  of which all models in one call", "all_models_one_call"),
                       ("naive: preprocessing + model.predict per model", "naive")]:
        summary = result[key]
        print(f"{label:48s} median {summary['median_ms']:8.2f} ms   p90 {summary['p90_ms']:8.2f} ms   ({summary['count']} drawings)")
    print(f"speed-up (naive median / engine median): {result['speedup']:.1f}×   "
          f"targets: median ≤ {TARGET_MEDIAN_MS:g} ms and ≥ {TARGET_SPEEDUP:g}× → {'met' if result['meets_targets'] else 'NOT met'}")
    return 0


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


if __name__ == "__main__":
    sys.exit(main())
