"""core.training.summary: the one record of what a training achieved, shared by results, runs and cards."""

import dataclasses
import json

from core.training.summary import TrainingSummary, summary_fields


def a_summary(**changes) -> TrainingSummary:
    values = dict(test_accuracy=0.97, train_accuracy=0.99, validation_accuracy=0.975, diverged_at_step=None,
                  epochs_run=15, steps_run=8_250, seconds=42.0, samples_per_second=19_642.9, parameters=269_322)
    return TrainingSummary(**{**values, **changes})


def test_diverged_means_a_step_where_the_cost_broke():
    assert not a_summary().diverged
    assert a_summary(diverged_at_step=7).diverged


def test_a_subclass_reduces_to_the_summary_alone():
    @dataclasses.dataclass
    class WithModel(TrainingSummary):
        model: object = None

    full = WithModel(**summary_fields(a_summary()), model=object())
    summary = full.summary()
    assert type(summary) is TrainingSummary and summary == a_summary()
    assert json.loads(json.dumps(dataclasses.asdict(summary)))["parameters"] == 269_322
