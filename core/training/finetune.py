"""Teach a saved model the class's own handwriting: continue training it on MNIST with the class's drawings mixed in.

A few hundred labelled drawings are too few to train on alone (the model would forget MNIST),
so each epoch is a slice of MNIST's training digits with the class's training drawings repeated
until they are about a quarter of it, at the spec's own learning rate (a tenth of it barely moved a
model in two epochs: held-out class accuracy 0.71 → 0.75, against 0.71 → 0.88 at the full rate). The class's
held-out drawings (core.drawing.labelled) measure the effect: accuracy on them before and after.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import numpy as np

from core.datasets.mnist import Mnist
from core.lecture.spec import ModelSpec
from core.training.batches import accuracy_of, images_to_inputs

CLASS_SHARE = 0.25  # of each fine-tuning epoch
MNIST_DIGITS = 12_000  # MNIST training digits per fine-tuning epoch: enough not to forget them


@dataclasses.dataclass(frozen=True)
class FineTuning:
    """What fine-tuning changed: accuracy on the class's held-out drawings and on MNIST test, before and after."""

    class_accuracy_before: float | None
    class_accuracy_after: float | None
    test_accuracy_before: float
    test_accuracy_after: float
    class_digits: int  # training drawings used
    seconds: float


def with_class_drawings(images: np.ndarray, labels: np.ndarray, class_images: np.ndarray,
                        class_labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`images` plus the class's drawings repeated until they are about CLASS_SHARE of the whole (unshuffled)."""
    if not len(class_labels):
        return images, labels
    repeats = max(1, round(CLASS_SHARE * len(images) / (1 - CLASS_SHARE) / len(class_images)))
    return (np.concatenate([images, np.repeat(class_images.astype(images.dtype), repeats, axis=0)]),
            np.concatenate([labels, np.repeat(class_labels.astype(labels.dtype), repeats)]))


def mixed_inputs(data: Mnist, class_images: np.ndarray, class_labels: np.ndarray,
                 seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One epoch's digits: a slice of MNIST's training digits and the class's drawings repeated to CLASS_SHARE."""
    (train_images, train_labels), _ = data.lecture_split()
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(train_images), size=min(MNIST_DIGITS, len(train_images)), replace=False)
    images, labels = with_class_drawings(train_images[chosen], train_labels[chosen], class_images, class_labels)
    order = rng.permutation(len(images))
    return images[order], labels[order].astype(np.int32)


def fine_tune(model: Any, spec: ModelSpec, data: Mnist, class_train: tuple[np.ndarray, np.ndarray],
              class_held_out: tuple[np.ndarray, np.ndarray], epochs: int = 2) -> FineTuning:
    """Continue training `model` (in place) on MNIST plus the class's training drawings; report the change."""
    import keras

    from core.lecture.network import make_loss

    started = time.perf_counter()
    held_images, held_labels = class_held_out

    def class_accuracy() -> float | None:
        return accuracy_of(model, held_images, held_labels) if len(held_labels) else None

    before = (class_accuracy(), accuracy_of(model, data.test_images, data.test_labels))
    optimizer = keras.optimizers.Adam(learning_rate=spec.learning_rate)
    model.compile(optimizer=optimizer, loss=make_loss(spec), metrics=["accuracy"], jit_compile=False)
    for epoch in range(epochs):
        images, labels = mixed_inputs(data, *class_train, seed=spec.seed + epoch)
        model.fit(images_to_inputs(images), labels, batch_size=spec.batch_size, epochs=1, verbose=0, shuffle=False)
    return FineTuning(before[0], class_accuracy(), before[1], accuracy_of(model, data.test_images, data.test_labels),
                      len(class_train[1]), time.perf_counter() - started)
