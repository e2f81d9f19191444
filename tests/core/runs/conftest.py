"""The runs tests' shared ground: an empty run store per test, and a stand-in worker that only sleeps."""

import os
import signal
import sys

import pytest

from core.lecture.spec import ModelSpec
from core.runs import dispatcher
from core.runs import store as runs

SMALL_SPEC = ModelSpec(hidden_units=(16,), epochs=1)
# A stand-in worker that only sleeps, so the queue can be tested without TensorFlow (argv[1] is the run id).
SLEEPER = (sys.executable, "-c", "import time; time.sleep(60)")


@pytest.fixture(autouse=True)
def run_store(tmp_path, monkeypatch):
    """Every test gets its own empty store."""
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.delenv("MNIST_LAB_MAX_PARALLEL_RUNS", raising=False)
    yield tmp_path / "runs"
    for run in runs.list_runs():  # stop any sleeper still alive (each leads its own process group)
        if run.status == "running" and run.pid not in (None, os.getpid()) and dispatcher.process_alive(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
    dispatcher.reap_children()
