"""core.lecture.fused: TensorFlow's fused batch norm and Adam compute what Keras' own do, to float rounding."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from core.lecture.fused import FusedAdam, FusedBatchNormalization


@pytest.mark.parametrize("shape", [(32, 6, 6, 5), (32, 7)])
def test_fused_batch_norm_matches_keras_in_training_and_inference(shape):
    data = tf.constant(np.random.default_rng(0).normal(2.0, 3.0, size=shape).astype(np.float32))
    ours, keras_own = FusedBatchNormalization(momentum=0.9), keras.layers.BatchNormalization(momentum=0.9)
    for layer in (ours, keras_own):
        layer.build(shape)
        layer.gamma.assign(np.linspace(0.5, 1.5, shape[-1]).astype(np.float32))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(data)
        outputs = [layer(data, training=True) for layer in (ours, keras_own)]
        losses = [tf.reduce_sum(output * tf.range(tf.size(output[0]), dtype=tf.float32)[:shape[-1]]) for output in outputs]
    np.testing.assert_allclose(outputs[0], outputs[1], atol=1e-5)
    np.testing.assert_allclose(tape.gradient(losses[0], data), tape.gradient(losses[1], data), atol=1e-4)
    np.testing.assert_allclose(ours.moving_mean, keras_own.moving_mean, atol=1e-6)
    np.testing.assert_allclose(ours.moving_variance, keras_own.moving_variance, atol=1e-5)
    np.testing.assert_allclose(ours(data, training=False), keras_own(data, training=False), atol=1e-5)


def test_a_model_with_fused_batch_norm_saves_and_loads(tmp_path):
    inputs = keras.Input((4,))
    model = keras.Model(inputs, FusedBatchNormalization(momentum=0.9)(inputs))
    model.save(tmp_path / "m.keras")
    again = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    assert isinstance(again.layers[-1], FusedBatchNormalization) and again.layers[-1].momentum == 0.9


def test_fused_adam_takes_the_same_steps_as_keras_adam():
    start = np.random.default_rng(1).normal(size=(50, 20)).astype(np.float32)
    ours, keras_own = keras.Variable(start), keras.Variable(start)
    fused, reference = FusedAdam(learning_rate=0.01), keras.optimizers.Adam(learning_rate=0.01)
    for step in range(5):
        gradient = tf.constant(np.random.default_rng(step).normal(size=(50, 20)).astype(np.float32))
        fused.apply_gradients([(gradient, ours)])
        reference.apply_gradients([(gradient, keras_own)])
    np.testing.assert_allclose(ours.numpy(), keras_own.numpy(), atol=1e-6)
    assert not np.allclose(ours.numpy(), start)
