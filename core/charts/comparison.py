"""Runs side by side: their settings (all, or only those that differ) and their results, one column per run."""

from __future__ import annotations

import dataclasses
from typing import Any, Sequence

from core.i18n import N_, _
from core.i18n.formats import clock, number, percent
from core.lecture.spec import ModelSpec
from core.runs.records import Run

# The settings a class compares, in the lecture's words (English ids; translated where shown).
SETTING_NAMES = {
    "conv_filters": N_("conv filters per block"), "conv_kernel_size": N_("kernel size"),
    "hidden_units": N_("hidden layers (units)"), "activation": N_("activation"), "use_bias": N_("bias"),
    "weight_init": N_("initial weights"), "weight_stddev": N_("σ of the initial weights"),
    "bias_init": N_("initial biases"), "keep_prob": "keep_prob", "conv_keep_prob": N_("keep_prob after conv"),
    "batch_norm": N_("batch norm"), "l2": "L2", "optimizer": N_("optimizer"), "learning_rate": N_("learning rate"),
    "loss_reduction": N_("cost over the batch"), "batch_size": N_("batch size"), "epochs": N_("epochs"),
    "steps": N_("steps"), "early_stopping_patience": N_("early stopping (patience)"), "augment": N_("augmented"),
    "ensemble_members": N_("ensemble members"), "seed": N_("seed"),
}


# Choices that have a name a class reads (English ids; method names stay as the literature writes them).
VALUE_NAMES = {
    "relu": "ReLU", "leaky_relu": "leaky ReLU", "elu": "ELU", "sigmoid": "sigmoid", "tanh": "tanh",
    "zeros": N_("zeros"), "random_normal": N_("random normal"), "truncated_normal": N_("truncated normal"),
    "xavier": "Xavier", "he": "He", "constant": N_("constant"), "mean": N_("mean"), "sum": N_("sum"),
    "gradient_descent": N_("gradient descent"), "momentum": "Momentum", "adagrad": "Adagrad", "rmsprop": "RMSProp",
    "adam": "Adam",
}


def _shown(value: Any) -> str:
    if isinstance(value, str) and value in VALUE_NAMES:
        return _(VALUE_NAMES[value])
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value) if value else "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def setting_rows(runs: Sequence[Run], differing_only: bool = True) -> list[dict[str, str]]:
    """One row per setting, one column per run (its label); `differing_only` keeps the rows where runs disagree."""
    rows = []
    fields = [field.name for field in dataclasses.fields(ModelSpec) if field.name in SETTING_NAMES]
    for name in fields:
        values = [_shown(getattr(run.spec, name)) for run in runs]
        if differing_only and len(set(values)) < 2:
            continue
        rows.append({_("setting"): _(SETTING_NAMES[name]), **dict(zip((run.label for run in runs), values))})
    digits = [number(run.train_limit) if run.train_limit else number(55_000) for run in runs]
    if not differing_only or len(set(digits)) > 1:
        rows.append({_("setting"): _("training digits"), **dict(zip((run.label for run in runs), digits))})
    return rows


def result_rows(runs: Sequence[Run]) -> list[dict[str, str]]:
    """The outcomes to read beside the settings: test and training accuracy, the gap, the time."""
    def value(run: Run, what: str) -> str:
        result = run.result
        if result is None:
            return "–"
        if what == "test":
            return percent(result.test_accuracy, 2)
        if what == "train":
            return percent(result.train_accuracy, 2) if result.train_accuracy is not None else "–"
        if what == "gap":
            return f"{(result.train_accuracy - result.test_accuracy) * 100:+.2f}" \
                if result.train_accuracy is not None else "–"
        return clock(result.seconds)

    names = {"test": _("test accuracy"), "train": _("training accuracy"), "gap": _("train − test gap"),
             "time": _("training time")}
    return [{_("setting"): label, **{run.label: value(run, what) for run in runs}} for what, label in names.items()]
