"""Benchmark: seconds from pressing Train (create_run + dispatch) to the run's first metric row in the store.

    python -m bench.first_point [--preset softmax] [--train-limit 3000] [--repeats 3] [--json]

Also reports the seconds to the saved model (the run's end), e.g. `--preset cnn-fast --train-limit 55000`.

cold  a fresh worker process (`python -m core.runs.worker RUN_ID`): TensorFlow's import and MNIST's
      load come before the first point;
warm  a ready spare worker (core.runs.spares: TensorFlow imported, MNIST loaded, a few warm-up steps
      trained) takes the run.
Cold and warm alternate, each in a private run store and models folder; the median of the repeats is
reported with the machine's load average (other jobs on a shared machine slow both). Every run is
waited for to its end, and a warm run's spare must be ready (and nothing else training) before the
clock starts, as on an idle classroom server.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from core import settings
from core.lecture.presets import get_preset
from core.runs import dispatcher, spares
from core.runs import store as runs
from core.runs.records import FINAL_STATUSES

POLL_SECONDS = 0.01
TIMEOUT_SECONDS = 300.0


def _wait(condition, timeout: float = TIMEOUT_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"timed out after {timeout} s")


def _ready_spare() -> str:
    """Start a spare (unless one waits) and wait until it is ready; returns its tag."""
    dispatcher.keep_a_spare()
    return _wait(lambda: next((row.tag for row in spares.all_spares() if row.status == "ready"), None))


def _idle() -> bool:
    """Nothing trains and no spare is still starting (its warm-up would share the CPU with the run)."""
    return not runs.running_workers() and not any(row.status == "starting" for row in spares.all_spares())


def first_point(preset: str, train_limit: int, warm: bool) -> dict[str, float | str | None]:
    """One run: seconds to its first metric row, and its first cost (cold and warm should agree)."""
    os.environ[settings.WARM_WORKER_VARIABLE] = "1" if warm else "0"
    tag = _ready_spare() if warm else None
    _wait(_idle)
    spec = get_preset(preset).spec
    started, wall_started = time.perf_counter(), time.time()
    run_id = runs.create_run(spec, f"bench-{'warm' if warm else 'cold'}", preset=preset, train_limit=train_limit)
    dispatcher.dispatch()
    first = _wait(lambda: runs.get_metrics(run_id))[0]
    seconds = time.perf_counter() - started
    run = _wait(lambda: (found := runs.get_run(run_id)).status in FINAL_STATUSES and found)
    if run.status != "finished":
        raise RuntimeError(f"run {run_id} {run.status}: {run.error}")
    if warm and run.worker_tag != tag:
        raise RuntimeError(f"run {run_id} was not trained by the ready spare {tag} ({run.worker_tag})")
    _wait(lambda: not dispatcher.process_alive(run.pid, run_id, run.worker_tag))
    return {"seconds": round(seconds, 3), "first_cost": first.get("cost"), "worker": run.worker_tag or "fresh",
            "to_saved_model": round(run.finished_at - wall_started, 2), "test_accuracy": run.result.test_accuracy}


def _stop_spares() -> None:
    for row in spares.all_spares():
        if dispatcher.process_alive(row.pid, tag=row.tag):
            os.killpg(row.pid, 9)
        spares.forget(row.tag)


def main(argv: list[str] | None = None) -> int:
    """Measure cold and warm first points, alternating; print the medians and the load average."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="softmax")
    parser.add_argument("--train-limit", type=int, default=3_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="first-point-") as folder:
        os.environ[settings.RUNS_DIR_VARIABLE] = str(Path(folder) / "runs")
        os.environ[settings.MODELS_DIR_VARIABLE] = str(Path(folder) / "models")
        os.environ[settings.MAX_PARALLEL_RUNS_VARIABLE] = "1"
        samples: dict[str, list[dict]] = {"cold": [], "warm": []}
        try:
            for _ in range(options.repeats):
                for side in ("cold", "warm"):
                    samples[side].append(first_point(options.preset, options.train_limit, side == "warm"))
        finally:
            _stop_spares()
        load = os.getloadavg()
    report = {side: {"median_seconds": statistics.median(sample["seconds"] for sample in values),
                     "seconds": [sample["seconds"] for sample in values],
                     "first_costs": [sample["first_cost"] for sample in values],
                     "median_to_saved_model": statistics.median(sample["to_saved_model"] for sample in values),
                     "test_accuracies": [sample["test_accuracy"] for sample in values]}
              for side, values in samples.items()}
    report.update(preset=options.preset, train_limit=options.train_limit, cpus=os.cpu_count(),
                  load_average=[round(value, 2) for value in load])
    if options.json:
        print(json.dumps(report, indent=2))
    else:
        for side in ("cold", "warm"):
            print(f"{side}: first point after {report[side]['median_seconds']:.2f} s (median of "
                  f"{len(report[side]['seconds'])}: {report[side]['seconds']}); first costs {report[side]['first_costs']}; "
                  f"saved model after {report[side]['median_to_saved_model']:.1f} s (test accuracy "
                  f"{report[side]['test_accuracies']})")
        print(f"preset {options.preset}, {options.train_limit} digits, {os.cpu_count()} CPUs, "
              f"load average {report['load_average']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
