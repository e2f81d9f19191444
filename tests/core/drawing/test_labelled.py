"""core.drawing.labelled: the class's digits are kept, listed, deleted and exported, and survive a restart."""

import csv
import io
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from core.classroom.roles import Actor, PermissionDenied
from core.datasets.mnist import parse_idx
from core.drawing import labelled
from core.settings import REPO_ROOT

TEACHER = Actor("teacher", teacher=True)


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    return tmp_path / "runs"


def an_input(digit: int) -> np.ndarray:
    image = np.zeros((28, 28, 1), np.float32)
    image[4:24, 10 + digit % 3:14 + digit % 3] = 1.0
    return image


def test_a_labelled_drawing_is_kept_with_its_canvas_and_its_input():
    drawing_id = labelled.add_drawing(7, an_input(7), b"\x89PNG fake canvas", answered=1, visitor="tab-1")
    [drawing] = labelled.list_drawings()
    assert (drawing.id, drawing.label, drawing.answered, drawing.visitor) == (drawing_id, 7, 1, "tab-1")
    assert drawing.image.dtype == np.uint8 and drawing.image.max() == 255 and drawing.image.shape == (28, 28)
    assert labelled.canvas_png(drawing_id) == b"\x89PNG fake canvas"
    assert labelled.counts()[7] == 1 and labelled.counts()[3] == 0


def test_a_label_must_be_a_digit():
    with pytest.raises(ValueError, match="from 0 to 9"):
        labelled.add_drawing(12, an_input(1), b"png")


def test_one_in_five_is_held_out_and_never_in_the_training_part():
    for index in range(10):
        labelled.add_drawing(index % 10, an_input(index), b"png")
    train_images, train_labels = labelled.arrays("train")
    held_images, held_labels = labelled.arrays("held_out")
    held_ids = [drawing.id for drawing in labelled.list_drawings() if labelled.is_held_out(drawing.id)]
    assert len(held_labels) == len(held_ids) and len(train_labels) == 10 - len(held_ids)
    assert train_images.shape == (len(train_labels), 28, 28)
    assert sorted(held_labels.tolist()) == sorted(index % 10 for index in range(10) if index + 1 in held_ids)


def test_the_held_out_fifth_is_spread_over_every_digit_a_class_draws_in_turn():
    held = [drawing_id for drawing_id in range(1, 1001) if labelled.is_held_out(drawing_id)]
    assert 170 <= len(held) <= 230
    assert {(drawing_id - 1) % 10 for drawing_id in held} == set(range(10))


def test_deleting_a_bad_drawing_and_listing_by_digit():
    keep, bad = labelled.add_drawing(3, an_input(3), b"png"), labelled.add_drawing(3, an_input(3), b"png")
    assert labelled.delete_drawing(bad, TEACHER) and not labelled.delete_drawing(bad, TEACHER)
    assert [drawing.id for drawing in labelled.list_drawings(label=3)] == [keep]


def test_a_visitor_may_take_back_only_their_own_drawing():
    mine = labelled.add_drawing(4, an_input(4), b"png", visitor="tab-1")
    theirs = labelled.add_drawing(9, an_input(9), b"png", visitor="tab-2")
    with pytest.raises(PermissionDenied, match="Only the teacher"):
        labelled.delete_drawing(theirs, Actor("tab-1"))
    assert labelled.delete_drawing(mine, Actor("tab-1"))
    assert [drawing.id for drawing in labelled.list_drawings()] == [theirs]  # nothing else lost


def test_each_models_accuracy_on_the_class_drawings_all_and_held_out():
    probabilities = np.zeros((4, 2, 10), np.float32)
    probabilities[:, 0, 7] = 1.0  # model a always says 7
    probabilities[np.arange(4), 1, [7, 1, 7, 1]] = 1.0  # model b answers 7, 1, 7, 1
    table = labelled.class_accuracies(["a", "b"], probabilities, np.array([7, 1, 7, 7]),
                                      np.array([False, False, False, True]))
    assert table == [labelled.ClassAccuracy("a", 0.75, 1.0), labelled.ClassAccuracy("b", 0.75, 0.0)]
    assert labelled.class_accuracies(["a"], np.zeros((0, 1, 10)), np.zeros(0), np.zeros(0, bool)) == [
        labelled.ClassAccuracy("a", None, None)]


def test_exports_as_pngs_with_a_csv_and_as_idx():
    labelled.add_drawing(2, an_input(2), b"canvas-2")
    labelled.add_drawing(5, an_input(5), b"canvas-5")
    with zipfile.ZipFile(io.BytesIO(labelled.export_zip("png"))) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("labels.csv").decode())))
        assert [row["label"] for row in rows] == ["2", "5"]
        assert archive.read(rows[0]["canvas"]) == b"canvas-2" and archive.read(rows[1]["input"])[:4] == b"\x89PNG"
    with zipfile.ZipFile(io.BytesIO(labelled.export_zip("idx"))) as archive:
        images = parse_idx(archive.read("class-images-idx3-ubyte"))
        assert images.shape == (2, 28, 28) and parse_idx(archive.read("class-labels-idx1-ubyte")).tolist() == [2, 5]


def test_the_drawings_survive_a_restart(store):
    labelled.add_drawing(8, an_input(8), b"png")
    script = "from core.drawing import labelled; print(labelled.counts()[8])"
    completed = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True,
                               env={"MNIST_LAB_RUNS_DIR": str(store), "PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin"})
    assert completed.stdout.strip() == "1", completed.stderr
