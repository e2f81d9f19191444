"""`python -m core.train` (docs/COMMANDS.md), run as a real subprocess."""

import json

import pytest

from core.lecture.presets import PRESETS
from tests.commands import run_module


def test_train_list_shows_every_preset_with_its_published_accuracy():
    completed = run_module("core.train", "--list")
    assert completed.returncode == 0
    for preset in PRESETS.values():
        published = f"{preset.published_accuracy:.4f}" if preset.published_accuracy is not None else "–"
        assert f"{preset.name} " in completed.stdout and published in completed.stdout


def test_train_a_preset_saves_the_model_and_its_card(tmp_path, mnist):
    completed = run_module("core.train", "--preset", "nn-xavier", "--epochs", "1", "--train-limit", "5000",
                           "--name", "Quick NN", "--seed", "12", "--models-dir", str(tmp_path), "--json")
    assert completed.returncode == 0, completed.stderr
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    assert summary["name"] == "quick-nn" and summary["test_accuracy"] > 0.8
    assert "Epoch: 0001 cost =" in completed.stderr
    card = json.loads((tmp_path / "quick-nn.json").read_text())
    assert card["preset"] == "nn-xavier" and card["test_accuracy"] == summary["test_accuracy"]
    assert card["seed"] == 12 and card["spec"]["seed"] == 12  # --seed reaches the spec and the card
    assert (tmp_path / "quick-nn.keras").is_file()


def test_train_the_diverging_preset_says_so_and_saves_nothing(tmp_path, mnist):
    completed = run_module("core.train", "--preset", "softmax-lr-too-high", "--steps", "50",
                           "--models-dir", str(tmp_path), "--json")
    assert completed.returncode == 0, completed.stderr
    assert "DIVERGED" in completed.stderr and "Nothing was saved" in completed.stderr
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    assert summary["diverged"] and summary["saved"] is None and abs(summary["test_accuracy"] - 0.098) < 0.01
    assert not list(tmp_path.iterdir())


def test_train_never_replaces_a_shipped_model_without_force(tmp_path, mnist):
    (tmp_path / "SHIPPED").write_text("nn-xavier\n")
    (tmp_path / "nn-xavier.keras").write_bytes(b"the lecture's model")
    refused = run_module("core.train", "--preset", "nn-xavier", "--name", "nn-xavier", "--steps", "5",
                         "--models-dir", str(tmp_path))
    assert refused.returncode == 2 and "nn-xavier is a shipped lecture model" in refused.stderr
    assert "--force" in refused.stderr and (tmp_path / "nn-xavier.keras").read_bytes() == b"the lecture's model"
    default = run_module("core.train", "--preset", "nn-xavier", "--steps", "5", "--train-limit", "1000",
                         "--models-dir", str(tmp_path), "--json")
    assert default.returncode == 0, default.stderr
    name = json.loads(default.stdout.strip().splitlines()[-1])["name"]
    assert name.startswith("nn-xavier-quick-") and len(name) == len("nn-xavier-quick-") + 4
    assert json.loads((tmp_path / f"{name}.json").read_text())["train_limit"] == 1000
    forced = run_module("core.train", "--preset", "nn-xavier", "--name", "nn-xavier", "--steps", "5", "--force",
                        "--models-dir", str(tmp_path))
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "nn-xavier.keras").read_bytes() != b"the lecture's model"


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
