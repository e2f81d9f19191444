"""Train a `ModelSpec` on MNIST with plain Keras `fit`, reporting through callbacks.

The trainer knows nothing of any UI: it calls `on_progress(event)` with plain dicts
(`{"kind": "step", ...}` every few batches, `{"kind": "epoch", ...}` after each epoch) and
polls `should_stop()` so a caller can cancel. A cost that becomes NaN or infinite stops the
run and marks it diverged instead of raising. The cost reported is the lecture's: the mean
cost over the batches of the epoch so far ("Epoch: 0001 cost = ...").
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any, Callable

import numpy as np

from core.datasets.mnist import Mnist
from core.lecture.spec import ModelSpec
from core.training.batches import (
    EVALUATION_BATCH_SIZE,
    accuracy_of,
    images_to_inputs,
    shuffled_batches,
    steps_per_execution_for,
)
from core.training.internals import PROBE_DIGITS, LayerProbe
from core.training.summary import TrainingSummary

ProgressCallback = Callable[[dict[str, Any]], None]
StopCallback = Callable[[], bool]
DEFAULT_LOG_EVERY_STEPS = 10


@dataclasses.dataclass
class TrainingResult(TrainingSummary):
    """What a finished (or stopped) training run produced: its summary, the Keras model and the history."""

    model: Any = None  # keras.Model
    history: dict[str, list[float]] = dataclasses.field(default_factory=dict)
    cancelled: bool = False


def _fit_one(spec, train, validation, on_progress, should_stop, log_every, member, step_offset, name, probe_layers):
    """Train one network; returns (model, history, callback state)."""
    import keras

    from core.lecture.network import as_float32, build_model, make_loss
    from core.training.callbacks import LectureProgress, StepCosts

    keras.utils.set_random_seed(spec.seed)
    spe = steps_per_execution_for(spec, log_every)
    step_costs = StepCosts(make_loss(spec), size=log_every) if on_progress is not None and log_every > 1 else None
    model = build_model(spec, name=name, steps_per_execution=spe, extra_metrics=(step_costs,) if step_costs else (),
                        total_steps=spec.steps_per_member(len(train[0])))
    train_labels = train[1].astype(np.int32)
    validation_data = (images_to_inputs(validation[0]), validation[1].astype(np.int32))
    # A summed cost grows with the batch: validate in batches of the same size so the two curves compare.
    validation_batch_size = spec.batch_size if spec.loss_reduction == "sum" else EVALUATION_BATCH_SIZE
    batches_per_epoch = spec.steps_per_epoch(len(train_labels))
    epochs = spec.epochs_per_member(len(train_labels))
    probe = LayerProbe(model, images_to_inputs(train[0][:PROBE_DIGITS]), train_labels) if probe_layers and on_progress is not None else None
    progress = LectureProgress(on_progress, should_stop, log_every, spec.steps, batches_per_epoch, step_offset,
                                      member, probe, step_costs)
    callbacks = [progress]
    if spec.early_stopping_patience is not None:
        callbacks.append(keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=spec.early_stopping_patience))
    if spec.augment:
        from core.training.augment import augmented_dataset

        dataset = augmented_dataset(images_to_inputs(train[0]), train_labels, spec.batch_size, seed=spec.seed)
    else:  # uint8 digits, scaled batch by batch
        dataset = shuffled_batches(train[0], train_labels, spec.batch_size, seed=spec.seed,
                                   shift_pixels=spec.shift_pixels)
    # Both datasets shuffle themselves; steps_per_epoch marks the epochs on the endless stream.
    history = model.fit(dataset, epochs=epochs, steps_per_epoch=batches_per_epoch, shuffle=False,
                        validation_data=validation_data, validation_batch_size=validation_batch_size,
                        callbacks=callbacks, verbose=0)
    model = as_float32(model, spec)  # tested and saved in float32, whatever it trained in (core.lecture.precision)
    return model, {key: [float(v) for v in values] for key, values in history.history.items()}, progress


def training_digits(spec: ModelSpec, lecture_train: tuple[np.ndarray, np.ndarray],
                    train_limit: int | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """The digits a run trains on: MNIST's (or its first `train_limit`), plus what the spec adds; and the class's count."""
    train_images, train_labels = lecture_train
    if train_limit is not None:
        train_images, train_labels = train_images[:train_limit], train_labels[:train_limit]
    if spec.synthetic_digits:  # handwriting styles MNIST lacks, drawn by the stroke generator
        from core.training.synthetic import synthetic_training_digits

        extra_images, extra_labels = synthetic_training_digits(spec.synthetic_digits)
        train_images = np.concatenate([train_images, extra_images])
        train_labels = np.concatenate([train_labels, extra_labels])
    class_digits = 0
    if spec.class_drawings:  # the class's own handwriting, the held-out fifth kept out
        from core.drawing import labelled
        from core.training.finetune import with_class_drawings

        class_images, class_labels = labelled.arrays("train")
        class_digits = len(class_labels)
        train_images, train_labels = with_class_drawings(train_images, train_labels, class_images, class_labels)
    return train_images, train_labels, class_digits


def _class_accuracy(model: Any) -> float | None:
    from core.drawing import labelled

    images, labels = labelled.arrays("held_out")
    return accuracy_of(model, images, labels) if len(labels) else None


def train(
    spec: ModelSpec,
    data: Mnist,
    on_progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
    log_every_steps: int = DEFAULT_LOG_EVERY_STEPS,
    train_limit: int | None = None,
    probe_layers: bool = False,
) -> TrainingResult:
    """Train `spec` on the lecture split (55k/5k) and test on the 10,000 test digits.

    `train_limit` keeps only the first N training digits (for quick tests and demos); `probe_layers`
    also reports every layer's gradient, weight and activation statistics (core.training.internals).
    """
    from core.lecture.network import average_models, count_parameters

    spec.validate()
    (train_images, train_labels), validation = data.lecture_split()
    train_images, train_labels, class_digits = training_digits(spec, (train_images, train_labels), train_limit)
    started = time.perf_counter()
    members, history, steps_run, epochs_run = [], {}, 0, 0
    diverged_at_step, cancelled = None, False
    for index in range(spec.ensemble_members):
        member_spec = spec.replace(ensemble_members=1, seed=spec.seed + index)
        if spec.tf1_draw_seed is not None:  # each member starts from its own draw
            member_spec = member_spec.replace(tf1_draw_seed=spec.tf1_draw_seed + index)
        model, member_history, state = _fit_one(
            member_spec, (train_images, train_labels), validation, on_progress, should_stop, log_every_steps,
            member=index, step_offset=steps_run, name=f"member_{index}" if spec.ensemble_members > 1 else "model",
            probe_layers=probe_layers,
        )
        members.append(model)
        for key, values in member_history.items():
            history.setdefault(key, []).extend(values)
        steps_run += state.step
        epochs_run += len(member_history.get("loss", []))
        diverged_at_step = state.diverged_at_step if state.diverged_at_step is None else steps_run - state.step + state.diverged_at_step
        cancelled = state.cancelled
        if diverged_at_step is not None or cancelled:
            break
    seconds = time.perf_counter() - started
    member_accuracies = [accuracy_of(m, data.test_images, data.test_labels) for m in members] if len(members) > 1 else []
    model = average_models(members) if len(members) > 1 else members[0]
    return TrainingResult(
        test_accuracy=accuracy_of(model, data.test_images, data.test_labels),
        train_accuracy=history["accuracy"][-1] if history.get("accuracy") else None,
        validation_accuracy=history["val_accuracy"][-1] if history.get("val_accuracy") else None,
        diverged_at_step=diverged_at_step, epochs_run=epochs_run, steps_run=steps_run, seconds=seconds,
        samples_per_second=steps_run * spec.batch_size / seconds if seconds > 0 else 0.0,
        parameters=count_parameters(model), member_test_accuracies=member_accuracies,
        class_digits=class_digits, class_accuracy=_class_accuracy(model) if spec.class_drawings else None,
        model=model, history=history, cancelled=cancelled,
    )
