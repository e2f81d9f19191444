"""core.training.internals: real short runs show the lectures' why — vanishing gradients, symmetry, dead units."""

import numpy as np
import pytest

from core.lecture.spec import ModelSpec
from core.training.internals import LayerProbe, probe_schedule, weight_layers
from core.training.trainer import train

DEEP = (64,) * 6


def layer_events(mnist, spec: ModelSpec, train_limit: int = 3_000) -> list[dict]:
    events = []
    train(spec, mnist, on_progress=events.append, train_limit=train_limit, probe_layers=True)
    return [event for event in events if event["kind"] == "layers"]


def test_a_deep_sigmoid_nets_gradient_vanishes_toward_the_input_and_a_relu_nets_does_not(mnist):
    sigmoid = layer_events(mnist, ModelSpec(hidden_units=DEEP, activation="sigmoid", epochs=1))[-1]["layers"]
    relu = layer_events(mnist, ModelSpec(hidden_units=DEEP, activation="relu", weight_init="he", epochs=1))[-1]["layers"]
    sigmoid_norms = [layer["gradient_norm"] for layer in sigmoid]
    relu_norms = [layer["gradient_norm"] for layer in relu]
    assert [layer["layer"] for layer in sigmoid] == [f"dense {i}" for i in range(1, 7)] + ["output"]
    assert sigmoid_norms[0] < sigmoid_norms[-1] / 100  # a hundredfold smaller at the input side
    assert all(a < b for a, b in zip(sigmoid_norms, sigmoid_norms[2:]))  # shrinking every two layers toward the input
    assert relu_norms[0] > relu_norms[-1] / 10  # ReLU with He's start keeps it


def test_all_zero_weights_never_break_the_symmetry_between_units(mnist):
    spec = ModelSpec(hidden_units=(32, 32), activation="sigmoid", weight_init="zeros", epochs=2)
    probes = layer_events(mnist, spec, train_limit=2_000)
    assert all(probe["layers"][0]["units_identical"] and probe["layers"][1]["units_identical"] for probe in probes)
    assert probes[-1]["layers"][0]["gradient_norm"] > 0  # they do learn — all of them the same thing


def test_probes_come_every_logged_step_of_the_first_epoch_and_after_every_epoch(mnist):
    probes = layer_events(mnist, ModelSpec(hidden_units=(32,), epochs=2), train_limit=2_000)  # 20 steps an epoch
    assert [(probe["step"], probe.get("epoch")) for probe in probes] == [(10, 1), (20, 1), (20, 1), (40, 2)]
    relu = probes[-1]["layers"][0]
    assert 0 <= relu["dead_fraction"] < 0.5 and relu["activation_mean"] > 0 and relu["weight_std"] > 0
    assert probes[-1]["layers"][-1]["activation_mean"] is None  # the output layer's softmax is not a hidden activation


def test_a_probe_measures_without_changing_the_weights(small_models_dir, mnist):
    from core.models.store import load_model
    from core.training.batches import images_to_inputs

    model = load_model("small-nn-xavier", small_models_dir)
    before = [np.array(w) for w in model.get_weights()]
    probe = LayerProbe(model, images_to_inputs(mnist.train_images[:300]), mnist.train_labels[:300].astype("int32"))
    stats = probe.measure()
    assert [s.layer for s in stats] == ["dense 1", "output"] and len(weight_layers(model)) == 2
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert stats[0].gradient_norm == pytest.approx(probe.measure()[0].gradient_norm)  # a fixed batch: repeatable


def test_the_schedule_covers_the_first_epochs_logged_steps():
    due = probe_schedule(steps_per_epoch=50, log_every=10)
    assert [step for step in range(1, 120) if due(step)] == [10, 20, 30, 40, 50]


def test_a_long_first_epoch_is_probed_about_twenty_times_evenly_on_logged_steps():
    due = probe_schedule(steps_per_epoch=1100, log_every=10)  # the seed's CNN: 1,100 batches of 50
    probed = [step for step in range(1, 3000) if due(step)]
    assert probed == list(range(60, 1101, 60)) and len(probed) == 18


def test_the_compiled_statistics_are_the_definitions_computed_in_numpy(mnist):
    import keras
    import tensorflow as tf

    from core.lecture.network import build_network
    from core.training.batches import images_to_inputs

    keras.utils.set_random_seed(3)
    model = build_network(ModelSpec(conv_filters=(4,), hidden_units=(8,), weight_init="he"))
    images, labels = images_to_inputs(mnist.train_images[:256]), mnist.train_labels[:256].astype("int32")
    stats = LayerProbe(model, images, labels).measure()
    layers = weight_layers(model)
    with tf.GradientTape() as tape:
        cost = keras.losses.SparseCategoricalCrossentropy()(labels, model(images, training=False))
    gradients = tape.gradient(cost, [layer.kernel for layer in layers])
    relu_outputs = keras.Model(model.inputs[0], [model.get_layer(index=2).output, model.get_layer(index=6).output])(images)
    assert [s.layer for s in stats] == ["conv 1", "dense 2", "output"]
    for stat, layer, gradient, output in zip(stats, layers, gradients, [*relu_outputs, None]):
        kernel = np.asarray(layer.kernel)
        assert stat.gradient_norm == pytest.approx(float(np.linalg.norm(gradient)), rel=1e-4)
        assert stat.weight_mean == pytest.approx(float(kernel.mean()), abs=1e-6)
        assert stat.weight_std == pytest.approx(float(kernel.std()), rel=1e-4)
        assert stat.units_identical is False
        if output is None:
            assert stat.activation_mean is None and stat.dead_fraction is None
            continue
        output = np.asarray(output)
        per_unit = output.reshape(-1, output.shape[-1]).max(axis=0)  # strongest answer of each unit, any digit, anywhere
        assert stat.activation_mean == pytest.approx(float(output.mean()), rel=1e-4)
        assert stat.activation_std == pytest.approx(float(output.std()), rel=1e-4)
        assert stat.dead_fraction == pytest.approx(float(np.mean(per_unit <= 0)))
