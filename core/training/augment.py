"""Training augmentation for drawn digits: MNIST images made to look like what visitors draw.

Visitors' digits differ from MNIST's in slant, rotation, aspect, position and — most of all —
stroke width (a 20 px brush on a small digit is fat; a large digit is thin). Every batch is
augmented on the fly, in TensorFlow, as a whole batch at once (fast: a few ms per batch):

1. stroke width: each digit is thinned (2×2 grey erosion), left alone, or thickened (2×2 or 3×3
   grey dilation), at random;
2. geometry: a random rotation, shear (slant), aspect change, scale and shift (one bilinear
   projective transform per digit);
3. MNIST re-normalisation: the transformed digit is cropped to its ink, its long side scaled
   back to 20 px and its centre of mass moved to (14, 14) — exactly what `core.drawing.preprocess` does
   to a drawing, so training digits look like preprocessed drawings.

Only MNIST training images are used: the stroke-drawn set (`core.drawing.strokes`) stays held out.
Deterministic by seed (stateless random ops keyed by seed and batch number).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from core.training.batches import without_autotuning

IMAGE_SIZE = 28
FIT_SIZE = 20
CENTRE = 14.0  # MNIST's centre of mass (row and column), as in core.drawing.preprocess
INK_THRESHOLD = 0.25
# Geometry is kept mild: with ±15° rotation, ±0.35 shear and 0.75–1.25 aspect, squeezed and sheared 7s
# taught the CNN that a 1 with a flag is a 7 (stroke-drawn development set: 1s with a flag 33–67% right);
# these ranges kept the 1s (≈93%) and every other digit.
MAX_ROTATION_DEGREES = 12.0
MAX_SHEAR = 0.3  # x += shear · y: ±17° of slant
ASPECT_RANGE = (0.9, 1.15)  # width scale relative to height
SCALE_RANGE = (0.9, 1.1)
MAX_SHIFT = 2.0  # pixels, before re-normalisation
# Probabilities of: thin, unchanged, thicker (2×2), much thicker (3×3).
STROKE_CHOICES = (0.2, 0.35, 0.3, 0.15)


def _stroke_width_variation(images: Any, draw: Any) -> Any:
    """Each image thinned, unchanged, thickened or thickened more, at random (grey morphology)."""
    import tensorflow as tf

    thinner = -tf.nn.max_pool2d(-images, 2, 1, "SAME")
    thicker = tf.nn.max_pool2d(images, 2, 1, "SAME")
    much_thicker = tf.nn.max_pool2d(images, 3, 1, "SAME")
    bounds = np.cumsum(STROKE_CHOICES)
    draw = tf.reshape(draw, (-1, 1, 1, 1))
    return tf.where(draw < bounds[0], thinner, tf.where(draw < bounds[1], images,
                    tf.where(draw < bounds[2], thicker, much_thicker)))


def _random_affine(images: Any, draws: Any) -> Any:
    """Rotate, shear, squeeze, scale and shift each image about its centre (bilinear)."""
    import tensorflow as tf

    angle = (draws[:, 0] * 2 - 1) * math.radians(MAX_ROTATION_DEGREES)
    shear = (draws[:, 1] * 2 - 1) * MAX_SHEAR
    aspect = ASPECT_RANGE[0] + draws[:, 2] * (ASPECT_RANGE[1] - ASPECT_RANGE[0])
    scale = SCALE_RANGE[0] + draws[:, 3] * (SCALE_RANGE[1] - SCALE_RANGE[0])
    shift_x, shift_y = (draws[:, 4] * 2 - 1) * MAX_SHIFT, (draws[:, 5] * 2 - 1) * MAX_SHIFT
    # Forward map (input → output) M = R · Shear · diag(scale·aspect, scale); the op wants output → input: M⁻¹.
    cos, sin = tf.cos(angle), tf.sin(angle)
    m00, m01 = cos * scale * aspect, (cos * shear - sin) * scale
    m10, m11 = sin * scale * aspect, (sin * shear + cos) * scale
    determinant = m00 * m11 - m01 * m10
    i00, i01, i10, i11 = m11 / determinant, -m01 / determinant, -m10 / determinant, m00 / determinant
    centre = (IMAGE_SIZE - 1) / 2.0
    out_x, out_y = centre + shift_x, centre + shift_y  # where the input centre lands
    a2 = centre - (i00 * out_x + i01 * out_y)
    b2 = centre - (i10 * out_x + i11 * out_y)
    zeros = tf.zeros_like(angle)
    transforms = tf.stack([i00, i01, a2, i10, i11, b2, zeros, zeros], axis=1)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transforms, output_shape=[IMAGE_SIZE, IMAGE_SIZE], fill_value=0.0,
        interpolation="BILINEAR", fill_mode="CONSTANT")


def _first_true(flags: Any) -> Any:
    import tensorflow as tf

    return tf.cast(tf.argmax(tf.cast(flags, tf.int32), axis=1), tf.float32)


def renormalise(images: Any) -> Any:
    """MNIST's own normalisation on a batch: crop to ink, long side to 20 px, centre of mass to (14, 14)."""
    import tensorflow as tf

    batch = tf.shape(images)[0]
    ink = images[:, :, :, 0] > INK_THRESHOLD  # (B, 28, 28)
    rows, cols = tf.reduce_any(ink, axis=2), tf.reduce_any(ink, axis=1)  # (B, 28)
    has_ink = tf.reduce_any(rows, axis=1)
    top, left = _first_true(rows), _first_true(cols)
    bottom = IMAGE_SIZE - 1 - _first_true(tf.reverse(rows, [1]))
    right = IMAGE_SIZE - 1 - _first_true(tf.reverse(cols, [1]))
    side = tf.maximum(bottom - top, right - left) + 1.0  # in pixels, edge to edge
    centre_y, centre_x = (top + bottom) / 2.0, (left + right) / 2.0
    # crop_and_resize samples FIT_SIZE points from y1 to y2 inclusive: the centres of 20 equal cells.
    half = side / 2.0 - side / (2.0 * FIT_SIZE)
    boxes = tf.stack([centre_y - half, centre_x - half, centre_y + half, centre_x + half], axis=1) / (IMAGE_SIZE - 1)
    fitted = tf.image.crop_and_resize(images, boxes, tf.range(batch), [FIT_SIZE, FIT_SIZE])  # (B, 20, 20, 1)
    fitted = fitted / tf.maximum(tf.reduce_max(fitted, axis=[1, 2, 3], keepdims=True), 1e-6)
    margin = (IMAGE_SIZE - FIT_SIZE) // 2
    placed = tf.pad(fitted, [[0, 0], [margin, margin], [margin, margin], [0, 0]])  # (B, 28, 28, 1)
    # Integer shift of the centre of mass to (14, 14), as MNIST did.
    weights = placed[:, :, :, 0]
    mass = tf.maximum(tf.reduce_sum(weights, axis=[1, 2]), 1e-6)
    positions = tf.range(IMAGE_SIZE, dtype=tf.float32)
    mass_row = tf.reduce_sum(tf.reduce_sum(weights, axis=2) * positions, axis=1) / mass
    mass_col = tf.reduce_sum(tf.reduce_sum(weights, axis=1) * positions, axis=1) / mass
    shift_row, shift_col = tf.round(CENTRE - mass_row), tf.round(CENTRE - mass_col)
    ones, zeros = tf.ones_like(shift_row), tf.zeros_like(shift_row)
    translate = tf.stack([ones, zeros, -shift_col, zeros, ones, -shift_row, zeros, zeros], axis=1)
    centred = tf.raw_ops.ImageProjectiveTransformV3(
        images=placed, transforms=translate, output_shape=[IMAGE_SIZE, IMAGE_SIZE], fill_value=0.0,
        interpolation="NEAREST", fill_mode="CONSTANT")
    return tf.where(tf.reshape(has_ink, (-1, 1, 1, 1)), tf.clip_by_value(centred, 0.0, 1.0), images)


def augment_batch(images: Any, seed: Any) -> Any:
    """One augmented batch (B, 28, 28, 1) float32 in [0, 1]; `seed` is a (2,) int tensor for stateless ops."""
    import tensorflow as tf

    batch = tf.shape(images)[0]
    draws = tf.random.stateless_uniform((batch, 7), seed=seed)
    varied = _stroke_width_variation(images, draws[:, 6])
    return renormalise(_random_affine(varied, draws[:, :6]))


def augmented_dataset(train_inputs: np.ndarray, labels: np.ndarray, batch_size: int, seed: int) -> Any:
    """Shuffled, repeated, augmented (x, y) batches forever, as a tf.data.Dataset."""
    import tensorflow as tf

    train_inputs = np.asarray(train_inputs, dtype=np.float32).reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 1)
    labels = np.asarray(labels, dtype=np.int32).reshape(-1)
    if len(train_inputs) != len(labels) or len(labels) == 0:
        raise ValueError(f"need as many labels as images (got {len(train_inputs)} images, {len(labels)} labels)")
    if not 1 <= batch_size <= len(labels):
        raise ValueError(f"batch_size must be from 1 to the number of images ({len(labels)}), got {batch_size}")
    images_tensor, labels_tensor = tf.constant(train_inputs), tf.constant(labels)

    def gather_and_augment(indices, batch_number):
        batch_seed = tf.stack([tf.cast(seed, tf.int64), batch_number])
        return augment_batch(tf.gather(images_tensor, indices), batch_seed), tf.gather(labels_tensor, indices)

    indices = tf.data.Dataset.range(len(labels)).shuffle(len(labels), seed=seed, reshuffle_each_iteration=True)
    batches = indices.repeat().batch(batch_size, drop_remainder=True)
    numbered = tf.data.Dataset.zip((batches, tf.data.Dataset.counter()))
    return without_autotuning(numbered.map(gather_and_augment, num_parallel_calls=2).prefetch(4))
