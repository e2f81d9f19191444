"""Inside a model, for one drawing: what it looks for (its weights) and what it sees (feature maps, saliency).

- softmax: the ten weight templates, one 28×28 image per digit — the lecture's "what the model looks for";
- MLP: the first layer's weights as 28×28 images (each hidden unit's pattern);
- CNN: the first convolution's filters, and every convolution's feature maps for the drawing;
- every model: a saliency map, |∂ p(answer) / ∂ pixel|: which pixels pushed the answer.

Works on the models the inference engine has already loaded; `Inspector` traces one TensorFlow
function per model (feature maps and saliency in one call) and keeps it, so opening the view
twice costs one trace. Nothing here runs unless the view is opened.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

IMAGE_SIZE = 28
MAX_UNITS_SHOWN = 16


@dataclasses.dataclass(frozen=True)
class FeatureMaps:
    """One convolution's outputs for a drawing: (height, width, channels) after its activation."""

    layer: str
    maps: np.ndarray


@dataclasses.dataclass(frozen=True)
class InsideView:
    """Everything the view shows for one model and one drawing (fields that do not apply are empty)."""

    answer: int
    saliency: np.ndarray  # (28, 28) in [0, 1]
    templates: np.ndarray  # softmax: (10, 28, 28); MLP: (units shown, 28, 28); CNN: (0, 28, 28)
    filters: np.ndarray  # CNN: the first convolution's (filters, k, k); else (0, 0, 0)
    feature_maps: list[FeatureMaps]


def _dense_layers(model: Any) -> list[Any]:
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def _conv_layers(model: Any) -> list[Any]:
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def weight_images(model: Any) -> np.ndarray:
    """The first dense layer's weights as 28×28 images when it reads the pixels directly (softmax, MLP)."""
    if _conv_layers(model) or not _dense_layers(model):
        return np.zeros((0, IMAGE_SIZE, IMAGE_SIZE), np.float32)
    kernel = np.asarray(_dense_layers(model)[0].kernel)  # (784, units)
    units = kernel.shape[1] if kernel.shape[1] == 10 else min(MAX_UNITS_SHOWN, kernel.shape[1])
    return kernel[:, :units].T.reshape(units, IMAGE_SIZE, IMAGE_SIZE)


def first_filters(model: Any) -> np.ndarray:
    """The first convolution's filters as (filters, k, k) images (empty for a model without one)."""
    convolutions = _conv_layers(model)
    if not convolutions:
        return np.zeros((0, 0, 0), np.float32)
    kernel = np.asarray(convolutions[0].kernel)  # (k, k, 1, filters)
    return np.transpose(kernel[:, :, 0, :], (2, 0, 1))


def _activation_outputs(model: Any) -> list[tuple[str, Any]]:
    """(name, output tensor) of each convolution's activation, in order."""
    import keras

    found, layers = [], model.layers
    for number, conv in enumerate(_conv_layers(model), start=1):
        after = layers[layers.index(conv) + 1:]
        activation = next((layer for layer in after
                           if isinstance(layer, (keras.layers.Activation, keras.layers.LeakyReLU))), None)
        found.append((f"conv {number}", (activation or conv).output))
    return found


class Inspector:
    """Feature maps and saliency of already-loaded models, one traced function per model, kept."""

    def __init__(self) -> None:
        self._functions: dict[int, tuple[Any, list[str]]] = {}

    def _function(self, model: Any) -> tuple[Any, list[str]]:
        import keras
        import tensorflow as tf

        if id(model) not in self._functions:
            outputs = _activation_outputs(model)
            inner = keras.Model(model.inputs, [model.outputs[0], *(tensor for _, tensor in outputs)])

            @tf.function(input_signature=[tf.TensorSpec((1, IMAGE_SIZE, IMAGE_SIZE, 1), tf.float32)],
                         jit_compile=False)
            def look(image):
                with tf.GradientTape() as tape:
                    tape.watch(image)
                    results = inner(image, training=False)
                    results = list(results) if isinstance(results, (list, tuple)) else [results]
                    best = tf.reduce_max(results[0][0])
                return results[0][0], tape.gradient(best, image)[0, :, :, 0], results[1:]

            self._functions[id(model)] = (look, [name for name, _ in outputs])
        return self._functions[id(model)]

    def view(self, model: Any, model_input: np.ndarray) -> InsideView:
        """Everything the view shows for this model and this (1, 28, 28, 1) or (28, 28) input."""
        look, names = self._function(model)
        image = np.asarray(model_input, np.float32).reshape(1, IMAGE_SIZE, IMAGE_SIZE, 1)
        probabilities, gradient, maps = look(image)
        saliency = np.abs(np.asarray(gradient))
        saliency = saliency / saliency.max() if saliency.max() > 0 else saliency
        feature_maps = [FeatureMaps(name, np.asarray(tensor)[0]) for name, tensor in zip(names, maps)]
        return InsideView(int(np.argmax(probabilities)), saliency, weight_images(model), first_filters(model),
                          feature_maps)
