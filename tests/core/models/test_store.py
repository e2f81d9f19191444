"""Saved models: identical after reload, atomic, safe names, and a bad file never stops the others."""

import dataclasses
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
    [("../../etc/passwd", "etc-passwd"), ("My CNN #2", "my-cnn-2"), ("nn_xavier-v2", "nn_xavier-v2"), ("/abs/path.keras", "abs-path-keras"),
     ("내 모델", "내-모델"), ("../내/../모델.keras", "내-모델-keras"), ("ｆｕｌｌ ＣＮＮ", "full-cnn"), ("a\x00b\nc", "a-b-c")],
)
def test_names_are_sanitised_against_path_escapes(name, safe):
    assert sanitize_name(name) == safe


def test_a_korean_model_name_round_trips_through_save_and_load(tmp_path, small_models_dir):
    import shutil

    for suffix in (".keras", ".json"):
        shutil.copy(small_models_dir / f"small-softmax{suffix}", tmp_path / f"small-softmax{suffix}")
    model = load_model("small-softmax", tmp_path)
    card = model_store.read_card(tmp_path / "small-softmax.json")
    name = sanitize_name("내 모델")
    model_store.save_model(model, dataclasses.replace(card, name=name), tmp_path)
    assert (tmp_path / "내-모델.keras").is_file() and model_store.read_card(tmp_path / "내-모델.json").name == "내-모델"
    assert load_model(name, tmp_path).output_shape == (None, 10)
    assert name in [card.name for card in list_cards(tmp_path)[0]]


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


def test_a_shipped_model_is_never_replaced_without_force(models_copy):
    (models_copy / "SHIPPED").write_text("# lecture models\nsmall-softmax\n")
    assert model_store.shipped_names(models_copy) == {"small-softmax"}
    assert model_store.is_shipped("Small-Softmax", models_copy)
    before = (models_copy / "small-softmax.keras").read_bytes()
    model = load_model("small-nn-xavier", models_copy)
    card = model_store.read_card(models_copy / "small-nn-xavier.json")
    card.name = "small-softmax"
    with pytest.raises(model_store.ReadOnlyModel, match="small-softmax is a shipped lecture model"):
        model_store.save_model(model, card, models_copy)
    assert (models_copy / "small-softmax.keras").read_bytes() == before
    model_store.save_model(model, card, models_copy, force=True)  # make models: re-create it
    assert (models_copy / "small-softmax.keras").read_bytes() != before


@pytest.mark.parametrize("field, value, reason", [
    ("test_accuracy", "very high", "test_accuracy: must be a fraction from 0 to 1"),
    ("test_accuracy", 1.5, "test_accuracy: must be a fraction from 0 to 1"),
    ("parameters", 99, "parameters: says 99 but the spec has 7,850 parameters"),
    ("kind", "cnn", "kind: says 'cnn' but the spec builds a softmax"),
    ("spec", {"hidden_units": [0]}, "spec: hidden layer width must be a whole number"),
    ("spec", "big", "spec: must be the model's settings"),
    ("drawn_accuracy", -1, "drawn_accuracy: must be a fraction"),
    ("handwriting_accuracy", 97.5, "handwriting_accuracy: must be a fraction"),
])
def test_a_wrong_card_is_skipped_with_a_note_and_the_others_are_listed(models_copy, field, value, reason):
    values = json.loads((models_copy / "small-softmax.json").read_text())
    values[field] = value
    (models_copy / "small-softmax.json").write_text(json.dumps(values))
    cards, problems = list_cards(models_copy)
    assert [card.name for card in cards] == ["small-nn-xavier"]
    [problem] = problems
    assert problem.startswith("small-softmax.json: a wrong model card") and reason in problem, problem


def test_weights_that_are_not_the_model_their_card_describes_are_refused(models_copy):
    from core.lecture.presets import get_preset
    from core.models.card import make_card
    from core.training.summary import TrainingSummary

    spec = get_preset("cnn-lab").spec
    summary = TrainingSummary(test_accuracy=0.9938, train_accuracy=None, validation_accuracy=None,
                              diverged_at_step=None, epochs_run=15, steps_run=8250, seconds=1.0,
                              samples_per_second=1.0, parameters=50_186, member_test_accuracies=[])
    card = make_card("impostor", spec, summary, get_preset("cnn-lab"))
    (models_copy / "impostor.json").write_text(json.dumps(card.__dict__))
    (models_copy / "impostor.keras").write_bytes((models_copy / "small-softmax.keras").read_bytes())
    assert "impostor" in [card.name for card in list_cards(models_copy)[0]]  # the card alone is fine…
    with pytest.raises(ModelLoadError, match=r"impostor.keras: its weights \(7,850 parameters\) are not the model"):
        load_model("impostor", models_copy)  # …the weights under it are not


def test_temporary_files_of_dead_writers_are_removed_and_a_live_writers_kept(models_copy):
    import os
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    (models_copy / f".tmp-{dead_pid}-victim.keras").write_bytes(b"x" * 1000)
    (models_copy / f".tmp-{os.getpid()}-mine.keras").write_bytes(b"being written")
    assert model_store.remove_stale_temporary_files(models_copy) == [f".tmp-{dead_pid}-victim.keras"]
    assert (models_copy / f".tmp-{os.getpid()}-mine.keras").exists()
    assert model_store.remove_stale_temporary_files(models_copy, pid=os.getpid()) == [f".tmp-{os.getpid()}-mine.keras"]
    assert [card.name for card in list_cards(models_copy)[0]] == ["small-nn-xavier", "small-softmax"]


def test_disk_use_counts_models_and_bytes(models_copy):
    count, size = model_store.disk_use(models_copy)
    assert count == 2 and size == sum(path.stat().st_size for path in models_copy.iterdir())
    assert model_store.model_names(models_copy) == {"small-softmax", "small-nn-xavier"}


def test_update_card_sets_a_benchmarks_figure_and_refuses_a_wrong_one(models_copy):
    from core.models.card import CardError

    path = models_copy / "small-softmax.json"
    model_store.update_card(path, {"handwriting_accuracy": 0.8123, "drawn_accuracy": 0.9})
    card = model_store.read_card(path)
    assert card.handwriting_accuracy == 0.8123 and card.drawn_accuracy == 0.9 and card.name == "small-softmax"
    before = path.read_text()
    with pytest.raises(CardError, match="handwriting_accuracy: must be a fraction"):
        model_store.update_card(path, {"handwriting_accuracy": 81.23})
    with pytest.raises(ValueError, match="no field handwritng_accuracy"):
        model_store.update_card(path, {"handwritng_accuracy": 0.8})
    assert path.read_text() == before
