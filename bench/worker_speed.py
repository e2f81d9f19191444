"""Benchmark: a run trained through the whole path (worker process + metric logging) against plain `model.fit`.

    python -m bench.worker_speed [--preset nn-dropout] [--train-limit N] [--repeats 2] [--no-lag] [--json]

Throughput, interleaved A/B/C in one run, best of the repeats (the CPU is shared):
  plain        `build_model(spec)` (the project's compile: jit off) + `model.fit(x, y, batch_size, epochs=1,
               validation_data=…)`, no callbacks, in this process;
  plain+spe    the same with the steps_per_execution core.training.trainer uses, to separate its effect;
  fresh        plain+spe in a new process (after its imports), as the worker is: what is left between
               this and the worker is the worker's own overhead (progress callback, metric logging);
  worker       `runs.create_run` + `dispatcher.dispatch`: `python -m core.runs.worker` trains through core.training.trainer with
               metrics batched into SQLite (timed inside the worker, after its imports).
Each side is timed over the same work: convert the digits, build, fit one epoch (with validation) and
test on the 10,000 test digits; wall time (best of the repeats) and CPU time (median: steadier when
the machine is shared). The worker also reports how long training waited for logging and cancel checks.

Lag (unless --no-lag): a Streamlit server and Chromium watch a real run on the Curves page; for every
logged step it records when the worker logged it (logged_at), when it was first readable in SQLite
and when the browser's cost curve first showed it.
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

import numpy as np  # noqa: E402

from core import settings  # noqa: E402
from core.datasets.mnist import load_mnist  # noqa: E402
from core.lecture.presets import get_preset  # noqa: E402
from core.runs import dispatcher  # noqa: E402
from core.runs import store as runs
from core.runs.records import ACTIVE_STATUSES, FINAL_STATUSES, Run
from core.settings import REPO_ROOT  # noqa: E402

settings.quiet_tensorflow()

LAST_STEP = """() => {
    const plot = document.querySelector('.js-plotly-plot');
    if (!plot || !plot.data || !plot.data.length || !plot.data[0].x.length) return 0;
    return plot.data[0].x[plot.data[0].x.length - 1];
}"""


def plain_fit(spec, train, validation, test, steps_per_execution: int) -> tuple[float, float]:
    """(wall, CPU) seconds of plain Keras doing what train() does: convert, build, fit one epoch, test."""
    import keras

    from core.lecture.network import build_model
    from core.training.batches import accuracy_of, images_to_inputs

    keras.utils.set_random_seed(spec.seed)
    wall, cpu = time.perf_counter(), time.process_time()
    train_inputs, train_labels = images_to_inputs(train[0]), train[1].astype(np.int32)
    validation_data = (images_to_inputs(validation[0]), validation[1].astype(np.int32))
    model = build_model(spec, steps_per_execution=steps_per_execution)
    model.fit(train_inputs, train_labels, batch_size=spec.batch_size, epochs=1, validation_data=validation_data,
              verbose=0)
    accuracy_of(model, *test)
    return time.perf_counter() - wall, time.process_time() - cpu


def wait_final(run_id: int, timeout: float = 900) -> Run:
    """Poll the store until the run ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = runs.get_run(run_id)
        if run.status in FINAL_STATUSES:
            return run
        dispatcher.reap_children()
        time.sleep(0.2)
    raise TimeoutError(f"run {run_id} did not finish in {timeout} s")


def worker_run(spec, train_limit: int | None, name: str) -> dict:
    """Train through the worker process; returns its result plus the wall time from dispatch to the end."""
    run_id = runs.create_run(spec, name, train_limit=train_limit)
    started = time.perf_counter()
    dispatcher.dispatch(max_parallel=1)
    run = wait_final(run_id)
    if run.status != "finished":
        raise RuntimeError(f"worker run ended {run.status}: {run.error}")
    return {**run.result.to_dict(), "end_to_end_seconds": time.perf_counter() - started}


def plain_child(preset_name: str, train_limit: int, steps_per_execution: int) -> None:
    """In a fresh process, as the worker is: import, load, then time one plain fit; print [wall, cpu]."""
    import keras  # noqa: F401 - imported before timing, as the worker does

    spec = get_preset(preset_name).spec.replace(epochs=1, steps=None, early_stopping_patience=None, ensemble_members=1)
    data = load_mnist()
    train, validation = data.lecture_split()
    if train_limit:
        train = (train[0][:train_limit], train[1][:train_limit])
    print(json.dumps(plain_fit(spec, train, validation, (data.test_images, data.test_labels), steps_per_execution)))


def measure_throughput(preset_name: str, train_limit: int | None, repeats: int) -> dict:
    """Samples/s (wall and CPU) of plain fit, plain fit with steps_per_execution, and the worker path."""
    from core.training.batches import steps_per_execution_for
    from core.training.trainer import DEFAULT_LOG_EVERY_STEPS

    spec = get_preset(preset_name).spec.replace(epochs=1, steps=None, early_stopping_patience=None, ensemble_members=1)
    data = load_mnist()
    train, validation = data.lecture_split()
    if train_limit:
        train = (train[0][:train_limit], train[1][:train_limit])
    test = (data.test_images, data.test_labels)
    samples = len(train[0])
    spe = steps_per_execution_for(spec, DEFAULT_LOG_EVERY_STEPS)
    plain_fit(spec, (train[0][:1000], train[1][:1000]), validation, test, 1)  # warm TensorFlow up in this process
    timings: dict[str, list[tuple[float, float]]] = {"plain": [], "plain_spe": [], "plain_spe_fresh": [], "worker": []}
    logging_share, end_to_end = [], []
    for repeat in range(repeats):  # interleaved, so a noisy minute hurts all of them alike
        timings["plain"].append(plain_fit(spec, train, validation, test, 1))
        timings["plain_spe"].append(plain_fit(spec, train, validation, test, spe))
        child = subprocess.run([sys.executable, "-m", "bench.worker_speed", "--plain-child", preset_name,
                                str(train_limit or 0), str(spe)], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
        timings["plain_spe_fresh"].append(tuple(json.loads(child.stdout.strip().splitlines()[-1])))
        result = worker_run(spec, train_limit, f"bench-{preset_name}-{repeat}")
        timings["worker"].append((result["train_call"]["wall_seconds"], result["train_call"]["cpu_seconds"]))
        logging_share.append(result["logging_seconds"] / result["train_call"]["wall_seconds"])
        end_to_end.append(result["end_to_end_seconds"])
        print(f"  repeat {repeat + 1}: " + "  ".join(
            f"{name} {samples / values[-1][0]:6.0f} samples/s ({samples / values[-1][1]:6.0f} per CPU-s)"
            for name, values in timings.items()), flush=True)
    wall = {name: samples / min(t[0] for t in values) for name, values in timings.items()}  # best of the repeats
    cpu = {name: samples / statistics.median(t[1] for t in values) for name, values in timings.items()}
    return {
        "preset": preset_name, "samples": samples, "batch_size": spec.batch_size, "steps_per_execution": spe,
        "samples_per_second": wall, "samples_per_cpu_second": cpu,
        "ratio_worker_to_plain": wall["worker"] / wall["plain"],
        "ratio_worker_to_plain_spe": wall["worker"] / wall["plain_spe"],
        "ratio_worker_to_plain_spe_fresh": wall["worker"] / wall["plain_spe_fresh"],
        "cpu_ratio_worker_to_plain_spe": cpu["worker"] / cpu["plain_spe"],
        "cpu_ratio_worker_to_plain_spe_fresh": cpu["worker"] / cpu["plain_spe_fresh"],
        "logging_share_of_training": statistics.median(logging_share),
        "worker_end_to_end_seconds": min(end_to_end), "timings": timings,
    }


def measure_lag(train_limit: int = 20_000, epochs: int = 3) -> dict:
    """Seconds from a logged metric to SQLite and to the browser's curve, over one real run."""
    from harness.browser import StreamlitServer, launch_chromium

    spec = get_preset("nn-xavier").spec.replace(epochs=epochs)
    log = Path(tempfile.mkdtemp(prefix="lag-")) / "streamlit.log"
    server = StreamlitServer(REPO_ROOT, {"MNIST_LAB_RUNS_DIR": str(settings.runs_dir()),
                                        "MNIST_LAB_MODELS_DIR": os.environ["MNIST_LAB_MODELS_DIR"]}, log)
    url = server.start()
    try:
        run_id = runs.create_run(spec, "bench-lag", train_limit=train_limit)
        with launch_chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/Curves?run={run_id}")
            dispatcher.dispatch(max_parallel=1)
            in_db, on_screen, logged = {}, {}, {}
            while runs.get_run(run_id).status in ACTIVE_STATUSES:
                now = time.time()
                for event in runs.get_metrics(run_id):
                    if event["kind"] == "step" and event["step"] not in in_db:
                        in_db[event["step"]], logged[event["step"]] = now, event["logged_at"]
                shown = page.evaluate(LAST_STEP)
                now = time.time()
                for step in in_db:
                    if step <= shown and step not in on_screen:
                        on_screen[step] = now
                page.wait_for_timeout(50)
    finally:
        server.stop()
    steps = sorted(on_screen)
    to_screen = [on_screen[step] - logged[step] for step in steps]
    db_to_screen = [on_screen[step] - in_db[step] for step in steps]
    to_db = [in_db[step] - logged[step] for step in in_db]
    return {
        "points": len(steps), "points_logged": len(in_db),
        "logged_to_screen_median": statistics.median(to_screen), "logged_to_screen_p90": _p90(to_screen),
        "logged_to_screen_max": max(to_screen), "db_to_screen_median": statistics.median(db_to_screen),
        "db_to_screen_max": max(db_to_screen), "logged_to_db_median": statistics.median(to_db),
        "logged_to_db_max": max(to_db),
    }


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


def print_throughput(speed: dict, repeats: int) -> None:
    """The throughput figures in words."""
    wall, cpu = speed["samples_per_second"], speed["samples_per_cpu_second"]
    spe = speed["steps_per_execution"]
    print(f"samples/s (best of {repeats}; per CPU-second, median, in brackets): plain fit {wall['plain']:.0f} "
          f"({cpu['plain']:.0f}), plain fit with steps_per_execution={spe} {wall['plain_spe']:.0f} "
          f"({cpu['plain_spe']:.0f}), the same in a fresh process {wall['plain_spe_fresh']:.0f} "
          f"({cpu['plain_spe_fresh']:.0f}), worker path {wall['worker']:.0f} ({cpu['worker']:.0f})\n"
          f"ratio worker/plain {speed['ratio_worker_to_plain']:.2f}; worker/plain+spe {speed['ratio_worker_to_plain_spe']:.2f} "
          f"(CPU {speed['cpu_ratio_worker_to_plain_spe']:.2f}); worker/fresh plain+spe "
          f"{speed['ratio_worker_to_plain_spe_fresh']:.2f} (CPU {speed['cpu_ratio_worker_to_plain_spe_fresh']:.2f}); "
          f"target ≥ 0.95. Logging took {speed['logging_share_of_training']:.2%} of the worker's training time",
          flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures (and JSON with --json)."""
    parser = argparse.ArgumentParser(prog="python -m bench.worker_speed")
    parser.add_argument("--preset", default="nn-dropout", help="the spec to train (MLP 4×512 + dropout by default)")
    parser.add_argument("--train-limit", type=int, default=None, help="digits per epoch (default: all 55,000)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--no-lag", action="store_true", help="skip the browser lag measurement")
    parser.add_argument("--no-throughput", action="store_true", help="only measure the lag")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--plain-child", nargs=3, metavar=("PRESET", "TRAIN_LIMIT", "SPE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.plain_child:
        plain_child(args.plain_child[0], int(args.plain_child[1]), int(args.plain_child[2]))
        return 0

    scratch = Path(tempfile.mkdtemp(prefix="worker-speed-"))
    os.environ["MNIST_LAB_RUNS_DIR"] = str(scratch / "runs")  # the workers inherit both
    os.environ["MNIST_LAB_MODELS_DIR"] = str(scratch / "models")
    report = {}
    if not args.no_throughput:
        print(f"throughput: {args.preset}, 1 epoch, {args.repeats} repeats (scratch store {scratch})", flush=True)
        report["throughput"] = speed = measure_throughput(args.preset, args.train_limit, args.repeats)
        print_throughput(speed, args.repeats)
    if not args.no_lag:
        report["lag"] = lag = measure_lag()
        print(f"lag over {lag['points']} points: logged → screen median {lag['logged_to_screen_median']:.2f} s, "
              f"p90 {lag['logged_to_screen_p90']:.2f} s, max {lag['logged_to_screen_max']:.2f} s (target ≤ 1.5 s); "
              f"SQLite → screen median {lag['db_to_screen_median']:.2f} s; logged → SQLite median "
              f"{lag['logged_to_db_median']:.2f} s", flush=True)
    if args.json:
        print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
