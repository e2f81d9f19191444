"""Mouse-up → answers on screen, for one visitor of the Draw page, in a real Chromium.

    python -m bench.draw_latency [--digits 16] [--viewport 1024x768] [--json]

Starts the app as `make run` does (the same .streamlit/config.toml) with the shipped models,
opens the Draw page in Debian's Chromium and draws digits on its pad (streamlit-drawable-canvas with
the page's companion, ui/draw_pad.py) with real mouse strokes
(core.drawing.strokes.mouse_strokes), pausing 0.4 s between strokes as a person would and
pressing Clear after each digit. For every stroke the page itself records, with
`performance.now()`, the pointer-up and the first animation frame in which
- the headline answer for that stroke is on screen (the marker `st-key-draw_headline_for_<seq>`),
- every answer is (the marker `st-key-draw_done_<seq>`, after the last model's box).
The first stroke (TensorFlow's first call) is left out. Also prints the server's CPU seconds per
stroke and per 5 s of an idle open page (from /proc), and the machine's load average: on a
shared 2-core machine, re-run when it is quiet. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from core.drawing.strokes import CANVAS_SIZE, mouse_strokes
from core.settings import REPO_ROOT
from harness.browser import StreamlitServer, launch_chromium

DIGITS = [(2, "printed"), (4, "closed"), (7, "bar"), (0, "oval"), (9, "straight-tail"), (1, "flag"), (5, "two-strokes"),
          (3, "round"), (8, "two-loops"), (6, "curved")]
# Records pointer-up times and the frame in which each stroke's markers first appear.
WATCH = """() => {
  window.__draw = {ups: [], seen: {}};
  document.addEventListener('pointerup', () => window.__draw.ups.push(performance.now()), true);
  const look = () => {
    for (const el of document.querySelectorAll('[class*="st-key-draw_headline_for_"], [class*="st-key-draw_done_"]')) {
      const name = [...el.classList].find(c => c.startsWith('st-key-draw_'));
      if (name && !(name in window.__draw.seen)) window.__draw.seen[name] = performance.now();
    }
    requestAnimationFrame(look);
  };
  look();
}"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def stroke(page, box: dict, points: list[tuple[float, float]]) -> None:
    """One mouse stroke along canvas-pixel points."""
    scale = box["width"] / CANVAS_SIZE
    screen = [(box["x"] + x * scale, box["y"] + y * scale) for x, y in points]
    page.mouse.move(*screen[0])
    page.mouse.down()
    for point in screen[1:]:
        page.mouse.move(*point)
    page.mouse.up()


def wait_for(page, name: str, timeout: float = 60.0) -> float:
    """performance.now() at which the marker `name` appeared."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = page.evaluate(f"() => window.__draw.seen['st-key-draw_{name}']")
        if seen is not None:
            return seen
        page.wait_for_timeout(20)
    raise TimeoutError(f"no {name} within {timeout} s")


def run(digits: int, viewport: tuple[int, int], pause_ms: int = 400) -> dict:
    """Draw `digits` digits; return the per-stroke latencies and the server's CPU."""
    with tempfile.TemporaryDirectory() as folder, launch_chromium() as browser:
        server = StreamlitServer(REPO_ROOT, {"MNIST_LAB_MODELS_DIR": str(REPO_ROOT / "saved_models"),
                                             "MNIST_LAB_RUNS_DIR": str(Path(folder) / "runs")}, Path(folder) / "log")
        url = server.start()
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.goto(f"{url}/Draw?lang=en")
            canvas = page.locator(".st-key-draw_pad_canvas [data-testid=stBidiComponentIsolated] canvas.upper-canvas")
            canvas.wait_for(timeout=120_000)
            page.locator(".dc-companion[data-status=ok]").wait_for(state="attached", timeout=30_000)
            page.evaluate(WATCH)
            page.wait_for_timeout(3000)
            idle_start = cpu_seconds(server.process.pid)
            page.wait_for_timeout(10_000)  # an open page nobody draws on
            idle = (cpu_seconds(server.process.pid) - idle_start) / 2  # per 5 s
            box = canvas.bounding_box()
            seq, headline, every = 0, [], []
            cpu_start = None
            for index in range(digits + 1):
                digit, style = DIGITS[index % len(DIGITS)]
                for points in mouse_strokes(digit, style, seed=index):
                    stroke(page, box, points)
                    seq += 1
                    shown, done = wait_for(page, f"headline_for_{seq}"), wait_for(page, f"done_{seq}")
                    up = page.evaluate("() => window.__draw.ups[window.__draw.ups.length - 1]")
                    if index > 0:  # the first digit warms TensorFlow up
                        headline.append(shown - up)
                        every.append(done - up)
                    page.wait_for_timeout(pause_ms)
                page.get_by_role("button", name="Clear", exact=True).click()
                seq += 1
                wait_for(page, f"done_{seq}")
                if index == 0:
                    cpu_start = cpu_seconds(server.process.pid)
            cpu = cpu_seconds(server.process.pid) - cpu_start
        finally:
            server.stop()
    return {"strokes": len(every), "headline_ms": headline, "every_answer_ms": every, "idle_cpu_seconds_per_5s": idle,
            "server_cpu_seconds_per_stroke": cpu / max(len(every), 1), "load_average": os.getloadavg()}


def summary(values: list[float]) -> dict[str, float]:
    """Median, 95th percentile and maximum, in ms."""
    return {"median": float(np.median(values)), "p95": float(np.percentile(values, 95)), "max": float(np.max(values))}


def main(argv: list[str] | None = None) -> int:
    """CLI: print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.draw_latency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--digits", type=int, default=16, help="digits drawn after the warm-up one (default 16)")
    parser.add_argument("--viewport", default="1024x768", help="browser window, WIDTHxHEIGHT (default 1024x768)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.viewport.split("x"))
    load_before = os.getloadavg()
    result = run(args.digits, (width, height))
    figures = {"headline": summary(result["headline_ms"]), "every_answer": summary(result["every_answer_ms"])}
    if args.json:
        print(json.dumps({**result, **figures, "load_average_before": load_before}))
        return 0
    print(f"{result['strokes']} strokes, one visitor, Chromium {width}×{height}; load average before "
          f"{load_before[0]:.1f}, after {result['load_average'][0]:.1f} (2 cores)")
    for name, label in (("headline", "mouse-up → headline answer"), ("every_answer", "mouse-up → every answer")):
        row = figures[name]
        print(f"{label:30s} median {row['median']:6.0f} ms   p95 {row['p95']:6.0f} ms   max {row['max']:6.0f} ms")
    print(f"server CPU per stroke (clears included): {result['server_cpu_seconds_per_stroke'] * 1000:.0f} ms; "
          f"an idle open page: {result['idle_cpu_seconds_per_5s']:.3f} CPU-s per 5 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
