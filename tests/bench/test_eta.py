"""bench.eta replays a finished run's logged steps through the page's progress and compares the ETA with the real end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from bench.eta import eta_checks, eta_report
from core.charts.pace import tail_seconds
from core.lecture.presets import get_preset
from core.runs import store as runs
from core.settings import REPO_ROOT
from tests.run_records import add_run

STEPS, STEP_SECONDS = 550, 0.01
SOFTMAX = get_preset("softmax").spec.replace(epochs=1)


def finished_run(tail: float) -> int:
    """A one-epoch softmax run whose steps were logged every 10 batches at 100 batches/s, ended `tail` s after its last step."""
    started = time.time() - STEPS * STEP_SECONDS - tail
    events = [{"kind": "step", "step": step, "epoch": 1, "cost": 1.0, "accuracy": 0.5, "seconds": step * STEP_SECONDS,
               "logged_at": started + step * STEP_SECONDS} for step in range(10, STEPS + 1, 10)]
    return add_run(SOFTMAX, "softmax", "finished", events,
                   result={"test_accuracy": 0.9, "steps_run": STEPS, "seconds": STEPS * STEP_SECONDS + tail})


@pytest.fixture(autouse=True)
def run_store(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))


def test_only_steps_past_a_fifth_are_checked_and_a_longer_tail_than_expected_shows_as_a_growing_underestimate():
    run_id = finished_run(tail=3.0)
    run = runs.get_run(run_id)
    checks = eta_checks(run, runs.get_metrics(run_id))
    assert checks and min(check.fraction for check in checks) >= 0.2
    assert len(checks) == len([step for step in range(10, STEPS + 1, 10) if step >= 0.2 * STEPS])
    # 100 steps/s exactly: the ETA is the steps left / 100 plus the expected test pass and save.
    expected_tail = tail_seconds(run, 1 / STEP_SECONDS)
    assert 0 < expected_tail < 2.0
    for check in checks:
        steps_left = STEPS - check.fraction * STEPS
        real_left = steps_left * STEP_SECONDS + 3.0
        assert check.relative == pytest.approx((expected_tail - 3.0) / real_left, abs=0.02)
    assert [abs(check.relative) for check in checks] == sorted(abs(check.relative) for check in checks)


def test_the_report_names_the_worst_error_and_whether_every_eta_held():
    late_id = finished_run(tail=3.0)
    late = eta_report(runs.get_run(late_id), runs.get_metrics(late_id))
    expected_tail = tail_seconds(runs.get_run(late_id), 100.0)
    assert late["name"] == "softmax" and late["checked"] > 0
    assert late["worst_seconds"] == pytest.approx(expected_tail - 3.0, abs=0.1)
    assert late["held"] is False  # at the last step the ETA is more than a second short
    on_time = finished_run(tail=expected_tail)
    assert eta_report(runs.get_run(on_time), runs.get_metrics(on_time))["held"] is True


def test_runs_that_did_not_finish_are_not_judged():
    run_id = add_run(SOFTMAX, "softmax", "running", [])
    assert eta_checks(runs.get_run(run_id), []) == []


def test_the_command_reads_a_run_store_folder(tmp_path):
    run_id = finished_run(tail=1.0)
    completed = subprocess.run([sys.executable, "-m", "bench.eta", "--runs-dir", str(tmp_path / "runs"), "--json"],
                               cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]
    rows = json.loads(completed.stdout.strip().splitlines()[-1])
    assert [row["run"] for row in rows] == [run_id] and rows[0]["checked"] > 0


def test_a_run_early_stopping_ended_before_its_last_step_is_not_judged():
    spec = get_preset("keras-bn-dropout-earlystop").spec.replace(epochs=2)
    events = [{"kind": "step", "step": step, "epoch": 1, "cost": 1.0, "accuracy": 0.5, "seconds": step / 100,
               "logged_at": time.time() - 3 + step / 100} for step in range(10, 201, 10)]
    stopped = add_run(spec, "stopped", "finished", events, result={"test_accuracy": 0.9, "steps_run": 200, "seconds": 2.0})
    assert runs.get_run(stopped).total_steps > 200
    assert eta_checks(runs.get_run(stopped), runs.get_metrics(stopped)) == []
    assert eta_report(runs.get_run(stopped), runs.get_metrics(stopped))["held"] is False
