"""The whole lecture in one lesson: every lecture preset but the ensemble, back to back through the app's queue.

    python -m bench.whole_lecture [--presets NAME ...] [--seeds N] [--one-at-a-time] [--no-warm-worker] [--keep DIR]
                                  [--json]

Queues every lecture preset (the course's rows and its lesson presets; not the ensemble and not
the app's own models) in a private run store, as a teacher pressing Train on each would, and lets
the dispatcher train them one at a time in worker processes (with the spare worker, as `make run`
does). Reports the total wall time from the first press to the last saved model (target, issue 14:
≤ 20 minutes on this 2-core machine), each preset's test accuracy beside its published figure,
and how well each run's ETA held once 20% was done (bench.eta; target ±15%). On a virtual
machine it also says how many CPU-seconds the host took from it during each run (/proc/stat's
"steal"): the noise this benchmark cannot remove.

`--presets cnn-fast --seeds 3 --one-at-a-time` times the app's own presets as a visitor pressing
Train on an idle machine would wait: each seed from the moment the dispatcher started it to its
saved model, on the spare worker the app keeps ready.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: the repository's packages
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.eta import format_row, held_summary, store_report  # noqa: E402
from core import settings  # noqa: E402
from core.lecture.presets import PRESETS  # noqa: E402
from core.runs import dispatcher, spares  # noqa: E402
from core.runs import store as runs  # noqa: E402
from core.runs.records import FINAL_STATUSES  # noqa: E402

TARGET_SECONDS = 20 * 60


def lecture_presets() -> list[str]:
    """The course's presets a class would train in one lesson: every lecture row but the ensemble."""
    return [name for name, preset in PRESETS.items() if preset.is_lecture and preset.spec.ensemble_members == 1]


def stolen_cpu_seconds() -> float | None:
    """CPU-seconds the hypervisor has taken from this virtual machine since boot (/proc/stat's steal); None elsewhere."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def stolen_between(samples: list[tuple[float, float | None]], start: float, end: float) -> float | None:
    """CPU-seconds stolen from the last sample at or before `start` to the first at or after `end`."""
    before = [value for moment, value in samples if moment <= start]
    after = [value for moment, value in samples if moment >= end]
    if not before or not after or before[-1] is None or after[0] is None:
        return None
    return after[0] - before[-1]


def wait_for_a_spare(limit: float = 90.0) -> None:
    """Let the dispatcher boot its spare worker before the first press, as in an app that has been open a minute."""
    if not settings.warm_worker():
        return
    deadline = time.time() + limit
    while time.time() < deadline:
        dispatcher.reconcile()
        if any(spare.status == "ready" for spare in spares.all_spares()):
            return
        time.sleep(0.5)


def run_all(names: list[str], seeds: int = 0, one_at_a_time: bool = False) -> tuple[float, list[dict], float | None]:
    """Queue every preset, keep the queue moving until all ended; (wall seconds, one row per run, CPU-s stolen).

    `seeds` > 0 queues each preset that many times, with seeds 1, 2, …, instead of once with its own seed.
    `one_at_a_time` presses Train for the next run only once the last one ended and the spare is ready
    again: each run on an idle machine, none beside a spare booting for the queue.
    """
    wait_for_a_spare()
    started = time.time()
    samples = [(started, stolen_cpu_seconds())]
    queued = [(name, seed) for name in names for seed in range(1, seeds + 1)] if seeds else [(name, None) for name in names]
    specs = [(PRESETS[name].spec if seed is None else PRESETS[name].spec.replace(seed=seed),
              name if seed is None else f"{name}-seed{seed}", name) for name, seed in queued]
    ids: list[int] = []
    for batch in ([[spec] for spec in specs] if one_at_a_time else [specs]):
        if ids:
            wait_for_a_spare()
            samples.append((time.time(), stolen_cpu_seconds()))  # the next run's stolen time starts here
        ids += [runs.create_run(spec, run_name, preset=preset) for spec, run_name, preset in batch]
        found = _until_ended(ids, samples)
    rows = []
    for (name, _), run in zip(queued, found):
        result = run.result
        rows.append({"preset": name, "run": run.name, "seed": run.spec.seed, "status": run.status,
                     "test_accuracy": result.test_accuracy if result else None,
                     "published": PRESETS[name].published_accuracy,
                     "seconds": round(run.finished_at - run.started_at, 1) if run.started_at else None,
                     "stolen_cpu_seconds": stolen_between(samples, run.started_at, run.finished_at)
                     if run.started_at and run.finished_at else None})
    ended = max(run.finished_at for run in found)
    return ended - started, rows, stolen_between(samples, started, ended)


def _until_ended(ids: list[int], samples: list[tuple[float, float | None]]) -> list[Any]:
    """Keep the queue moving, as the app's supervisor does, until every run in `ids` ended; the runs."""
    while True:
        dispatcher.reconcile()  # start queued runs, keep a spare worker booted
        found = [runs.get_run(run_id) for run_id in ids]
        samples.append((time.time(), stolen_cpu_seconds()))
        if all(run.status in FINAL_STATUSES for run in found):
            return found
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.whole_lecture", description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", nargs="+", default=lecture_presets())
    parser.add_argument("--seeds", type=int, default=0, help="train each preset this many times, seeds 1, 2, … "
                        "(default: once, with the preset's own seed)")
    parser.add_argument("--one-at-a-time", action="store_true", help="press Train for each run only once the last "
                        "ended and the spare is ready again (each run on an idle machine)")
    parser.add_argument("--no-warm-worker", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="keep the run store and models in DIR (for bench.eta --runs-dir DIR/runs)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    with (contextlib.nullcontext(args.keep) if args.keep else tempfile.TemporaryDirectory(prefix="whole-lecture-")) as folder:
        os.environ[settings.RUNS_DIR_VARIABLE] = str(Path(folder) / "runs")
        os.environ[settings.MODELS_DIR_VARIABLE] = str(Path(folder) / "models")
        os.environ[settings.MAX_PARALLEL_RUNS_VARIABLE] = "1"
        os.environ[settings.WARM_WORKER_VARIABLE] = "0" if args.no_warm_worker else "1"
        try:
            wall, rows, stolen = run_all(args.presets, args.seeds, args.one_at_a_time)
            eta_rows = store_report()  # the private store holds only these runs
        finally:
            for row in spares.all_spares():
                if dispatcher.process_alive(row.pid, tag=row.tag):
                    os.killpg(row.pid, 9)
    if args.json:
        print(json.dumps({"wall_seconds": round(wall, 1), "rows": rows, "eta": eta_rows, "load_average_before": load,
                          "stolen_cpu_seconds": stolen}))
        return 0
    for row in rows:
        accuracy = f"{row['test_accuracy']:.4f}" if row["test_accuracy"] is not None else "–"
        published = f"{row['published']:.4f}" if row["published"] is not None else "–"
        taken = f"{row['stolen_cpu_seconds']:.1f}" if row["stolen_cpu_seconds"] is not None else "–"
        print(f"{row['run']:28s} {row['status']:9s} {accuracy:>7s} (published {published:>6s}) "
              f"{row['seconds']:>7} s   {taken:>5} CPU-s taken by the host")
    print("How each run's ETA held (bench.eta):")
    for row in eta_rows:
        print(format_row(row))
    print(held_summary(eta_rows))
    print(f"{len(rows)} presets back to back: {wall / 60:.1f} min (target ≤ {TARGET_SECONDS // 60} min); "
          f"load average {load:.2f} before, {os.getloadavg()[0]:.2f} after"
          + (f"; the host took {stolen:.0f} CPU-s of the {2 * wall:.0f} two cores had" if stolen is not None else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
