"""Feeding the trainer and reading its models: inputs in [0, 1], reshuffled batches, batched predictions.

`shuffled_batches` is why the lab's training reshuffles every epoch (Keras 3's own shuffle
does not, once a seed is set); `predict_probabilities` avoids `model.predict`'s fixed cost
per call.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.lecture.spec import IMAGE_SIZE, NUM_CLASSES, ModelSpec

EVALUATION_BATCH_SIZE = 1000
STEPS_PER_EXECUTION = 10


def images_to_inputs(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) digits → float32 (N, 28, 28, 1) in [0, 1], as every model expects."""
    return (np.asarray(images, dtype=np.float32) / 255.0).reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 1)


def predict_probabilities(model: Any, inputs: np.ndarray, batch_size: int = EVALUATION_BATCH_SIZE) -> np.ndarray:
    """(N, 10) probabilities, batch by batch with predict_on_batch (no per-call `predict` overhead)."""
    chunks = [np.asarray(model.predict_on_batch(inputs[start:start + batch_size])) for start in range(0, len(inputs), batch_size)]
    return np.concatenate(chunks) if chunks else np.zeros((0, NUM_CLASSES), np.float32)


def accuracy_of(model: Any, images: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of digits whose arg-max prediction is the label (a NaN model predicts class 0)."""
    probabilities = predict_probabilities(model, images_to_inputs(images))
    return float(np.mean(np.argmax(np.nan_to_num(probabilities, nan=-1.0), axis=1) == labels))


def steps_per_execution_for(spec: ModelSpec, log_every: int) -> int:
    """Batches run per call into TensorFlow: fewer Python round trips, callbacks every N steps.

    It must divide the logging interval and, for step-limited runs, the step count, so the
    curves and the stop land exactly; a NaN cost is then caught within N steps.
    """
    for candidate in (STEPS_PER_EXECUTION, 5, 2):
        if log_every % candidate == 0 and (spec.steps is None or spec.steps % candidate == 0):
            return candidate
    return 1


def shuffled_batches(images: np.ndarray, labels: np.ndarray, batch_size: int, seed: int,
                     shift_pixels: int = 0) -> Any:  # tf.data.Dataset
    """Endless (inputs, labels) batches, the digits in a new order every epoch, as TF1's next_batch did.

    Not `fit(x, y, shuffle=True)`: once `keras.utils.set_random_seed` is set, Keras 3 replays the
    same permutation every epoch (its tf.random.shuffle runs in a re-created tf.data map), which
    cost the batch-norm preset about half a point. Epoch e uses the stateless permutation
    (seed, e): reproducible, and shuffled as one vector rather than element by element.
    `images` are uint8 (N, 28, 28) digits (or float inputs already in [0, 1]): uint8 stays uint8 in
    memory and each batch is scaled in the pipeline, exactly as images_to_inputs would (x / 255), so
    no 172 MB float copy is made before training. `shift_pixels` moves each digit by a random
    whole number of pixels, up to ± that many, in training (bilinear, zero fill).
    """
    import tensorflow as tf

    images, targets = tf.constant(images), tf.constant(labels)
    count = int(images.shape[0])
    full = count // batch_size * batch_size

    def epoch_batches(epoch):
        order = tf.random.experimental.stateless_shuffle(
            tf.range(count, dtype=tf.int64), seed=tf.stack([tf.constant(seed, tf.int64), epoch]))
        batches = tf.data.Dataset.from_tensor_slices(tf.reshape(order[:full], (-1, batch_size)))
        if full < count:  # the last, smaller batch of the epoch
            batches = batches.concatenate(tf.data.Dataset.from_tensors(order[full:]))
        return batches

    def fetch(number, indices):
        inputs = tf.gather(images, indices)
        if inputs.dtype == tf.uint8:
            inputs = tf.reshape(tf.cast(inputs, tf.float32) / 255.0, (-1, IMAGE_SIZE, IMAGE_SIZE, 1))
        if shift_pixels:
            inputs = _shifted(inputs, shift_pixels, tf.stack([tf.constant(seed + 1, tf.int64), number]))
        return inputs, tf.gather(targets, indices)

    return without_autotuning(
        tf.data.Dataset.counter().flat_map(epoch_batches).enumerate()
        .map(fetch, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )


def without_autotuning(dataset: Any) -> Any:
    """`dataset` with tf.data's autotuning off: its AUTOTUNE parallelism and prefetch take fixed defaults.

    With autotuning on, a run that a spare worker took sat idle after its last epoch, inside
    `fit`'s return, for 4 to 52 s (nn-bn-dropout 51.7 s, nn-xavier 17.7–19.9 s in every try; never
    without a spare, never with autotuning off): most likely the spare's warm-up iterators, freed
    there, waiting for their autotuning thread to wake from its sleep, which grows to a minute.
    Training is as fast or faster without it (interleaved: softmax 92k/77k against 83k/67k
    samples/s, nn-dropout 9.6k/9.1k against 5.8k/8.6k, cnn-fast 4.4k/4.3k against 4.4k/3.4k).
    """
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


def _shifted(inputs: Any, pixels: int, seed: Any) -> Any:
    """Each (N, 28, 28, 1) image moved by a random whole number of pixels in [-pixels, pixels], zero fill."""
    import tensorflow as tf

    moves = tf.cast(tf.random.stateless_uniform((tf.shape(inputs)[0], 2), seed=seed, minval=-pixels,
                                                maxval=pixels + 1, dtype=tf.int32), tf.float32)
    ones, zeros = tf.ones_like(moves[:, 0]), tf.zeros_like(moves[:, 0])
    transforms = tf.stack([ones, zeros, moves[:, 0], zeros, ones, moves[:, 1], zeros, zeros], axis=1)
    return tf.raw_ops.ImageProjectiveTransformV3(images=inputs, transforms=transforms, output_shape=[IMAGE_SIZE] * 2,
                                                 fill_value=0.0, interpolation="NEAREST", fill_mode="CONSTANT")
