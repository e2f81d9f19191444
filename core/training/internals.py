"""Look inside a network while it trains: per layer, the gradient's size, the weights' and activations' statistics.

The lectures' *why*: N(0, 1) weights start at a cost of 141, deep sigmoid nets stop learning because
the gradient shrinks layer by layer toward the input (vanishing gradients), all-zero weights never
break the symmetry between units, dead ReLUs stop answering. `LayerProbe` measures these on a fixed
batch of training digits — a forward and a backward pass, no weight update — after every epoch and,
in the first epoch, at about twenty logged steps (`probe_schedule`), and reports them through the
trainer's `on_progress` as `{"kind": "layers", "step", "epoch", "member", "layers": [LayerStats as dicts, input side first]}`.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable

import numpy as np

PROBE_DIGITS = 256  # a fixed batch of training digits: big enough for stable statistics, cheap to run
FIRST_EPOCH_PROBES = 20  # probes spread over the first epoch (besides one after every epoch)


@dataclasses.dataclass(frozen=True)
class LayerStats:
    """One weight layer (dense or convolution) at one moment of training."""

    layer: str  # "dense 1", "conv 2", …, "output": input side first
    gradient_norm: float  # ‖∂cost/∂W‖₂ over the probe batch (mean cross-entropy)
    weight_mean: float
    weight_std: float
    activation_mean: float | None  # of the layer's output after its activation (None for the output layer)
    activation_std: float | None
    dead_fraction: float | None  # share of units that output 0 for every probe digit (ReLU family only)
    units_identical: bool  # every unit's incoming weights equal: the symmetry was never broken

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return dataclasses.asdict(self)


def weight_layers(model: Any) -> list[Any]:
    """The dense and convolution layers of a network, input side first (nested ensemble members flattened)."""
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.extend(weight_layers(layer))
        elif isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D)):
            found.append(layer)
    return found


def _activation_after(model: Any, layer: Any) -> Any | None:
    """The activation layer that follows `layer` (through batch norm), or None (the output's softmax)."""
    import keras

    layers = model.layers
    for follower in layers[layers.index(layer) + 1:]:
        if isinstance(follower, (keras.layers.Activation, keras.layers.LeakyReLU)):
            return follower
        if isinstance(follower, (keras.layers.Dense, keras.layers.Conv2D, keras.layers.Softmax)):
            return None
    return None


def _label(layer: Any, index: int, count: int) -> str:
    if index == count - 1:
        return "output"
    kind = "conv" if layer.__class__.__name__ == "Conv2D" else "dense"
    return f"{kind} {index + 1}"


class LayerProbe:
    """Measures a single (non-ensemble) functional network's layers on a fixed batch; `measure()` → [LayerStats].

    Every statistic is computed inside one compiled TensorFlow function, which returns a few scalars
    per layer instead of the activations themselves (25 MB for a CNN's first layer on 256 digits).
    What made the lecture CNNs' first epoch 40–70% slower than the next was the number of probes
    (one per logged step then), which `probe_schedule` now keeps to about twenty.
    """

    def __init__(self, model: Any, images: np.ndarray, labels: np.ndarray):
        import keras
        import tensorflow as tf

        self.layers = weight_layers(model)
        activations = [_activation_after(model, layer) for layer in self.layers]
        self.activation_kinds = [getattr(a, "activation", None).__name__ if hasattr(a, "activation") else
                                 ("leaky_relu" if a is not None else None) for a in activations]
        outputs = [a.output for a in activations if a is not None]
        self.inner = keras.Model(model.inputs, [model.outputs[0], *outputs])
        self.has_activation = [a is not None for a in activations]
        self.images = tf.constant(images[:PROBE_DIGITS], tf.float32)
        self.labels = tf.constant(labels[:PROBE_DIGITS], tf.int32)
        kernels = [layer.kernel for layer in self.layers]
        loss = keras.losses.SparseCategoricalCrossentropy()

        @tf.function(jit_compile=False, reduce_retracing=True)
        def probe():
            with tf.GradientTape() as tape:
                results = self.inner(self.images, training=False)
                if not isinstance(results, (list, tuple)):  # Keras unwraps a one-output model (softmax)
                    results = [results]
                cost = loss(self.labels, results[0])
            gradients = tape.gradient(cost, kernels)
            outputs = iter(results[1:])
            return [_layer_statistics(kernel, gradient, next(outputs) if has else None)
                    for kernel, gradient, has in zip(kernels, gradients, self.has_activation)]

        self._probe = probe

    def measure(self) -> list[LayerStats]:
        """The statistics of every weight layer now."""
        stats = []
        for index, (layer, values) in enumerate(zip(self.layers, self._probe())):
            values = {name: float(value) for name, value in values.items()}
            has_output = "activation_mean" in values
            dead = values["dead_fraction"] if has_output and self.activation_kinds[index] in DEAD_KINDS else None
            stats.append(LayerStats(
                layer=_label(layer, index, len(self.layers)), gradient_norm=values["gradient_norm"],
                weight_mean=values["weight_mean"], weight_std=values["weight_std"],
                activation_mean=values.get("activation_mean"), activation_std=values.get("activation_std"),
                dead_fraction=dead, units_identical=bool(values["units_identical"])))
        return stats


DEAD_KINDS = ("relu", "leaky_relu", "elu")  # activations whose units can die (output 0 for every digit)


def _layer_statistics(kernel: Any, gradient: Any, output: Any) -> dict[str, Any]:
    """One layer's statistics as TensorFlow scalars (inside the probe's compiled function)."""
    import tensorflow as tf

    kernel = tf.convert_to_tensor(kernel)
    units = tf.reshape(kernel, (-1, kernel.shape[-1]))  # one column of incoming weights per unit (or filter)
    first = units[:, :1]
    same = tf.reduce_all(tf.abs(units - first) <= 1e-7 + 1e-5 * tf.abs(first))  # numpy.allclose(atol=1e-7)
    values = {
        "gradient_norm": tf.norm(gradient) if gradient is not None else tf.constant(0.0),
        "weight_mean": tf.reduce_mean(kernel), "weight_std": tf.math.reduce_std(kernel),
        "units_identical": tf.logical_and(same, kernel.shape[-1] > 1),
    }
    if output is not None:
        # A unit (or filter) is dead when it outputs at most 0 for every digit, everywhere in the image.
        strongest = tf.reduce_max(output, axis=list(range(len(output.shape) - 1)))
        values.update(activation_mean=tf.reduce_mean(output), activation_std=tf.math.reduce_std(output),
                      dead_fraction=tf.reduce_mean(tf.cast(strongest <= 0, tf.float32)))
    return values


def probe_schedule(steps_per_epoch: int, log_every: int) -> Callable[[int], bool]:
    """When to probe, by global step: about FIRST_EPOCH_PROBES evenly spaced logged steps of the first epoch.

    Training changes fastest then. Each probe costs a forward and backward pass over PROBE_DIGITS
    digits (2.5 to 5 batches of the lecture presets): probing every logged step made the first
    epoch of the seed's CNN half again as long as the next ones, and the ETA with it.
    """
    every = max(1, math.ceil(steps_per_epoch / FIRST_EPOCH_PROBES / log_every)) * log_every
    return lambda step: step <= steps_per_epoch and step % every == 0
