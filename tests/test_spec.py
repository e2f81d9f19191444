"""ModelSpec: every lecture row is expressible, impossible values are refused with a helpful message."""

import pytest

from core.presets import PRESETS, get_preset
from core.spec import ModelSpec


def test_every_preset_is_valid_and_round_trips_through_json():
    for preset in PRESETS.values():
        spec = preset.spec.validate()
        assert ModelSpec.from_dict(spec.to_dict()) == spec


def test_the_lecture_presets_are_all_there_with_their_published_accuracy():
    expected = {
        "softmax-gd": 0.91, "softmax-lr-too-high": 0.098, "softmax": 0.9035, "nn": 0.9455, "nn-xavier": 0.9783,
        "nn-deep": 0.9742, "nn-dropout": 0.9804, "nn-dropout-256": 0.9746, "nn-batchnorm": 0.9737,
        "nn-bn-dropout": 0.9826, "keras-bn-dropout-earlystop": 0.9742, "keras-l2": 0.9577, "cnn": 0.9883,
        "cnn-lab": 0.9885, "cnn-deep": 0.9938, "ensemble": 0.9952,
    }
    for name, accuracy in expected.items():
        assert get_preset(name).published_accuracy == accuracy
    assert get_preset("softmax-lr-too-high").expect_divergence


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
