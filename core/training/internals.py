"""Look inside a network while it trains: per layer, the gradient's size, the weights' and activations' statistics.

The lectures' *why*: N(0, 1) weights start at a cost of 141, deep sigmoid nets stop learning because
the gradient shrinks layer by layer toward the input (vanishing gradients), all-zero weights never
break the symmetry between units, dead ReLUs stop answering. `LayerProbe` measures these on a fixed
batch of training digits — a forward and a backward pass, no weight update — after every epoch and,
in the first epoch, at every logged step, and reports them through the trainer's `on_progress` as
`{"kind": "layers", "step", "epoch", "member", "layers": [LayerStats as dicts, input side first]}`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np

PROBE_DIGITS = 256  # a fixed batch of training digits: big enough for stable statistics, cheap to run


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
    """Measures a single (non-ensemble) functional network's layers on a fixed batch; `measure()` → [LayerStats]."""

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
            return tape.gradient(cost, kernels), results[1:]

        self._probe = probe

    def measure(self) -> list[LayerStats]:
        """The statistics of every weight layer now."""
        gradients, activations = self._probe()
        activations = iter(activations)
        stats = []
        for index, layer in enumerate(self.layers):
            kernel = np.asarray(layer.kernel)
            gradient = np.asarray(gradients[index]) if gradients[index] is not None else np.zeros_like(kernel)
            output = np.asarray(next(activations)) if self.has_activation[index] else None
            stats.append(_stats(_label(layer, index, len(self.layers)), kernel, gradient, output,
                                self.activation_kinds[index]))
        return stats


def _stats(label: str, kernel: np.ndarray, gradient: np.ndarray, output: np.ndarray | None,
           activation: str | None) -> LayerStats:
    units = kernel.reshape(-1, kernel.shape[-1])  # one column of incoming weights per unit (or filter)
    identical = bool(units.shape[1] > 1 and np.allclose(units, units[:, :1], atol=1e-7))
    dead = None
    if output is not None and activation in ("relu", "leaky_relu", "elu"):
        per_unit = output.reshape(-1, output.shape[-1]) if output.ndim == 2 else \
            output.transpose(0, 3, 1, 2).reshape(output.shape[0], output.shape[-1], -1).max(axis=2)
        dead = float(np.mean(np.all(per_unit <= 0, axis=0)))
    return LayerStats(
        layer=label, gradient_norm=float(np.linalg.norm(gradient)), weight_mean=float(kernel.mean()),
        weight_std=float(kernel.std()), activation_mean=float(output.mean()) if output is not None else None,
        activation_std=float(output.std()) if output is not None else None, dead_fraction=dead,
        units_identical=identical)


def probe_schedule(steps_per_epoch: int, log_every: int) -> Callable[[int], bool]:
    """When to probe, by global step: every logged step of the first epoch (training is fastest to change then)."""
    return lambda step: step <= steps_per_epoch and step % log_every == 0
