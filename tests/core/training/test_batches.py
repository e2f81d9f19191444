"""core.training.batches: inputs in [0, 1], a new batch order every epoch, batched predictions."""

import numpy as np
import pytest

from core.lecture.spec import ModelSpec
from core.training.batches import (
    accuracy_of,
    images_to_inputs,
    predict_probabilities,
    shuffled_batches,
    steps_per_execution_for,
)


def test_uint8_digits_become_float_inputs_in_the_unit_range(mnist):
    inputs = images_to_inputs(mnist.test_images[:5])
    assert inputs.shape == (5, 28, 28, 1) and inputs.dtype == np.float32
    assert inputs.min() == 0.0 and inputs.max() == 1.0


def test_every_epoch_sees_the_digits_in_a_new_order_reproducible_from_the_seed():
    # Keras' own fit(shuffle=True) replays one permutation every epoch once a global seed is set;
    # the lectures' next_batch reshuffled each epoch, and so must we.
    images, labels = np.zeros((50, 28, 28, 1), np.float32), np.arange(50, dtype=np.int32)

    def three_epochs(seed):
        return [tuple(int(v) for v in batch[1].numpy()) for batch in shuffled_batches(images, labels, 50, seed).take(3)]

    orders = three_epochs(seed=777)
    assert len(set(orders)) == 3 and all(sorted(order) == list(range(50)) for order in orders)
    assert three_epochs(seed=777) == orders and three_epochs(seed=778) != orders


@pytest.mark.parametrize("spec, log_every, expected", [
    (ModelSpec(), 10, 10),  # ten batches per call into TensorFlow, a progress event every ten
    (ModelSpec(epochs=None, steps=1_005), 10, 5),  # must divide the step limit so the run stops exactly there
    (ModelSpec(epochs=None, steps=1_001), 10, 1),
    (ModelSpec(), 4, 2),
])
def test_steps_per_execution_divides_the_logging_interval_and_the_step_limit(spec, log_every, expected):
    assert steps_per_execution_for(spec, log_every) == expected


def test_batched_predictions_equal_one_call_and_accuracy_counts_the_argmax(small_models_dir, mnist):
    from core.models.store import load_model

    model = load_model("small-nn-xavier", small_models_dir)
    inputs = images_to_inputs(mnist.test_images[:2_500])
    batched = predict_probabilities(model, inputs, batch_size=1_000)
    np.testing.assert_allclose(batched, np.asarray(model(inputs, training=False)), atol=1e-5)
    expected = np.mean(np.argmax(batched, axis=1) == mnist.test_labels[:2_500])
    assert accuracy_of(model, mnist.test_images[:2_500], mnist.test_labels[:2_500]) == pytest.approx(expected)
    assert predict_probabilities(model, inputs[:0]).shape == (0, 10)


def test_uint8_digits_are_scaled_in_the_pipeline_exactly_as_images_to_inputs_scales_them(mnist):
    images, labels = mnist.train_images[:300], mnist.train_labels[:300].astype(np.int32)
    from_uint8 = [batch for batch in shuffled_batches(images, labels, 100, seed=4).take(4)]
    from_float = [batch for batch in shuffled_batches(images_to_inputs(images), labels, 100, seed=4).take(4)]
    for (x_uint8, y_uint8), (x_float, y_float) in zip(from_uint8, from_float):
        assert np.array_equal(x_uint8.numpy(), x_float.numpy()) and np.array_equal(y_uint8.numpy(), y_float.numpy())
    assert from_uint8[0][0].shape == (100, 28, 28, 1) and from_uint8[0][0].dtype.name == "float32"


def test_shifts_move_whole_digits_by_at_most_the_asked_pixels(mnist):
    images, labels = mnist.train_images[:200], mnist.train_labels[:200].astype(np.int32)
    plain = next(iter(shuffled_batches(images, labels, 200, seed=2)))[0].numpy()
    shifted = next(iter(shuffled_batches(images, labels, 200, seed=2, shift_pixels=2)))[0].numpy()
    def moved_by(image, dy, dx):  # zero fill: what leaves the 28×28 frame is gone
        padded = np.pad(image, 2)
        return padded[2 - dy:30 - dy, 2 - dx:30 - dx]

    moved = 0
    for before, after in zip(plain[..., 0], shifted[..., 0]):
        found = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3) if np.allclose(moved_by(before, dy, dx), after)]
        assert found, "every digit is the same digit, moved"
        moved += found[0] != (0, 0)
    assert moved > 150  # most digits moved


def test_training_pipelines_run_without_tf_data_autotuning(mnist):
    # With autotuning on, a spare worker's freed warm-up iterators held a run idle for up to 52 s after its last
    # epoch (core.training.batches.without_autotuning): every pipeline a run trains from turns it off.
    from core.training.augment import augmented_dataset

    plain = shuffled_batches(mnist.train_images[:500], mnist.train_labels[:500], batch_size=100, seed=1)
    augmented = augmented_dataset(images_to_inputs(mnist.train_images[:500]), mnist.train_labels[:500], 100, seed=1)
    for dataset in (plain, augmented):
        assert dataset.options().autotune.enabled is False
        inputs, labels = next(iter(dataset))
        assert inputs.shape == (100, 28, 28, 1) and labels.shape == (100,)
