"""The app's fast CNN presets, as a class would use them: wall time from starting to the saved model, and accuracy.

    python -m bench.fast_presets [--presets cnn-fast cnn-minute cnn-five-minutes] [--seeds 3] [--json]

Each preset is trained `--seeds` times (seeds 1, 2, 3, …) by `python -m core.train` in a fresh
process, one after another: the wall time counts the process start, TensorFlow's import, loading
MNIST, training, testing on the 10,000 test digits and saving, which is what a visitor waits
for after pressing Train (a warm worker saves the first few seconds). Reports the median of the
seeds and each run, with the machine's load average before and after (other jobs on the two
cores make runs slower: say so beside any figure).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: the repository's packages
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import REPO_ROOT  # noqa: E402

DEFAULT_PRESETS = ("cnn-fast", "cnn-minute", "cnn-five-minutes")
TARGETS = {"cnn-fast": (0.990, 15.0), "cnn-minute": (0.994, 60.0), "cnn-five-minutes": (0.996, 300.0)}


def train_once(preset: str, seed: int, models_dir: Path) -> dict:
    """One fresh `python -m core.train` run: its wall seconds (process start → saved model) and its summary."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "core.train", "--preset", preset, "--seed", str(seed), "--name",
                           f"{preset}-seed{seed}", "--models-dir", str(models_dir), "--json", "--force"],
                          cwd=REPO_ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{preset} seed {seed} failed: {done.stderr.strip().splitlines()[-1:]}")
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return {"seed": seed, "wall_seconds": round(wall, 1), "train_seconds": round(summary["seconds"], 1),
            "test_accuracy": summary["test_accuracy"]}


def measure(preset: str, seeds: int, models_dir: Path) -> dict:
    """Every seed of one preset, and their medians against the preset's target."""
    load_before = os.getloadavg()[0]
    runs = [train_once(preset, seed, models_dir) for seed in range(1, seeds + 1)]
    accuracy, wall = (statistics.median(run[key] for run in runs) for key in ("test_accuracy", "wall_seconds"))
    target = TARGETS.get(preset)
    return {"preset": preset, "median_test_accuracy": accuracy, "median_wall_seconds": wall, "runs": runs,
            "target": target, "met": bool(target and accuracy >= target[0] and wall <= target[1]),
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.fast_presets", description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", nargs="+", default=list(DEFAULT_PRESETS))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="keep the trained models in this folder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        for preset in args.presets:
            row = measure(preset, args.seeds, folder)
            if args.json:
                print(json.dumps(row), flush=True)
                continue
            target = f"target ≥ {row['target'][0]:.3f} in ≤ {row['target'][1]:.0f} s" if row["target"] else "no target"
            each = ", ".join(f"seed {r['seed']}: {r['test_accuracy']:.4f} in {r['wall_seconds']} s" for r in row["runs"])
            print(f"{preset}: median {row['median_test_accuracy']:.4f} in {row['median_wall_seconds']} s wall "
                  f"({target}: {'met' if row['met'] else 'NOT met'}); {each}; load {row['load_average']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
