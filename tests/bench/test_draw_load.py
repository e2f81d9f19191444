"""bench.draw_load runs end to end (a smoke test: three visitors for a few seconds; the figures come from the full run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from core.settings import REPO_ROOT


def test_three_visitors_draw_beside_a_training_cnn_and_each_sees_only_their_own_answers():
    completed = subprocess.run(
        [sys.executable, "-m", "bench.draw_load", "--visitors", "3", "--seconds", "5", "--train-warm-up", "3", "--json"],
        cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    row = json.loads(completed.stdout.strip().splitlines()[-1])
    assert row["visitors"] == 3 and row["strokes"] >= 3
    assert row["answered"] >= 1 and row["wrong_visitor"] == 0
    assert row["answered"] + row["superseded"] + row["unanswered"] == row["strokes"]
    assert row["trainer_cores"] is not None and row["server_cpu_seconds"] > 0 and row["server_rss_mb"] > 0
    assert {"p50", "p95", "max"} <= set(row["every_answer_ms"])
