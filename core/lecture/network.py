"""`build_model(spec)`: the one constructor for every lecture model (Keras 3).

Every model takes (N, 28, 28, 1) float32 images in [0, 1] and returns (N, 10) softmax
probabilities, so inference treats all of them alike. TensorFlow is imported here, so import
this module lazily from the UI (entry points call `core.settings.quiet_tensorflow()` first).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from core.lecture.fused import FusedAdam, FusedBatchNormalization
from core.lecture.precision import FLOAT32, training_policy
from core.lecture.spec import IMAGE_SIZE, NUM_CLASSES, ModelSpec

INPUT_SHAPE = (IMAGE_SIZE, IMAGE_SIZE, 1)
ONE_CYCLE_WARMUP = 0.2  # the share of a one-cycle run spent warming the learning rate up


@keras.saving.register_keras_serializable(package="mnist_lab")
class SeedSummedCrossEntropy(keras.losses.Loss):
    """The seed's cost, -reduce_sum(y * log(softmax)), summed over the batch and unclipped.

    Unlike Keras' cross-entropy it does not clip log(0): when a probability reaches exactly 0
    the cost becomes NaN, which is what the lecture's "learning rate too high" run shows.
    """

    def __init__(self, name: str = "seed_summed_cross_entropy", **kwargs):
        kwargs.setdefault("reduction", "sum")
        super().__init__(name=name, **kwargs)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """Per-digit cost −log p(true digit); Keras sums it over the batch."""
        labels = keras.ops.reshape(keras.ops.cast(y_true, "int32"), (-1,))
        one_hot = keras.ops.one_hot(labels, NUM_CLASSES, dtype=y_pred.dtype)
        return -keras.ops.sum(one_hot * keras.ops.log(y_pred), axis=-1)


def _initializer(name: str, stddev: float):
    if name == "zeros":
        return keras.initializers.Zeros()
    if name == "random_normal":
        return keras.initializers.RandomNormal(stddev=stddev)
    if name == "truncated_normal":
        return keras.initializers.TruncatedNormal(stddev=stddev)
    if name == "xavier":  # TF1's xavier_initializer() is Glorot uniform
        return keras.initializers.GlorotUniform()
    if name == "he":
        return keras.initializers.HeNormal()
    raise ValueError(f"unknown initializer {name!r}")


def _bias_initializer(spec: ModelSpec):
    if spec.bias_init == "random_normal":
        return keras.initializers.RandomNormal(stddev=spec.bias_stddev)
    if spec.bias_init == "constant":
        return keras.initializers.Constant(spec.bias_value)
    return keras.initializers.Zeros()


# Under tf.set_random_seed(seed), TF1 gave each tf.random_normal the graph's op count so far as its op seed.
# Lab 10-1/10-2 create placeholders X and Y (2 ops); then, per layer, W's shape/mean/stddev constants (3):
# W's draw has op seed 5. W's draw, mul, add, Variable, Assign and read (6) and b's constants (3) put b at
# +9; b's 6 ops, MatMul, Add and Relu (3) and the next W's constants (3) put the next layer at +21.
TF1_FIRST_OP_SEED = 5
TF1_BIAS_OP_SEED_OFFSET = 9
TF1_LAYER_OP_SEED_OFFSET = 21


def tf1_random_normal(shape: tuple[int, ...], graph_seed: int, op_seed: int, stddev: float = 1.0) -> np.ndarray:
    """TF1's tf.random_normal(shape, stddev) under tf.set_random_seed(graph_seed), as op number op_seed drew it."""
    import tensorflow as tf

    with tf.Graph().as_default():  # a fresh graph: the kernel's Philox stream starts from (graph_seed, op_seed)
        draw = tf.raw_ops.RandomStandardNormal(shape=tf.constant(shape, tf.int32), dtype=tf.float32,
                                               seed=graph_seed, seed2=op_seed)
        with tf.compat.v1.Session() as session:
            values = session.run(draw)
    return (values * np.float32(stddev)).astype(np.float32)


def _apply_tf1_initial_draw(model: keras.Model, spec: ModelSpec) -> None:
    """Give each dense layer the W and b that lab 10-1/10-2 drew, in the files' order."""
    op_seed = TF1_FIRST_OP_SEED
    for layer in (layer for layer in model.layers if isinstance(layer, keras.layers.Dense)):
        kernel, bias = layer.kernel.shape, layer.bias.shape
        layer.set_weights([
            tf1_random_normal(tuple(kernel), spec.tf1_draw_seed, op_seed, spec.weight_stddev),
            tf1_random_normal(tuple(bias), spec.tf1_draw_seed, op_seed + TF1_BIAS_OP_SEED_OFFSET, spec.bias_stddev),
        ])
        op_seed += TF1_LAYER_OP_SEED_OFFSET


def _activation_layer(name: str, dtype: str) -> keras.layers.Layer:
    if name == "leaky_relu":
        return keras.layers.LeakyReLU(negative_slope=0.01, dtype=dtype)
    return keras.layers.Activation(name, dtype=dtype)


def _regularizer(spec: ModelSpec):
    return keras.regularizers.L2(spec.l2) if spec.l2 > 0 else None


def _normalise_and_activate(x, spec: ModelSpec, dtype: str):
    """Batch norm (TensorFlow's fused kernel: core.lecture.fused) before or after the activation, as the spec says."""
    if spec.batch_norm and spec.batch_norm_before_activation:
        x = FusedBatchNormalization(momentum=spec.batch_norm_momentum, dtype=dtype)(x)
    x = _activation_layer(spec.activation, dtype)(x)
    if spec.batch_norm and not spec.batch_norm_before_activation:
        x = FusedBatchNormalization(momentum=spec.batch_norm_momentum, dtype=dtype)(x)
    return x


def build_network(spec: ModelSpec, name: str = "model", dtype: str = FLOAT32) -> keras.Model:
    """The uncompiled network for one spec (a single member; ensembles are built by training).

    `dtype` is the layers' Keras dtype policy ("mixed_bfloat16": core.lecture.precision); the softmax is float32.
    """
    spec.validate()
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = inputs
    conv_init = spec.conv_weight_init or spec.weight_init
    conv_stddev = spec.conv_weight_stddev if spec.conv_weight_stddev is not None else spec.weight_stddev
    for block, filters in enumerate(spec.conv_filters, start=1):
        x = keras.layers.Conv2D(
            filters, spec.conv_kernel_size, padding="same", use_bias=spec.use_bias,
            kernel_initializer=_initializer(conv_init, conv_stddev), bias_initializer=_bias_initializer(spec),
            kernel_regularizer=_regularizer(spec), dtype=dtype,
        )(x)  # (N, H, W, filters)
        x = _normalise_and_activate(x, spec, dtype)
        if spec.pool_last_block or block < len(spec.conv_filters):
            x = keras.layers.MaxPooling2D(2, padding="same", dtype=dtype)(x)  # 28 → 14 → 7 → 4, as in lab 11
        if spec.conv_keep_prob < 1:
            x = keras.layers.Dropout(rate=1 - spec.conv_keep_prob, dtype=dtype)(x)  # keep_prob → Keras rate
    x = keras.layers.Flatten(dtype=dtype)(x)  # (N, 784) or (N, H·W·filters)
    for units in spec.hidden_units:
        x = keras.layers.Dense(
            units, use_bias=spec.use_bias, kernel_initializer=_initializer(spec.weight_init, spec.weight_stddev),
            bias_initializer=_bias_initializer(spec), kernel_regularizer=_regularizer(spec), dtype=dtype,
        )(x)
        x = _normalise_and_activate(x, spec, dtype)
        if spec.keep_prob < 1:
            x = keras.layers.Dropout(rate=1 - spec.keep_prob, dtype=dtype)(x)  # keep_prob → Keras rate
    x = keras.layers.Dense(
        NUM_CLASSES, use_bias=spec.use_bias, kernel_initializer=_initializer(spec.weight_init, spec.weight_stddev),
        bias_initializer=_bias_initializer(spec), name="logits", dtype=dtype,
    )(x)
    outputs = keras.layers.Softmax(name="probabilities", dtype=FLOAT32)(x)  # (N, 10), float32 for the cost
    model = keras.Model(inputs, outputs, name=name)
    if spec.tf1_draw_seed is not None:
        _apply_tf1_initial_draw(model, spec)
    return model


def make_optimizer(spec: ModelSpec, total_steps: int | None = None) -> keras.optimizers.Optimizer:
    """The lab-10 optimizer named in the spec, with its learning rate (or schedule, given the run's length)."""
    learning_rate = learning_rate_schedule(spec, total_steps or spec.steps_per_member())
    if spec.optimizer == "gradient_descent":
        return keras.optimizers.SGD(learning_rate=learning_rate)
    if spec.optimizer == "momentum":
        return keras.optimizers.SGD(learning_rate=learning_rate, momentum=spec.momentum)
    if spec.optimizer == "adagrad":
        return keras.optimizers.Adagrad(learning_rate=learning_rate)
    if spec.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=learning_rate)
    return FusedAdam(learning_rate=learning_rate)  # Keras' Adam, one kernel per variable (core.lecture.fused)


def learning_rate_schedule(spec: ModelSpec, total_steps: int) -> Any:
    """The spec's learning rate, or its one-cycle schedule over `total_steps` (warm-up from lr/10, cosine to 0)."""
    if spec.schedule != "one_cycle":
        return spec.learning_rate
    warmup = max(1, int(ONE_CYCLE_WARMUP * total_steps))
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=spec.learning_rate * 0.1, decay_steps=max(1, total_steps - warmup), alpha=0.0,
        warmup_target=spec.learning_rate, warmup_steps=warmup)


@keras.saving.register_keras_serializable(package="mnist_lab")
class SmoothedCrossEntropy(keras.losses.Loss):
    """Cross-entropy with integer labels and label smoothing (Keras' sparse loss has none): 1 − ε + ε/10 on the digit."""

    def __init__(self, smoothing: float = 0.1, name: str = "smoothed_cross_entropy", **kwargs: Any):
        super().__init__(name=name, **kwargs)
        self.smoothing = smoothing

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """Per-digit cost against the smoothed target."""
        labels = keras.ops.reshape(keras.ops.cast(y_true, "int32"), (-1,))
        target = keras.ops.one_hot(labels, NUM_CLASSES, dtype=y_pred.dtype) * (1 - self.smoothing)
        target = target + self.smoothing / NUM_CLASSES
        return -keras.ops.sum(target * keras.ops.log(keras.ops.clip(y_pred, 1e-7, 1.0)), axis=-1)

    def get_config(self) -> dict[str, Any]:
        """Keras' config plus the smoothing."""
        return {**super().get_config(), "smoothing": self.smoothing}


def make_loss(spec: ModelSpec) -> keras.losses.Loss:
    """Mean cross-entropy (label-smoothed if asked), or the seed's summed, unclipped cost."""
    if spec.loss_reduction == "sum":
        return SeedSummedCrossEntropy()
    if spec.label_smoothing:
        return SmoothedCrossEntropy(spec.label_smoothing)
    return keras.losses.SparseCategoricalCrossentropy()


def build_model(spec: ModelSpec, name: str = "model", steps_per_execution: int = 1,
                extra_metrics: tuple = (), total_steps: int | None = None) -> keras.Model:
    """Build and compile the model a spec describes (labels are integer digits 0–9); accuracy is always measured."""
    model = build_network(spec, name=name, dtype=training_policy(spec))
    # XLA (jit_compile) is 2–3× slower on this CPU (docs/SPEED.md): always off.
    model.compile(optimizer=make_optimizer(spec, total_steps), loss=make_loss(spec),
                  metrics=["accuracy", *extra_metrics],
                  jit_compile=False, steps_per_execution=steps_per_execution)
    return model


def as_float32(model: keras.Model, spec: ModelSpec) -> keras.Model:
    """`model` itself if it computes in float32, else the same network and weights in float32 (what is saved)."""
    if all(layer.dtype_policy.name == FLOAT32 for layer in model.layers):
        return model
    copy = build_network(spec, name=model.name)
    copy.set_weights(model.get_weights())
    return copy


def average_models(members: list[keras.Model], name: str = "ensemble") -> keras.Model:
    """One model whose output is the mean of the members' probabilities (lab-11-5)."""
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    outputs = keras.layers.Average(name="probabilities")([member(inputs) for member in members])
    return keras.Model(inputs, outputs, name=name)


def count_parameters(model: keras.Model) -> int:
    """Number of weights in the model (trainable and batch-norm statistics)."""
    return int(model.count_params())
