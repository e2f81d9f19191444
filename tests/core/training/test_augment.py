"""core.training.augment: MNIST batches varied like drawings, re-normalised like MNIST, fast and endless."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from core.training.augment import augmented_dataset
from core.training.batches import images_to_inputs

BATCH = 100


@pytest.fixture(scope="module")
def digits(mnist):
    return images_to_inputs(mnist.train_images[:2000]), mnist.train_labels[:2000].astype(np.int32)


def first_batches(inputs, labels, count, seed=7):
    iterator = iter(augmented_dataset(inputs, labels, BATCH, seed=seed))
    return [tuple(part.numpy() for part in next(iterator)) for _ in range(count)]


def test_batches_have_the_models_shape_and_never_end(digits):
    inputs, labels = digits
    batches = first_batches(inputs, labels, len(labels) // BATCH + 5)  # more than one pass
    for images, batch_labels in batches:
        assert images.shape == (BATCH, 28, 28, 1) and images.dtype == np.float32
        assert batch_labels.shape == (BATCH,) and batch_labels.dtype == np.int32
        assert images.min() >= 0.0 and images.max() <= 1.0
    assert not np.array_equal(batches[0][1], labels[:BATCH])  # shuffled


def test_augmented_digits_are_mnist_normalised(digits):
    images = first_batches(*digits, 2)[1][0][:, :, :, 0]
    for image in images:
        centre_row, centre_col = ndimage.center_of_mass(image)
        assert abs(centre_row - 14) <= 0.6 and abs(centre_col - 14) <= 0.6
        rows, cols = np.flatnonzero(image.max(axis=1) > 0.25), np.flatnonzero(image.max(axis=0) > 0.25)
        assert 18 <= max(np.ptp(rows), np.ptp(cols)) + 1 <= 21
        assert image.max() == pytest.approx(1.0, abs=1e-5)


def test_stroke_width_and_shape_vary_more_than_in_mnist(digits):
    inputs, _ = digits
    augmented = np.concatenate([images for images, _ in first_batches(*digits, 10)])
    original_ink, augmented_ink = inputs.sum(axis=(1, 2, 3)), augmented.sum(axis=(1, 2, 3))
    assert np.std(augmented_ink / np.median(augmented_ink)) > 1.1 * np.std(original_ink / np.median(original_ink))
    assert np.percentile(augmented_ink, 95) > np.percentile(original_ink, 95)  # thicker strokes appear
    assert np.percentile(augmented_ink, 5) < np.percentile(original_ink, 5)  # and thinner ones


def test_labels_still_match_their_digits(digits, small_models_dir):
    from core.models.store import load_model

    model = load_model("small-nn-xavier", small_models_dir)
    images, labels = first_batches(*digits, 1, seed=3)[0]
    accuracy = np.mean(np.argmax(model.predict_on_batch(images), axis=-1) == labels)
    assert accuracy >= 0.6  # a small MLP trained on plain MNIST still reads most augmented digits


def test_same_seed_same_batches(digits):
    first, again, other = first_batches(*digits, 2, seed=1), first_batches(*digits, 2, seed=1), first_batches(*digits, 2, seed=2)
    assert all(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) for a, b in zip(first, again))
    assert not np.array_equal(first[0][0], other[0][0])


def test_bad_arguments_are_refused(digits):
    inputs, labels = digits
    with pytest.raises(ValueError, match="as many labels"):
        augmented_dataset(inputs, labels[:10], BATCH, seed=0)
    with pytest.raises(ValueError, match="batch_size"):
        augmented_dataset(inputs, labels, 0, seed=0)
