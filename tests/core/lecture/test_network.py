"""build_model: parameter counts of the lecture architectures, initialisers, dropout semantics, the seed's cost."""

import numpy as np
import pytest

from core.lecture.network import SeedSummedCrossEntropy, build_model, build_network, tf1_random_normal
from core.lecture.presets import get_preset
from core.lecture.spec import ModelSpec


@pytest.mark.parametrize(
    "preset, parameters",
    [
        ("softmax", 784 * 10 + 10),
        ("nn", 269_322),  # 784→256→256→10
        ("nn-deep", 784 * 512 + 512 + 3 * (512 * 512 + 512) + 512 * 10 + 10),
        ("nn-dropout-256", 784 * 256 + 256 * 256 + 256 * 10),  # no bias
        ("cnn", 3_274_634),  # the TensorFlow tutorial's CNN
        ("cnn-lab", (9 * 32 + 32) + (9 * 32 * 64 + 64) + (7 * 7 * 64 * 10 + 10)),
        ("cnn-deep", 320 + 18_496 + (9 * 64 * 128 + 128) + (4 * 4 * 128 * 625 + 625) + 6_260),
    ],
)
def test_parameter_counts_of_the_lecture_architectures(preset, parameters):
    assert build_network(get_preset(preset).spec).count_params() == parameters


def test_every_model_maps_images_to_ten_probabilities():
    for preset in ("softmax", "nn-batchnorm", "cnn-lab"):
        model = build_model(get_preset(preset).spec)
        probabilities = np.asarray(model(np.random.rand(3, 28, 28, 1).astype("float32"), training=False))
        assert probabilities.shape == (3, 10)
        assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)


def test_lab_10_2_draws_weights_and_biases_from_a_standard_normal():
    weights = build_network(get_preset("nn").spec).get_weights()
    kernel, bias = weights[0], weights[1]
    assert abs(kernel.std() - 1.0) < 0.02 and abs(bias.std() - 1.0) < 0.2


def test_tf1_random_normal_repeats_the_lecture_draw_in_every_call():
    first = tf1_random_normal((784, 10), 777, 5)
    # The first values TF's Philox kernel gives for graph seed 777, op seed 5: if a TensorFlow upgrade
    # changed them, the softmax and nn presets would no longer start from the lecture's weights.
    assert np.allclose(first[0, :4], [0.80269563, 0.67861295, -1.2172831, -0.3051686])
    assert np.array_equal(first, tf1_random_normal((784, 10), 777, 5))  # no hidden state between calls
    assert not np.allclose(first, tf1_random_normal((784, 10), 777, 6))
    assert np.allclose(tf1_random_normal((10,), 777, 14, stddev=2.0), 2 * tf1_random_normal((10,), 777, 14))
    assert abs(first.mean()) < 0.05 and abs(first.std() - 1) < 0.05


def test_lab_10_presets_start_from_the_weights_the_tf1_files_drew():
    softmax = build_network(get_preset("softmax").spec).get_layer("logits").get_weights()
    assert np.array_equal(softmax[0], tf1_random_normal((784, 10), 777, 5))  # W: op seed 5
    assert np.array_equal(softmax[1], tf1_random_normal((10,), 777, 14))  # b: op seed 14
    weights = build_network(get_preset("nn").spec).get_weights()
    assert np.array_equal(weights[2], tf1_random_normal((256, 256), 777, 26))  # W2: one layer (21 ops) later
    assert np.array_equal(weights[5], tf1_random_normal((10,), 777, 56))  # b3
    other_order = build_network(get_preset("softmax").spec.replace(seed=1)).get_layer("logits").get_weights()
    assert np.array_equal(other_order[0], softmax[0])  # the shuffle seed does not move the lecture's draw
    other_draw = build_network(get_preset("softmax").spec.replace(tf1_draw_seed=778)).get_layer("logits").get_weights()
    assert not np.allclose(other_draw[0], softmax[0])


def test_the_seed_softmax_starts_at_zero():
    assert all(not np.any(w) for w in build_network(get_preset("softmax-gd").spec).get_weights())


def test_dropout_is_active_in_training_only():
    model = build_network(ModelSpec(hidden_units=(512,), keep_prob=0.5))
    images = np.random.rand(4, 28, 28, 1).astype("float32")
    assert np.allclose(model(images, training=False), model(images, training=False))
    assert not np.allclose(model(images, training=True), model(images, training=True))


def test_the_seed_cost_is_summed_over_the_batch_and_unclipped():
    probabilities = np.full((2, 10), 0.01, dtype="float32")
    probabilities[0, 0], probabilities[1, 1] = 0.91, 0.91
    cost = float(SeedSummedCrossEntropy()(np.array([0, 3]), probabilities))
    assert cost == pytest.approx(-np.log(0.91) - np.log(0.01), rel=1e-5)  # a sum, not a mean
    probabilities[0, 5] = 0.0  # any probability of exactly 0 gives 0 · log 0 = NaN, as in TF1
    assert np.isnan(float(SeedSummedCrossEntropy()(np.array([0, 3]), probabilities)))


def test_the_fast_cnn_settings_build_what_they_say():
    import keras

    from core.lecture.fused import FusedAdam, FusedBatchNormalization
    from core.lecture.network import SmoothedCrossEntropy, learning_rate_schedule, make_loss, make_optimizer

    spec = ModelSpec(conv_filters=(16, 32, 64), batch_norm=True, batch_norm_momentum=0.9, pool_last_block=False,
                     use_bias=False, schedule="one_cycle", learning_rate=0.01, label_smoothing=0.1, batch_size=128,
                     epochs=None, steps=625, shift_pixels=1)
    model = build_network(spec)
    norms = [layer for layer in model.layers if isinstance(layer, FusedBatchNormalization)]
    assert len(norms) == 3 and all(layer.momentum == 0.9 for layer in norms)
    pools = [layer for layer in model.layers if isinstance(layer, keras.layers.MaxPooling2D)]
    assert len(pools) == 2 and model.layers[-3].output.shape[1:] == (7 * 7 * 64,)  # no pool after the last block
    assert isinstance(make_optimizer(spec), FusedAdam)  # Adam, one fused kernel per variable
    schedule = learning_rate_schedule(spec, 625)
    rates = [float(keras.ops.convert_to_numpy(schedule(step))) for step in (0, 125, 624)]
    assert rates[0] == pytest.approx(0.001) and rates[1] == pytest.approx(0.01) and rates[2] < 1e-4  # one cycle
    loss = make_loss(spec)
    assert isinstance(loss, SmoothedCrossEntropy)
    perfect = keras.ops.convert_to_numpy(loss(np.array([3]), np.eye(10, dtype="float32")[[3]]))
    assert perfect > 0.1  # smoothing: even a certain right answer keeps a cost


def test_the_layer_table_follows_the_missing_last_pool():
    from core.lecture.architecture import layer_table, parameter_count

    spec = ModelSpec(conv_filters=(16, 32), batch_norm=True, pool_last_block=False, use_bias=False)
    rows = layer_table(spec)
    assert [row.layer for row in rows].count("MaxPooling2D 2×2") == 1
    assert rows[-3].output_shape == (14 * 14 * 32,)  # Flatten after the unpooled second block
    assert parameter_count(spec) == build_network(spec).count_params()
