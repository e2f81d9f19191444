"""`python -m core.evaluate` (docs/COMMANDS.md), run as a real subprocess."""

import json

from tests.commands import run_module


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


def test_evaluate_skips_a_wrong_card_and_weights_that_are_not_their_cards(models_copy):
    card = json.loads((models_copy / "small-softmax.json").read_text())
    (models_copy / "very-high.json").write_text(json.dumps({**card, "name": "very-high", "test_accuracy": "very high"}))
    (models_copy / "very-high.keras").write_bytes((models_copy / "small-softmax.keras").read_bytes())
    impostor = json.loads((models_copy / "small-nn-xavier.json").read_text())  # a 64-unit net's card…
    (models_copy / "impostor.json").write_text(json.dumps({**impostor, "name": "impostor"}))
    (models_copy / "impostor.keras").write_bytes((models_copy / "small-softmax.keras").read_bytes())  # …softmax weights
    completed = run_module("core.evaluate", "--json", "--models-dir", str(models_copy))
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert {row["name"] for row in report["models"]} == {"small-softmax", "small-nn-xavier"}
    assert any("very-high.json: a wrong model card (test_accuracy" in problem for problem in report["problems"])
    assert any("impostor.keras: its weights (7,850 parameters)" in problem for problem in report["problems"])
