"""A class drawing at once: N visitors on the Draw page while a CNN trains beside them.

    python -m bench.draw_load [--visitors 1 10 30] [--seconds 60] [--no-train] [--json]

Each visitor is a light client speaking Streamlit's own websocket protocol (bench.streamlit_client),
not a browser: thirty Chromiums would need far more than this 2-core machine and their rendering
would be measured as the server's (in a classroom each browser runs on its own computer). One
real browser's latency is measured by bench.draw_latency.

A visitor draws digits as a person does: a stroke every 0.5–1.2 s (it does not wait for the
answer), looks at the answer for 1–2.5 s after the digit's last stroke, presses Clear, starts
the next digit. Visitor v draws its own sequence of stroke-drawn digits. For every stroke it
records mouse-up (sending) → the headline answer received, and → every answer received (the
fragment's run finished). A stroke whose answer never came while a later one's did was
*superseded* (the visitor drew on; a browser shows the newer answer); one with no answer at all
by the end is *unanswered*. Each answer carries the 28×28 preview of the drawing it answers:
one that matches none of the visitor's own drawings would be an answer shown to the wrong visitor.
The server runs with the configuration `make run` uses; its CPU seconds (from /proc) are divided
by the answers it sent (strokes and clears); its memory is the resident set at the end and peak.
The CNN (the cnn-lab preset, saved to a temporary folder) trains in its own process, as the
app's workers do, for the whole run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from bench.draw_latency import cpu_seconds
from bench.load_visitor import Visitor, visitor_drawings
from core.settings import REPO_ROOT
from harness.browser import StreamlitServer


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) memory of a process in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def start_training(folder: Path, nice: int = 0) -> subprocess.Popen:
    """A CNN training run in its own process (at `nice` priority), long enough to outlast the measurement."""
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "MNIST_LAB_RUNS_DIR": str(folder / "runs")}
    return subprocess.Popen(["nice", "-n", str(nice), sys.executable, "-m", "core.train", "--preset", "cnn-lab",
                             "--epochs", "100", "--name", "load-bench", "--models-dir", str(folder / "models")],
                            cwd=REPO_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def measure(count: int, seconds: float, train: bool, warm_up: float = 15.0, nice: int = 0,
            digits_per_visitor: int = 40) -> dict:
    """Run `count` visitors for `seconds` against a fresh server; the figures of that run."""
    drawings = [visitor_drawings(index, digits_per_visitor) for index in range(count)]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        server = StreamlitServer(REPO_ROOT, {"MNIST_LAB_MODELS_DIR": str(REPO_ROOT / "saved_models"),
                                             "MNIST_LAB_RUNS_DIR": str(folder / "runs")}, folder / "server.log")
        url = server.start()
        trainer = start_training(folder, nice) if train else None
        try:
            visitors = [Visitor(url, drawings[index], np.random.default_rng([7, index])) for index in range(count)]
            for visitor in visitors:  # open the pages one after another, as a class arrives
                visitor.open()
            if trainer is not None:
                time.sleep(warm_up)  # TensorFlow's import and the first epoch's set-up
            pid = server.process.pid
            cpu_start, started = cpu_seconds(pid), time.monotonic()
            trainer_cpu = cpu_seconds(trainer.pid) if trainer is not None else 0.0
            client_cpu = time.process_time()
            threads = [threading.Thread(target=visitor.draw_for, args=(seconds,)) for visitor in visitors]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            server_cpu = cpu_seconds(pid) - cpu_start
            trainer_cpu = (cpu_seconds(trainer.pid) - trainer_cpu) if trainer is not None else None
            memory = memory_mb(pid)
            client_cpu = time.process_time() - client_cpu
            for visitor in visitors:
                visitor.close()
        finally:
            if trainer is not None:
                os.killpg(trainer.pid, 15)
                trainer.wait()
            server.stop()
    return summarise(visitors, count, elapsed, server_cpu, trainer_cpu, client_cpu, memory)


def summarise(visitors: list[Visitor], count: int, elapsed: float, server_cpu: float, trainer_cpu: float | None,
              client_cpu: float, memory: tuple[float, float]) -> dict:
    """The figures of one run."""
    headline = [ms for visitor in visitors for ms in visitor.headline_ms]
    every = [ms for visitor in visitors for ms in visitor.every_ms]
    answers = sum(visitor.answers for visitor in visitors)

    def stats(values: list[float]) -> dict:
        if not values:
            return {"p50": None, "p95": None, "max": None}
        return {"p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)), "max": float(max(values))}

    return {"visitors": count, "seconds": elapsed, "strokes": sum(v.strokes for v in visitors), "answered": len(every),
            "superseded": sum(v.superseded for v in visitors), "unanswered": sum(v.unanswered for v in visitors),
            "wrong_visitor": sum(v.wrong for v in visitors), "answers": answers,
            "headline_ms": stats(headline), "every_answer_ms": stats(every),
            "server_cpu_seconds": server_cpu, "server_cpu_ms_per_answer": 1000 * server_cpu / max(answers, 1),
            "server_cores": server_cpu / elapsed, "trainer_cores": None if trainer_cpu is None else trainer_cpu / elapsed,
            "client_cpu_seconds": client_cpu, "server_rss_mb": memory[0], "server_peak_rss_mb": memory[1],
            "load_average": os.getloadavg()[0]}


def print_table(rows: list[dict], train: bool) -> None:
    """The README's table."""
    print(f"Draw page under load ({'a CNN training beside' if train else 'nothing else of ours running'}; "
          f"light websocket clients; 2 cores)")
    print("| visitors | strokes | p50 / p95 / max mouse-up → every answer | headline p50 / p95 | superseded | "
          "unanswered | wrong visitor | server CPU per answer | server cores | trainer cores | memory (peak) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        every, head = row["every_answer_ms"], row["headline_ms"]
        trainer = f"{row['trainer_cores']:.2f}" if row["trainer_cores"] is not None else "–"
        print(f"| {row['visitors']} | {row['strokes']} | {every['p50']:.0f} / {every['p95']:.0f} / {every['max']:.0f} ms "
              f"| {head['p50']:.0f} / {head['p95']:.0f} ms | {row['superseded']} | {row['unanswered']} | "
              f"{row['wrong_visitor']} | {row['server_cpu_ms_per_answer']:.0f} ms | {row['server_cores']:.2f} | {trainer} "
              f"| {row['server_rss_mb']:.0f} MB ({row['server_peak_rss_mb']:.0f}) |")


def main(argv: list[str] | None = None) -> int:
    """CLI: measure each number of visitors on a fresh server and print the table (or JSON)."""
    parser = argparse.ArgumentParser(prog="python -m bench.draw_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=[1, 10, 30], help="visitor counts (default 1 10 30)")
    parser.add_argument("--seconds", type=float, default=60.0, help="drawing time per count (default 60)")
    parser.add_argument("--no-train", action="store_true", help="no CNN training beside the visitors")
    parser.add_argument("--trainer-nice", type=int, default=0,
                        help="run the trainer at this nice level (default 0, as the app's workers run today)")
    parser.add_argument("--train-warm-up", type=float, default=15.0, help="seconds the training starts before (default 15)")
    parser.add_argument("--json", action="store_true", help="one JSON object per visitor count")
    args = parser.parse_args(argv)
    rows = []
    for count in args.visitors:
        row = measure(count, args.seconds, train=not args.no_train, warm_up=args.train_warm_up, nice=args.trainer_nice)
        rows.append(row)
        if args.json:
            print(json.dumps(row), flush=True)
    if not args.json:
        print_table(rows, train=not args.no_train)
    return 0


if __name__ == "__main__":
    sys.exit(main())
