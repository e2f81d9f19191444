"""core.training.finetune: a few hundred of the class's drawings teach a model their handwriting, held-out ones tell."""

import io

import numpy as np
import pytest
from PIL import Image

from core.drawing import labelled
from core.drawing.preprocess import prepare_drawing
from core.drawing.strokes import drawn_digits
from core.lecture.spec import ModelSpec
from core.training.finetune import CLASS_SHARE, MNIST_DIGITS, fine_tune, mixed_inputs


@pytest.fixture()
def class_drawings(tmp_path, monkeypatch):
    """400 stroke-drawn digits labelled as a class would, through the real store (a fifth held out)."""
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    for drawn in drawn_digits(400, seed=31):
        canvas = io.BytesIO()
        Image.fromarray(drawn.image).save(canvas, format="PNG")
        labelled.add_drawing(drawn.label, prepare_drawing(drawn.image).model_input(), canvas.getvalue())
    return labelled.arrays("train"), labelled.arrays("held_out")


def test_fine_tuning_raises_accuracy_on_the_classs_held_out_drawings(models_copy, mnist, class_drawings):
    from core.models.store import load_model

    train, held_out = class_drawings
    assert len(train[1]) + len(held_out[1]) == 400 and 60 <= len(held_out[1]) <= 100
    model = load_model("small-nn-xavier", models_copy)
    change = fine_tune(model, ModelSpec(hidden_units=(64,)), mnist, train, held_out, epochs=2)
    assert change.class_accuracy_after > change.class_accuracy_before + 0.05
    assert change.test_accuracy_after > change.test_accuracy_before - 0.02  # MNIST is not forgotten
    assert change.class_digits == len(train[1])


def test_an_epoch_mixes_a_slice_of_mnist_with_the_class_repeated_to_a_quarter(mnist):
    class_images, class_labels = np.zeros((100, 28, 28), np.uint8), np.full(100, 7, np.uint8)
    images, labels = mixed_inputs(mnist, class_images, class_labels, seed=0)
    from_class = int(np.sum(images.reshape(len(images), -1).max(axis=1) == 0))
    assert len(images) == len(labels) and from_class == 100 * round(CLASS_SHARE * MNIST_DIGITS / 0.75 / 100)
    assert abs(from_class / len(images) - CLASS_SHARE) < 0.02
