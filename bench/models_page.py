"""How fast the Models page opens in Chromium: first visit (answers computed) and later visits (read from the cache).

    python -m bench.models_page [--repeat 5]

Starts the app on a copy of the shipped models (so their `<name>.insight.npz` caches start
absent), opens the Models page in Chromium and times, from navigation to the confusion matrix
drawn, the first visit (the chosen model's answers on the 10,000 test digits are computed and
cached) and `--repeat` later visits in fresh tabs (read from the cache), and the page script alone
without a browser (Streamlit's AppTest) for the server's share. Prints the medians and
the machine's load average. Target (issue 14 of the Models page): under a second once cached.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: the repository's packages
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import REPO_ROOT  # noqa: E402
from harness.browser import StreamlitServer, launch_chromium  # noqa: E402

HEATMAP_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .some(p => p.data && p.data[0].type === 'heatmap' && p._fullLayout && p._fullLayout.xaxis)"""


def visit(browser, url: str) -> tuple[float, float]:
    """(seconds to Streamlit's connected shell, seconds to the confusion matrix drawn) from navigating, in a fresh tab."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    started = time.perf_counter()
    page.goto(f"{url}/Models?lang=en")
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=120_000)
    shell = time.perf_counter() - started
    page.wait_for_function(HEATMAP_DRAWN, timeout=120_000, polling=20)
    seconds = time.perf_counter() - started
    page.close()
    return shell, seconds


def script_seconds(models: Path, runs: Path, repeat: int) -> list[float]:
    """The page script alone (Streamlit's AppTest, no browser): seconds per run once the answers are cached."""
    from streamlit.testing.v1 import AppTest

    os.environ.update(MNIST_LAB_MODELS_DIR=str(models), MNIST_LAB_RUNS_DIR=str(runs), MNIST_LAB_LANGUAGE="en")
    timings = []
    for _ in range(repeat + 1):
        app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
        app.switch_page("pages/4_Models.py")
        started = time.perf_counter()
        app.run()
        timings.append(time.perf_counter() - started)
    return timings[1:]  # the first run imports the page's modules


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.models_page", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        models = Path(scratch) / "models"
        shutil.copytree(REPO_ROOT / "saved_models", models, ignore=shutil.ignore_patterns("*.insight.npz"))
        server = StreamlitServer(REPO_ROOT, {"MNIST_LAB_MODELS_DIR": str(models), "MNIST_LAB_RUNS_DIR":
                                             str(Path(scratch) / "runs")}, Path(scratch) / "streamlit.log")
        url = server.start()
        load = os.getloadavg()[0]
        try:
            with launch_chromium() as browser:
                visit(browser, url)  # the server's first page: Streamlit and plotly warm up, not measured
                for cache in models.glob("*.insight.npz"):
                    cache.unlink()
                first = visit(browser, url)
                later = [visit(browser, url) for _ in range(args.repeat)]
        finally:
            server.stop()
        script = script_seconds(models, Path(scratch) / "runs", args.repeat)
    drawn = [seconds for _, seconds in later]
    after_shell = [seconds - shell for shell, seconds in later]
    print(f"Models page → confusion matrix drawn: first visit (answers computed) {first[1]:.2f} s; cached: median "
          f"{statistics.median(drawn):.2f} s, max {max(drawn):.2f} s ({len(later)} visits), of which after Streamlit's "
          f"shell connected: median {statistics.median(after_shell):.2f} s; the page script alone (no browser): median "
          f"{statistics.median(script):.2f} s; load average {load:.2f} → "
          f"{os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
