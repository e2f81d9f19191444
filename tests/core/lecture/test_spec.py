"""ModelSpec: every lecture row is expressible, impossible values are refused with a helpful message."""

import pytest

from core.lecture.presets import get_preset
from core.lecture.spec import ModelSpec, SpecError


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"keep_prob": 0}, r"keep_prob must be in \(0, 1\].*0 would drop every unit"),
        ({"keep_prob": 1.5}, "keep_prob must be in"),
        ({"hidden_units": (256, 0)}, "hidden layer width must be a whole number from 1"),
        ({"learning_rate": -0.1}, "learning_rate must be a positive number"),
        ({"learning_rate": float("nan")}, "learning_rate must be a positive number"),
        ({"optimizer": "sgd2"}, "optimizer must be one of gradient_descent, momentum, adagrad, rmsprop, adam"),
        ({"activation": "swish"}, "activation must be one of relu, sigmoid, tanh, leaky_relu, elu"),
        ({"weight_init": "ones"}, "weight_init must be one of zeros, random_normal, truncated_normal, xavier, he"),
        ({"batch_size": 0}, "batch_size must be a whole number from 1"),
        ({"epochs": None, "steps": None}, "exactly one training length"),
        ({"epochs": 5, "steps": 100}, "exactly one training length"),
        ({"conv_filters": (32, 64, 128, 256)}, "at most 3 conv blocks"),
        ({"conv_kernel_size": 4}, r"conv_kernel_size must be one of \(3, 5, 7\)"),
        ({"l2": -1}, "l2 must be a number in"),
        ({"loss_reduction": "max"}, "loss_reduction must be one of mean, sum"),
        ({"weight_stddev": 0}, "weight_stddev"),
        ({"ensemble_members": 0}, "ensemble_members must be a whole number from 1"),
    ],
)
def test_impossible_values_raise_value_error_saying_what_is_allowed(changes, message):
    with pytest.raises(ValueError, match=message):
        ModelSpec(**changes).validate()


def test_unknown_settings_in_a_saved_spec_are_refused():
    with pytest.raises(ValueError, match="unknown spec settings: colour"):
        ModelSpec.from_dict({"colour": "blue"})


def test_kind_and_description_speak_the_lecture_language():
    assert get_preset("softmax").spec.kind == "softmax"
    assert get_preset("nn-dropout").spec.describe() == "MLP 784→512→512→512→512→10, relu, keep_prob 0.7"
    assert get_preset("cnn-lab").spec.kind == "cnn"
    assert get_preset("ensemble").spec.describe().startswith("ensemble of 2 × CNN conv3×3×32")


def test_the_tf1_draw_is_refused_where_the_lecture_files_never_used_it():
    ModelSpec(weight_init="random_normal", bias_init="random_normal", tf1_draw_seed=777).validate()
    for changes in ({"weight_init": "xavier"}, {"bias_init": "zeros"}, {"conv_filters": (32,)}, {"use_bias": False}):
        settings = {"weight_init": "random_normal", "bias_init": "random_normal", "tf1_draw_seed": 777, **changes}
        spec = ModelSpec(**settings)
        with pytest.raises(ValueError, match="tf1_draw_seed .* needs a dense net"):
            spec.validate()
    with pytest.raises(ValueError, match="tf1_draw_seed must be a whole number"):
        ModelSpec(weight_init="random_normal", bias_init="random_normal", tf1_draw_seed=-1).validate()


@pytest.mark.parametrize("changes, field", [
    ({"keep_prob": 0}, "keep_prob"), ({"learning_rate": -1.0}, "learning_rate"), ({"batch_size": 0}, "batch_size"),
    ({"hidden_units": (0,)}, "hidden_units"), ({"conv_filters": (8, 8, 8, 8)}, "conv_filters"),
    ({"epochs": None, "steps": None}, "epochs"), ({"optimizer": "sgd"}, "optimizer"), ({"l2": 2.0}, "l2"),
])
def test_an_impossible_value_names_its_field_not_just_its_wording(changes, field):
    with pytest.raises(SpecError) as caught:
        ModelSpec(**changes).validate()
    assert caught.value.field == field and isinstance(caught.value, ValueError)


def test_the_training_length_comes_from_the_spec():
    by_epochs = ModelSpec(batch_size=100, epochs=3)
    assert by_epochs.steps_per_epoch() == 550 and by_epochs.steps_per_epoch(5_050) == 51  # the last batch is short
    assert by_epochs.total_steps() == 1_650 and by_epochs.epochs_per_member() == 3
    by_steps = ModelSpec(batch_size=50, epochs=None, steps=5_000, ensemble_members=2)
    assert by_steps.steps_per_member() == 5_000 and by_steps.total_steps() == 10_000
    assert by_steps.epochs_per_member() == 5  # 1,100 steps per epoch of 55,000: the fifth is partial
    assert by_steps.epochs_of_data() == pytest.approx(10_000 / 1_100)


@pytest.mark.parametrize("changes, field", [
    ({"batch_norm_momentum": 1.0}, "batch_norm_momentum"), ({"label_smoothing": 1.0}, "label_smoothing"),
    ({"schedule": "cosine"}, "schedule"), ({"shift_pixels": 9}, "shift_pixels"),
])
def test_the_fast_cnn_settings_are_checked(changes, field):
    with pytest.raises(SpecError) as caught:
        ModelSpec(**changes).validate()
    assert caught.value.field == field


def test_the_fast_cnn_settings_are_described():
    spec = ModelSpec(conv_filters=(16,), shift_pixels=1, label_smoothing=0.1, schedule="one_cycle")
    assert spec.describe().endswith("shifts ±1 px, label smoothing 0.1, one-cycle learning rate")
