"""Real training on slices of real MNIST: learning, divergence as a result, cancel, step limits."""

import math

import numpy as np

from core.lecture.presets import get_preset
from core.lecture.spec import ModelSpec
from core.training.trainer import train


def test_a_short_real_training_ends_far_above_chance(mnist):
    events = []
    result = train(ModelSpec(hidden_units=(64,), epochs=2), mnist, on_progress=events.append, train_limit=5_000)
    assert result.test_accuracy > 0.85  # chance is 0.10
    assert not result.diverged and result.epochs_run == 2 and result.steps_run == 100
    epochs = [event for event in events if event["kind"] == "epoch"]
    assert [event["epoch"] for event in epochs] == [1, 2]
    assert epochs[1]["cost"] < epochs[0]["cost"], "the cost falls"
    steps = [event["step"] for event in events if event["kind"] == "step"]
    assert steps == sorted(steps) and steps[-1] == 100


def test_the_learning_rate_too_high_preset_diverges_without_crashing(mnist):
    spec = get_preset("softmax-lr-too-high").spec.replace(steps=100)
    result = train(spec, mnist, train_limit=10_000)
    assert result.diverged and result.diverged_at_step <= 100
    assert math.isnan(result.history["loss"][-1])
    assert abs(result.test_accuracy - 0.098) < 0.01  # one class for everything: 980 of 10,000


def test_the_seed_softmax_with_lr_0_01_does_not_diverge(mnist):
    result = train(get_preset("softmax-gd").spec.replace(steps=300), mnist)
    assert not result.diverged and result.steps_run == 300 and result.test_accuracy > 0.85


def test_the_lab_10_1_softmax_preset_reproduces_the_published_run(mnist):
    """The full lecture run (55,000 digits, 15 epochs): the lab printed epoch-1 cost 5.889 and accuracy 0.9035."""
    preset = get_preset("softmax")
    result = train(preset.spec, mnist)
    assert result.epochs_run == 15 and not result.diverged
    assert abs(result.history["loss"][0] - 5.889) < 0.3  # the lecture's own initial weights
    assert abs(result.history["loss"][-1] - 0.4065) < 0.02
    assert result.test_accuracy >= preset.published_accuracy - 0.005


def test_should_stop_cancels_the_run(mnist):
    calls = []

    def should_stop() -> bool:
        calls.append(1)
        return len(calls) >= 2

    result = train(ModelSpec(epochs=5), mnist, should_stop=should_stop, train_limit=5_000)
    assert result.cancelled and result.steps_run == 20 and result.epochs_run == 1


def test_an_ensemble_trains_each_member_and_answers_with_their_mean(mnist):
    events = []
    spec = ModelSpec(hidden_units=(32,), epochs=2, ensemble_members=2, seed=5)
    result = train(spec, mnist, on_progress=events.append, train_limit=5_000)
    assert result.steps_run == 200 and result.epochs_run == 4 and len(result.member_test_accuracies) == 2
    assert {event["member"] for event in events} == {0, 1}
    members = [layer for layer in result.model.layers if layer.name.startswith("member_")]
    assert len(members) == 2 and result.parameters == 2 * (784 * 32 + 32 + 32 * 10 + 10)
    images = mnist.test_images[:200].reshape(-1, 28, 28, 1).astype(np.float32) / 255
    mean = np.mean([np.asarray(member(images, training=False)) for member in members], axis=0)
    np.testing.assert_allclose(np.asarray(result.model(images, training=False)), mean, atol=1e-6)
    assert min(result.member_test_accuracies) > 0.8 and result.test_accuracy > 0.8


def test_an_augmented_run_learns_from_varied_digits(mnist):
    result = train(ModelSpec(hidden_units=(64,), epochs=2, augment=True), mnist, train_limit=5_000)
    assert not result.diverged and result.steps_run == 100
    assert result.test_accuracy > 0.75  # chance is 0.10; augmentation makes 5,000 digits harder to fit
    assert result.train_accuracy < 0.99  # the varied digits are not memorised in two epochs



def test_the_cost_is_drawn_step_by_step_until_the_first_report_so_an_explosion_shows(mnist):
    events = []
    spec = get_preset("softmax-lr-too-high").spec.replace(steps=100)
    result = train(spec, mnist, on_progress=events.append, train_limit=10_000)
    costs = [(event["step"], event["cost"]) for event in events if event["kind"] == "step"]
    first_nan = next(step for step, cost in costs if not math.isfinite(cost))
    assert [step for step, _ in costs][:first_nan] == list(range(1, first_nan + 1))  # every step up to the NaN
    finite = [cost for step, cost in costs if step < first_nan]
    assert len(finite) >= 2 and finite[-1] > finite[0]  # the cost rises before it breaks
    assert result.diverged_at_step == first_nan


def test_a_run_with_the_class_drawings_learns_them_and_reports_the_held_out_ones(mnist, tmp_path, monkeypatch):
    import io

    from PIL import Image

    from core.drawing import labelled
    from core.drawing.preprocess import prepare_drawing
    from core.drawing.strokes import drawn_digits
    from core.training.trainer import training_digits

    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    for drawn in drawn_digits(300, seed=41):
        canvas = io.BytesIO()
        Image.fromarray(drawn.image).save(canvas, format="PNG")
        labelled.add_drawing(drawn.label, prepare_drawing(drawn.image).model_input(), canvas.getvalue())
    spec = ModelSpec(hidden_units=(64,), epochs=2, batch_size=100)
    count = len(labelled.arrays("train")[1])
    images, labels, counted = training_digits(spec.replace(class_drawings=True), mnist.lecture_split()[0], 6000)
    assert counted == count and 200 <= count <= 260
    assert len(images) == len(labels) and abs((len(images) - 6000) / len(images) - 0.25) < 0.03  # a quarter
    without = train(spec, mnist, train_limit=6000)
    with_class = train(spec.replace(class_drawings=True), mnist, train_limit=6000)
    assert without.class_accuracy is None and without.class_digits == 0
    assert with_class.class_digits == count and with_class.class_accuracy is not None
    held_images, held_labels = labelled.arrays("held_out")
    from core.training.batches import accuracy_of

    assert with_class.class_accuracy > accuracy_of(without.model, held_images, held_labels) + 0.05
