"""Saved models: identical after reload, atomic, safe names, and a bad file never stops the others."""

import json
import zipfile

import numpy as np
import pytest

from core.models import store as model_store
from core.models.store import ModelLoadError, list_cards, load_model, sanitize_name


def test_save_then_load_gives_identical_predictions(small_models_dir, mnist):
    from core.training.batches import images_to_inputs

    model = load_model("small-nn-xavier", small_models_dir)
    again = load_model("small-nn-xavier", small_models_dir)
    inputs = images_to_inputs(mnist.test_images[:200])
    assert np.array_equal(np.asarray(model.predict_on_batch(inputs)), np.asarray(again.predict_on_batch(inputs)))


def test_the_card_records_what_the_issue_asks_for(small_models_dir):
    card = json.loads((small_models_dir / "small-softmax.json").read_text())
    for key in ("spec", "published_accuracy", "test_accuracy", "train_accuracy", "validation_accuracy", "parameters",
                "training_seconds", "epochs_run", "seed", "data_hash", "library_versions", "created"):
        assert card[key] is not None, key
    assert card["parameters"] == 7_850 and card["epochs_run"] == 1
    assert set(card["library_versions"]) >= {"tensorflow", "keras", "numpy", "python"}
    assert not list(small_models_dir.glob(".tmp-*")), "temporary files must be renamed away"


@pytest.mark.parametrize(
    "name, safe",
    [("../../etc/passwd", "etc-passwd"), ("My CNN #2", "my-cnn-2"), ("nn_xavier-v2", "nn_xavier-v2"), ("/abs/path.keras", "abs-path-keras")],
)
def test_names_are_sanitised_against_path_escapes(name, safe):
    assert sanitize_name(name) == safe


def test_a_name_with_nothing_usable_is_refused():
    with pytest.raises(ValueError, match="no usable characters"):
        sanitize_name("../..")


def test_a_corrupt_model_file_is_reported_and_the_others_still_load(models_copy):
    (models_copy / "small-softmax.keras").write_bytes(b"PK\x03\x04 this is not a keras archive")
    with pytest.raises(ModelLoadError, match="small-softmax.keras: cannot be loaded"):
        load_model("small-softmax", models_copy)
    assert load_model("small-nn-xavier", models_copy).output_shape == (None, 10)


def test_a_foreign_keras_file_is_refused(models_copy):
    import keras

    foreign = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
    foreign.save(models_copy / "foreign.keras")
    with pytest.raises(ModelLoadError, match="not an MNIST model"):
        load_model("foreign", models_copy)


def test_a_model_with_unsafe_code_is_refused_by_safe_mode(models_copy):
    import keras

    inputs = keras.Input((28, 28, 1))
    outputs = keras.layers.Lambda(lambda x: keras.ops.reshape(x, (-1, 784))[:, :10])(inputs)
    keras.Model(inputs, outputs).save(models_copy / "lambda.keras")
    with pytest.raises(ModelLoadError, match="lambda.keras: cannot be loaded"):
        load_model("lambda", models_copy)


def test_listing_skips_broken_cards_and_models_without_weights(models_copy):
    (models_copy / "broken.json").write_text("{not json")
    (models_copy / "orphan.json").write_text((models_copy / "small-softmax.json").read_text())
    with zipfile.ZipFile(models_copy / "unrelated.zip", "w"):
        pass
    cards, problems = list_cards(models_copy)
    assert [card.name for card in cards] == ["small-nn-xavier", "small-softmax"]
    assert any("broken.json" in problem for problem in problems)
    assert any("orphan.keras is missing" in problem for problem in problems)


def test_delete_removes_both_files(models_copy):
    model_store.delete_model("small-softmax", models_copy)
    assert not (models_copy / "small-softmax.keras").exists() and not (models_copy / "small-softmax.json").exists()


def test_saved_files_hold_weights_but_no_optimizer_state(small_models_dir):
    with zipfile.ZipFile(small_models_dir / "small-nn-xavier.keras") as archive:
        weights_size = archive.getinfo("model.weights.h5").file_size
    parameters = json.loads((small_models_dir / "small-nn-xavier.json").read_text())["parameters"]
    assert weights_size < parameters * 4 * 1.2, "Adam's moment estimates would triple the file"
