"""`python -m core.models` (docs/COMMANDS.md), run as a real subprocess: list, delete, restore, rename, draw, export."""

import json
import zipfile

from tests.commands import run_module


def models_command(models, runs, *arguments):
    return run_module("core.models", "--models-dir", str(models), *arguments, MNIST_LAB_RUNS_DIR=str(runs))


def test_list_delete_trash_restore_rename(models_copy, tmp_path):
    runs = tmp_path / "runs"
    (models_copy / "SHIPPED").write_text("small-nn-xavier\n")
    listed = json.loads(models_command(models_copy, runs, "list", "--json").stdout)
    assert {(model["name"], model["shipped"], model["quick"]) for model in listed["models"]} == {
        ("small-softmax", False, False), ("small-nn-xavier", True, False)}

    refused = models_command(models_copy, runs, "delete", "small-nn-xavier")
    assert refused.returncode == 1 and refused.stderr.startswith("error: small-nn-xavier is a shipped lecture model")
    assert models_command(models_copy, runs, "delete", "small-softmax").returncode == 0
    trash = json.loads(models_command(models_copy, runs, "trash", "--json").stdout)
    assert [item["name"] for item in trash] == ["small-softmax"]
    assert models_command(models_copy, runs, "restore", trash[0]["id"]).returncode == 0
    renamed = models_command(models_copy, runs, "rename", "small-softmax", "first lesson")
    assert renamed.returncode == 0 and "first-lesson" in renamed.stdout
    assert sorted(path.name for path in models_copy.glob("*.json")) == ["first-lesson.json", "small-nn-xavier.json"]


def test_draw_choice_and_export(models_copy, tmp_path):
    runs = tmp_path / "runs"
    shown = models_command(models_copy, runs, "draw", "--show", "small-softmax", "--vote", "small-softmax")
    assert json.loads(shown.stdout) == {"shown": ["small-softmax"], "voting": ["small-softmax"]}
    back = models_command(models_copy, runs, "draw", "--show-all")
    assert json.loads(back.stdout) == {"shown": None, "voting": ["small-softmax"]}
    exported = models_command(models_copy, runs, "export", "small-softmax", "--to", str(tmp_path / "out"))
    assert exported.returncode == 0
    with zipfile.ZipFile(tmp_path / "out" / "small-softmax.zip") as archive:
        assert sorted(archive.namelist()) == ["small-softmax.json", "small-softmax.keras"]


def test_a_bad_card_is_skipped_with_a_note(models_copy, tmp_path):
    values = json.loads((models_copy / "small-softmax.json").read_text())
    (models_copy / "small-softmax.json").write_text(json.dumps({**values, "test_accuracy": "very high"}))
    completed = models_command(models_copy, tmp_path / "runs", "list")
    assert completed.returncode == 0 and "small-nn-xavier" in completed.stdout
    assert "skipped: small-softmax.json: a wrong model card (test_accuracy" in completed.stderr
