"""The same Keras parts, computed by TensorFlow's fused kernels: batch norm and Adam, several times fewer passes.

Keras 3 builds batch normalisation from about twenty elementwise operations (moments, scaling,
and their gradients) and Adam's update from about twelve per variable; on this 2-core CPU each
operation is a pass over memory. In a small CNN batch norm cost more than the convolutions, and
for the seed CNN (a 3.2 M-weight dense layer) Adam's passes were a third of the step. These
subclasses call TensorFlow's fused kernels (FusedBatchNormV3, ResourceApplyAdam) for the same
mathematics — they differ from Keras by float rounding only (1e-6 on batch norm's outputs and
statistics, 7e-9 on Adam's weights after a step) — and save and load as themselves (batch norm)
or as a plain Adam (the optimizer is never saved with a model here).
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="mnist_lab")
class FusedBatchNormalization(keras.layers.BatchNormalization):
    """Batch normalisation whose training step is TensorFlow's fused kernel; inference is Keras' own."""

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        """Normalise with the batch's statistics (training) or the moving ones (inference)."""
        rank = len(inputs.shape)
        if not (training and self.trainable) or mask is not None or rank not in (2, 4) or self.axis not in (-1, rank - 1):
            return super().call(inputs, training=training, mask=mask)
        channels = inputs.shape[-1]
        x = tf.reshape(inputs, (-1, 1, 1, channels)) if rank == 2 else inputs  # the kernel wants NHWC
        if x.dtype not in (tf.bfloat16, tf.float16):  # the kernel takes half-precision inputs with float32 statistics
            x = tf.cast(x, tf.float32)
        scale = tf.cast(self.gamma, tf.float32) if self.scale else tf.ones((channels,), tf.float32)
        offset = tf.cast(self.beta, tf.float32) if self.center else tf.zeros((channels,), tf.float32)
        y, mean, unbiased_variance, _, _, _ = tf.raw_ops.FusedBatchNormV3(
            x=x, scale=scale, offset=offset, mean=tf.constant([], tf.float32), variance=tf.constant([], tf.float32),
            epsilon=self.epsilon, data_format="NHWC", is_training=True)
        count = tf.cast(tf.size(x) // channels, tf.float32)
        variance = unbiased_variance * ((count - 1.0) / count)  # Keras keeps the biased batch variance
        momentum = self.momentum
        self.moving_mean.assign(self.moving_mean * momentum + tf.stop_gradient(mean) * (1.0 - momentum))
        self.moving_variance.assign(self.moving_variance * momentum + tf.stop_gradient(variance) * (1.0 - momentum))
        y = tf.reshape(y, (-1, channels)) if rank == 2 else y
        return tf.cast(y, self.compute_dtype)


class FusedAdam(keras.optimizers.Adam):
    """Adam whose per-variable update is one ResourceApplyAdam kernel (the same three updates, one pass)."""

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        """m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= α·m / (√v + ε), α = lr·√(1 − β2ᵗ)/(1 − β1ᵗ)."""
        if self.amsgrad or isinstance(gradient, tf.IndexedSlices) or variable.dtype != "float32":
            return super().update_step(gradient, variable, learning_rate)
        dtype = variable.dtype
        step = tf.cast(self.iterations + 1, dtype)
        beta_1, beta_2 = tf.cast(self.beta_1, dtype), tf.cast(self.beta_2, dtype)
        index = self._get_variable_index(variable)
        tf.raw_ops.ResourceApplyAdam(
            var=_handle(variable), m=_handle(self._momentums[index]), v=_handle(self._velocities[index]),
            beta1_power=tf.pow(beta_1, step), beta2_power=tf.pow(beta_2, step), lr=tf.cast(learning_rate, dtype),
            beta1=beta_1, beta2=beta_2, epsilon=tf.cast(self.epsilon, dtype), grad=tf.cast(gradient, dtype),
            use_locking=False)
        return None


def _handle(variable: Any) -> Any:
    value = variable.value if isinstance(variable, keras.Variable) else variable
    return value.handle
