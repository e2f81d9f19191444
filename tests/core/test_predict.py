"""`python -m core.predict IMAGE_OR_DIR... [--json]`: the docs/COMMANDS.md contract, run as a real subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.drawing.strokes import draw_digit
from tests.commands import run_module


def run_predict(*arguments: str, models_dir: Path) -> subprocess.CompletedProcess:
    return run_module("core.predict", *arguments, MNIST_LAB_MODELS_DIR=str(models_dir))


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> dict[str, Path]:
    """A transparent canvas export, a white-on-black and a black-on-white file of the same 7, a blank canvas."""
    folder = tmp_path_factory.mktemp("images")
    drawn = draw_digit(7, np.random.default_rng(1), style="plain", stroke_width=20.0).image
    paths = {"canvas": folder / "seven-canvas.png", "white_on_black": folder / "seven-white-on-black.png",
             "black_on_white": folder / "seven-black-on-white.jpg", "blank": folder / "blank.png"}
    Image.fromarray(drawn).save(paths["canvas"])
    Image.fromarray(drawn[:, :, 3]).save(paths["white_on_black"])
    Image.fromarray(255 - drawn[:, :, 3]).resize((560, 560)).convert("RGB").save(paths["black_on_white"], quality=90)
    Image.fromarray(np.zeros((280, 280, 4), np.uint8)).save(paths["blank"])
    return paths


def test_json_gives_every_model_and_the_ensemble_per_image(images, small_models_dir):
    folder = images["canvas"].parent
    completed = run_predict(str(images["canvas"]), str(folder), "--json", models_dir=small_models_dir)
    assert completed.returncode == 0, completed.stderr
    records = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [record["image"] for record in records] == [str(images["canvas"])] + sorted(
        str(path) for path in images.values())
    answered = [record for record in records if not record["blank"]]
    assert len(answered) == 4
    for record in answered:
        assert set(record["models"]) == {"small-softmax", "small-nn-xavier"}
        for answer in [*record["models"].values(), record["ensemble"]]:
            assert len(answer["probabilities"]) == 10
            assert sum(answer["probabilities"]) == pytest.approx(1.0, abs=1e-4)
            assert answer["digit"] == int(np.argmax(answer["probabilities"]))
        mean = np.mean([answer["probabilities"] for answer in record["models"].values()], axis=0)
        np.testing.assert_allclose(record["ensemble"]["probabilities"], mean, atol=2e-6)
    # Whatever the polarity or format, the same drawing gets the same answer.
    by_image = {record["image"]: record for record in answered}
    best = [by_image[str(images[key])]["models"]["small-nn-xavier"] for key in ("canvas", "white_on_black", "black_on_white")]
    assert len({answer["digit"] for answer in best}) == 1
    np.testing.assert_allclose(best[0]["probabilities"], best[1]["probabilities"], atol=0.02)


def test_blank_image_gives_blank_true_and_no_digits(images, small_models_dir):
    completed = run_predict(str(images["blank"]), "--json", models_dir=small_models_dir)
    assert completed.returncode == 0, completed.stderr
    record = json.loads(completed.stdout)
    assert record["blank"] is True and "models" not in record and "ensemble" not in record
    assert "draw a digit" in record["message"]


def test_text_output_skips_a_corrupt_model_and_reports_an_unreadable_image(images, models_copy, tmp_path):
    (models_copy / "small-softmax.keras").write_bytes(b"corrupt")
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("not a picture")
    completed = run_predict(str(images["canvas"]), str(not_an_image), models_dir=models_copy)
    assert completed.returncode == 1
    lines = completed.stdout.splitlines()
    assert lines[0].startswith(f"{images['canvas']}: ") and "ensemble" in lines[0]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:]}  # after the heading and the column names
    assert list(rows) == ["small-nn-xavier", "ensemble"] and len(lines) == 4
    assert all(len(values) == 11 and abs(sum(map(float, values[1:])) - 1) < 0.01 for values in rows.values())
    assert "small-softmax.keras" in completed.stderr and "skipped" in completed.stderr
    assert "notes.png: not a readable image" in completed.stderr


def test_missing_path_fails_with_a_one_line_reason(tmp_path, small_models_dir):
    completed = run_predict(str(tmp_path / "nope.png"), models_dir=small_models_dir)
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [f"error: {tmp_path / 'nope.png'}: no such file or folder"]
    empty = tmp_path / "empty"
    empty.mkdir()
    completed = run_predict(str(empty), models_dir=small_models_dir)
    assert completed.returncode == 2 and "no images" in completed.stderr


def test_no_models_says_how_to_train_one(images, tmp_path):
    completed = run_predict(str(images["canvas"]), "--json", models_dir=tmp_path)
    assert completed.returncode == 1 and completed.stdout == ""
    assert "python -m core.train --preset cnn-lab" in completed.stderr


def test_a_folder_of_one_model_copy_still_works(images, small_models_dir, tmp_path):
    """A model folder holding a single model: the ensemble is that model."""
    for suffix in (".keras", ".json"):
        shutil.copy(small_models_dir / f"small-nn-xavier{suffix}", tmp_path / f"only{suffix}")
    record = json.loads(run_predict(str(images["canvas"]), "--json", models_dir=tmp_path).stdout)
    assert list(record["models"]) == ["only"]
    assert record["ensemble"]["probabilities"] == pytest.approx(record["models"]["only"]["probabilities"], abs=2e-6)
