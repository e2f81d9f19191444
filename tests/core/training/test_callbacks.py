"""core.training.callbacks: the lecture's progress reports from a real fit, the NaN stop and the step limit."""

import math

import keras
import numpy as np

from core.lecture.network import SeedSummedCrossEntropy
from core.training.callbacks import LectureProgress


def fit(callback: LectureProgress, learning_rate: float, steps: int = 30, explode: bool = False) -> None:
    """Two epochs of a tiny ten-class softmax; `explode`: inputs of 1,000s and the seed's unclipped summed cost."""
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(10, activation="softmax")])
    loss = SeedSummedCrossEntropy() if explode else keras.losses.SparseCategoricalCrossentropy()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss=loss, metrics=["accuracy"])
    inputs = np.random.default_rng(0).normal(size=(300, 4)).astype("float32") * (1e3 if explode else 1.0)
    labels = np.arange(300) % 10
    model.fit(inputs, labels, batch_size=10, epochs=2, callbacks=[callback], verbose=0, steps_per_epoch=steps // 2,
              shuffle=False)


def test_every_few_steps_and_every_epoch_are_reported_with_the_member_and_offset():
    events = []
    callback = LectureProgress(events.append, None, log_every=5, max_steps=None, batches_per_epoch=15,
                               step_offset=100, member=1)
    fit(callback, learning_rate=1e-6)
    steps = [event["step"] for event in events if event["kind"] == "step"]
    epochs = [event for event in events if event["kind"] == "epoch"]
    assert steps == [105, 110, 115, 120, 125, 130] and [event["epoch"] for event in epochs] == [1, 2]
    assert {event["member"] for event in events} == {1} and callback.diverged_at_step is None


def test_a_cost_that_breaks_stops_training_and_is_reported():
    events = []
    callback = LectureProgress(events.append, None, log_every=5, max_steps=None, batches_per_epoch=15,
                               step_offset=0, member=0)
    fit(callback, learning_rate=10.0, explode=True)  # a probability hits exactly 0: log(0) = −∞
    assert callback.diverged_at_step is not None and callback.diverged_at_step < 30
    broken = [event for event in events if event["kind"] == "step" and not math.isfinite(event["cost"])]
    assert broken and broken[0]["step"] == callback.diverged_at_step


def test_the_step_limit_and_the_stop_flag_end_training():
    limited = LectureProgress(None, None, log_every=5, max_steps=7, batches_per_epoch=15, step_offset=0, member=0)
    fit(limited, learning_rate=1e-6)
    assert limited.step == 7
    asked = []
    stopped = LectureProgress(None, lambda: asked.append(1) or True, log_every=5, max_steps=None,
                              batches_per_epoch=15, step_offset=0, member=0)
    fit(stopped, learning_rate=1e-6)
    assert stopped.cancelled and stopped.step == 5 and asked == [1]
