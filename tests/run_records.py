"""Runs with a history, written through the real run store: for the pages and the browser to show."""

from __future__ import annotations

import os

from core.lecture.presets import get_preset
from core.lecture.spec import ModelSpec
from core.runs import store as runs
from core.runs.records import RunResult


def training_events(steps: int, per_epoch: int, start_cost: float = 2.0, nan_at: int | None = None) -> list[dict]:
    """Events shaped like core.training.trainer's: a step every 10 batches, an epoch event at each epoch's end."""
    events = []
    for step in range(10, steps + 1, 10):
        cost = float("nan") if step == nan_at else start_cost / (1 + step / 50)
        events.append({"kind": "step", "step": step, "epoch": (step - 1) // per_epoch + 1, "cost": cost,
                       "accuracy": 1 - cost / 3, "seconds": step / 100, "logged_at": 1000 + step / 100})
        if step % per_epoch == 0:
            events.append({"kind": "epoch", "step": step, "epoch": step // per_epoch, "cost": cost, "accuracy": 1 - cost / 3,
                           "validation_cost": cost * 1.1, "validation_accuracy": 1 - cost / 2.5, "seconds": step / 100})
    return events


def add_run(spec: ModelSpec, name: str, status: str, events: list[dict], result: dict | None = None,
            preset: str | None = None, error: str | None = None, train_limit: int | None = None) -> int:
    """A run that went through the store's life cycle and logged `events`."""
    run_id = runs.create_run(spec, name, preset=preset, train_limit=train_limit)
    runs.set_status(run_id, "running", pid=os.getpid())
    runs.add_metrics(run_id, events)
    if status != "running":
        summary = {"train_accuracy": None, "validation_accuracy": None, "diverged_at_step": None, "epochs_run": 1,
                   "samples_per_second": 1000.0, **result} if result else None
        runs.set_status(run_id, status, result=RunResult.from_dict(summary) if summary else None, error=error)
    return run_id


def add_three_runs() -> tuple[int, int, int]:
    """A finished lecture run that overfits a little, one that diverged and one whose worker failed."""
    xavier = get_preset("nn-xavier")
    finished = add_run(xavier.spec.replace(epochs=2), "nn-xavier", "finished", training_events(1100, 550),
                       result={"test_accuracy": 0.9701, "train_accuracy": 0.9912, "published_accuracy": 0.9783,
                               "epochs_run": 2, "steps_run": 1100, "seconds": 12.5, "saved_model": "nn-xavier"},
                       preset=xavier.name)
    too_high = get_preset("softmax-lr-too-high")
    diverged = add_run(too_high.spec, "lr-too-high", "diverged", training_events(30, 550, nan_at=30),
                       result={"test_accuracy": 0.098, "diverged_at_step": 30, "published_accuracy": 0.098,
                               "steps_run": 30, "seconds": 1.0}, preset=too_high.name)
    failed = add_run(ModelSpec(hidden_units=(8,)), "broken", "failed", training_events(20, 550),
                     error="the worker process died (exit code 70): simulated crash after step 20")
    return finished, diverged, failed
