"""The command-line contracts of DESIGN.md, each run as a real subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.presets import PRESETS

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_module(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    """`python -m ARGS` from the repo root, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", *arguments], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **environment},
    )


def test_core_data_verifies_and_says_where_mnist_is(mnist):
    completed = run_module("core.data")
    assert completed.returncode == 0, completed.stderr
    assert "MNIST verified in" in completed.stdout and "60,000 train + 10,000 test" in completed.stdout


def test_core_data_fails_with_one_clear_line_when_nothing_is_available(tmp_path):
    completed = run_module("core.data", "--dir", str(tmp_path / "nowhere"), "--source", "npm",
                           PATH=str(tmp_path))  # no npm on PATH: the last source fails too
    assert completed.returncode == 1
    error_lines = [line for line in completed.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and "npm: RuntimeError: npm is not installed" in error_lines[0]


def test_train_list_shows_every_preset_with_its_published_accuracy():
    completed = run_module("core.train", "--list")
    assert completed.returncode == 0
    for preset in PRESETS.values():
        assert preset.name in completed.stdout and f"{preset.published_accuracy:.4f}" in completed.stdout


def test_train_a_preset_saves_the_model_and_its_card(tmp_path, mnist):
    completed = run_module("core.train", "--preset", "nn-xavier", "--epochs", "1", "--train-limit", "5000",
                           "--name", "Quick NN", "--models-dir", str(tmp_path), "--json")
    assert completed.returncode == 0, completed.stderr
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    assert summary["name"] == "quick-nn" and summary["test_accuracy"] > 0.8
    assert "Epoch: 0001 cost =" in completed.stderr
    card = json.loads((tmp_path / "quick-nn.json").read_text())
    assert card["preset"] == "nn-xavier" and card["test_accuracy"] == summary["test_accuracy"]
    assert (tmp_path / "quick-nn.keras").is_file()


def test_train_the_diverging_preset_says_so_and_saves_nothing(tmp_path, mnist):
    completed = run_module("core.train", "--preset", "softmax-lr-too-high", "--steps", "50",
                           "--models-dir", str(tmp_path), "--json")
    assert completed.returncode == 0, completed.stderr
    assert "DIVERGED" in completed.stderr and "Nothing was saved" in completed.stderr
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    assert summary["diverged"] and summary["saved"] is None and abs(summary["test_accuracy"] - 0.098) < 0.01
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--preset", "resnet"], "unknown preset 'resnet'; known presets: softmax-gd"),
        (["--preset", "nn", "--epochs", "0"], "epochs must be a whole number from 1 to 500"),
        (["--preset", "nn", "--name", "../.."], "no usable characters"),
    ],
)
def test_train_refuses_bad_input_with_a_one_line_reason(arguments, message):
    completed = run_module("core.train", *arguments)
    assert completed.returncode == 2
    assert completed.stderr.strip().startswith("error:") and message in completed.stderr


def test_evaluate_matches_the_cards_and_skips_a_corrupt_model(models_copy):
    (models_copy / "broken.keras").write_bytes(b"garbage")
    (models_copy / "broken.json").write_text((models_copy / "small-softmax.json").read_text())
    completed = run_module("core.evaluate", "--json", "--models-dir", str(models_copy))
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert {row["name"] for row in report["models"]} == {"small-softmax", "small-nn-xavier"}
    assert all(row["matches_card"] for row in report["models"])
    assert any("broken.keras: cannot be loaded" in problem for problem in report["problems"])
    assert "skipped: broken.keras" in completed.stderr


def test_evaluate_with_no_models_exits_non_zero_with_advice(tmp_path):
    completed = run_module("core.evaluate", "--models-dir", str(tmp_path))
    assert completed.returncode == 1 and "python -m core.train --preset" in completed.stderr
