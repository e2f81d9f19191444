"""bench.handwriting as a command: a small UNIPEN file written here, every saved model measured, the cards updated."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from core.drawing.strokes import digit_strokes, styles_of
from core.models.store import read_card
from core.settings import REPO_ROOT

WRITERS = (3, 7, 11, 12)


def unipen_text(count: int = 40) -> str:
    """`count` stroke-drawn digits written as a tablet would record them (y up), by four writers in turn."""
    lines = [".INCLUDE dene.doc", '.LEXICON "0" "1" "2" "3" "4" "5" "6" "7" "8" "9"', ".HIERARCHY DIGIT", ""]
    for index in range(count):
        digit, writer = index % 10, WRITERS[index % len(WRITERS)]
        rng = np.random.default_rng([9, index])
        strokes = digit_strokes(digit, styles_of(digit)[index % 2], rng, stroke_width=16.0, jitter=0.5)
        lines += [f'.SEGMENT DIGIT {index} ? "{digit}"', f".COMMENT {digit} {writer} {index + 1}"]
        for stroke in strokes:  # canvas pixels (y down) → tablet units (y up)
            lines.append(".PEN_DOWN")
            lines += [f" {round(x * 1.5):4d} {round(500 - y * 1.5):4d}" for x, y in stroke[::2]]
            lines += [".PEN_UP", ".DT 100"]
        lines.append("")
    return "\n".join(lines)


def run_bench(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "bench/handwriting.py", *arguments], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture()
def pen_file(tmp_path):
    path = tmp_path / "pendigits-sample"
    path.write_text(unipen_text())
    return path


def test_every_model_and_the_headline_answer_are_measured_and_the_cards_updated(pen_file, models_copy):
    done = run_bench(str(pen_file), "--models-dir", str(models_copy), "--json", "--update-cards")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["digits"] == 40 and report["writers"] == 4 and report["seed"] == 1
    assert sorted(report["half_a"] + report["half_b"]) == list(WRITERS) and len(report["half_a"]) == 2
    rows = {row["model"]: row for row in report["rows"]}
    assert list(rows) == ["small-nn-xavier", "small-softmax", "headline answer"]
    for name, row in rows.items():
        assert 0 <= row["A"] <= 1 and 0 <= row["B"] <= 1 and len(row["per_digit"]) == 10
        assert row["all"] == pytest.approx((row["A"] + row["B"]) / 2)  # each half holds 20 of the 40 digits
        assert row["min_digit"] == min(row["per_digit"])
        wrong = round((1 - row["all"]) * 40)
        assert sum(count for _, _, count in row["confusions"]) == wrong or len(row["confusions"]) == 8
    assert rows["small-nn-xavier"]["all"] >= 0.5  # drawn the right way up, the small MLP reads most of them
    for name in ("small-nn-xavier", "small-softmax"):
        assert read_card(models_copy / f"{name}.json").handwriting_accuracy == round(rows[name]["all"], 4)
    assert "updated 2 cards" in done.stderr


def test_the_text_report_and_a_broken_file(pen_file, models_copy, tmp_path):
    done = run_bench(str(pen_file), "--models-dir", str(models_copy), "--seed", "4")
    assert done.returncode == 0, done.stderr
    assert "40 pen-drawn digits by 4 writers, rendering seed 4" in done.stdout
    assert "headline answer" in done.stdout and "most frequent confusions" in done.stdout
    assert read_card(models_copy / "small-softmax.json").handwriting_accuracy is None  # no --update-cards
    broken = tmp_path / "broken"
    broken.write_text(pen_file.read_text().replace(".PEN_UP", ".PEN_LIFT", 1))
    done = run_bench(str(broken), "--models-dir", str(models_copy))
    assert done.returncode == 2 and "error: line" in done.stderr and "unknown keyword .PEN_LIFT" in done.stderr
