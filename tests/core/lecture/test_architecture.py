"""The architecture table matches what Keras builds, and the time estimate is in the right range for this machine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.lecture import architecture
from core.lecture.presets import PRESETS, get_preset
from core.lecture.spec import ModelSpec

VARIANTS = [
    ModelSpec(hidden_units=(100, 30), use_bias=False, activation="leaky_relu"),
    ModelSpec(hidden_units=(64, 64), batch_norm=True, batch_norm_before_activation=False, keep_prob=0.5),
    ModelSpec(conv_filters=(8,), conv_kernel_size=7, use_bias=False),
    ModelSpec(conv_filters=(16, 16, 16), conv_kernel_size=5, batch_norm=True, conv_keep_prob=0.9, hidden_units=(20,)),
]
SPECS = [preset.spec.replace(ensemble_members=1) for preset in PRESETS.values()] + VARIANTS


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.describe())
def test_layers_shapes_and_parameter_count_equal_keras(spec):
    from core.lecture.network import build_network

    model = build_network(spec)
    table = architecture.layer_table(spec)
    assert [row.output_shape for row in table] == [tuple(layer.output.shape[1:]) for layer in model.layers]
    assert [row.parameters for row in table] == [layer.count_params() for layer in model.layers]
    assert architecture.parameter_count(spec) == model.count_params()


def test_an_ensemble_counts_every_member():
    ensemble = get_preset("ensemble").spec
    assert architecture.parameter_count(ensemble) == 2 * architecture.parameter_count(ensemble.replace(ensemble_members=1))


def test_the_lecture_shapes_read_as_in_class():
    rows = architecture.layer_table(get_preset("cnn-lab").spec)
    assert [(row.layer, row.output_shape) for row in rows if row.layer.startswith(("Conv", "MaxPool", "Flatten"))] == [
        ("Conv2D 3×3 (1)", (28, 28, 32)), ("MaxPooling2D 2×2", (14, 14, 32)),
        ("Conv2D 3×3 (2)", (14, 14, 64)), ("MaxPooling2D 2×2", (7, 7, 64)), ("Flatten", (3136,)),
    ]


@pytest.mark.parametrize("preset_name, spec_changes, low, high", [
    # bench.estimates on this 2-core machine (each preset's second epoch): the estimate lands near them.
    ("softmax", {}, 100_000, 260_000),  # measured ≈ 177k samples/s (0.32 s per epoch with validation)
    ("nn-dropout", {}, 8_000, 16_000),  # ≈ 12k samples/s
    ("cnn", {"batch_size": 100, "mixed_precision": False}, 1_000, 2_300),  # ≈ 1.5k samples/s (batch 100, float32)
    ("cnn-deep", {"mixed_precision": False}, 1_700, 3_500),  # ≈ 2.5k samples/s (float32)
])
def test_the_estimate_matches_the_measured_baselines(preset_name, spec_changes, low, high):
    spec = get_preset(preset_name).spec.replace(**spec_changes)
    estimate = architecture.estimate_epoch_seconds(spec)
    assert low <= estimate.samples_per_second <= high
    assert estimate.seconds_per_epoch == pytest.approx(55_000 / estimate.samples_per_second, rel=0.1)


def test_bigger_models_and_smaller_batches_take_longer():
    def seconds(spec):
        return architecture.estimate_epoch_seconds(spec).seconds_per_epoch

    assert seconds(ModelSpec()) < seconds(ModelSpec(hidden_units=(256,))) < seconds(ModelSpec(hidden_units=(1024,) * 3))
    assert seconds(ModelSpec(batch_size=256)) < seconds(ModelSpec(batch_size=32))
    assert seconds(ModelSpec(hidden_units=(256,))) < seconds(ModelSpec(conv_filters=(32, 64)))


def test_every_layer_costs_a_little_per_step_whatever_its_size():
    deep_narrow, shallow_wide = ModelSpec(hidden_units=(128,) * 8), ModelSpec(hidden_units=(256, 256))
    # dense → ReLU eight times, then the logits and the softmax; L2 adds a penalty per weighted layer
    assert architecture.layer_operations(deep_narrow) == 2 * 8 + 2
    assert architecture.layer_operations(shallow_wide.replace(l2=0.01)) == 2 * 2 + 2 + 3
    dense_deep, dense_wide = architecture.cost_terms(deep_narrow)[0], architecture.cost_terms(shallow_wide)[0]
    assert dense_deep < dense_wide  # fewer multiply-adds…
    # …yet measured here the 8×128 nets (nn-he, nn-sigmoid-deep: 2.0 s an epoch) are slower than 2×256 (nn: 1.6–1.9 s)
    assert architecture.estimate_epoch_seconds(deep_narrow).seconds_per_epoch > \
        architecture.estimate_epoch_seconds(shallow_wide).seconds_per_epoch


def test_finished_runs_calibrate_the_estimate():
    spec = get_preset("nn-xavier").spec
    formula = architecture.estimate_epoch_seconds(spec)
    same_model = architecture.estimate_epoch_seconds(spec, measured=[(spec.replace(epochs=3, learning_rate=0.01), 5_000.0)])
    assert same_model.samples_per_second == 5_000.0 and "measured" in same_model.basis
    other = get_preset("softmax").spec
    half_speed = architecture.formula_samples_per_second(other) / 2
    scaled = architecture.estimate_epoch_seconds(spec, measured=[(other, half_speed)])
    assert scaled.samples_per_second == pytest.approx(formula.samples_per_second / 2)
    assert "calibrated by 1" in scaled.basis


def test_whole_run_time_counts_epochs_steps_and_members():
    spec = ModelSpec(epochs=3)
    estimate = architecture.estimate_epoch_seconds(spec)
    assert architecture.training_seconds(spec, estimate) == pytest.approx(3 * estimate.seconds_per_epoch)
    by_steps = ModelSpec(epochs=None, steps=1_100)  # 1,100 batches of 100 = 2 epochs of 55,000
    assert architecture.training_seconds(by_steps, estimate) == pytest.approx(2 * estimate.seconds_per_epoch)
    assert architecture.training_seconds(spec.replace(ensemble_members=2), estimate) == pytest.approx(
        6 * estimate.seconds_per_epoch)


def test_the_table_needs_no_tensorflow():
    code = "import sys, core.lecture.architecture as a, core.lecture.presets as p; a.layer_table(p.get_preset('cnn').spec); " \
           "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False False"


def test_bfloat16_speeds_the_estimate_only_where_the_cpu_has_it(monkeypatch):
    from core.lecture import precision

    spec = get_preset("cnn-deep").spec
    float32 = architecture.estimate_epoch_seconds(spec.replace(mixed_precision=False)).seconds_per_epoch
    monkeypatch.setattr(precision, "cpu_has_bfloat16", lambda: True)  # the hardware, not the project
    assert architecture.estimate_epoch_seconds(spec).seconds_per_epoch < 0.9 * float32
    monkeypatch.setenv("MNIST_LAB_MIXED_PRECISION", "off")
    assert architecture.estimate_epoch_seconds(spec).seconds_per_epoch == pytest.approx(float32)
    monkeypatch.delenv("MNIST_LAB_MIXED_PRECISION")
    monkeypatch.setattr(precision, "cpu_has_bfloat16", lambda: False)
    assert architecture.estimate_epoch_seconds(spec).seconds_per_epoch == pytest.approx(float32)
