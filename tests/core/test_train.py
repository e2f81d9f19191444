"""`python -m core.train` (docs/COMMANDS.md), run as a real subprocess."""

import json

import pytest

from core.lecture.presets import PRESETS
from tests.commands import run_module


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
