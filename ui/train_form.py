"""The Train page's controls: a preset picker and every setting, returning a spec or the reasons it is invalid.

Choosing a preset fills the controls (an on_change callback writes their session state);
settings the controls do not show (σ of the initialiser, the summed cost, …) come from the
preset. A spec that differs from its preset is a custom model. Invalid settings are
explained under the control that causes them, never as a traceback. The settings live in the
page's address too (ui.lesson_link), so a link or a reload reproduces them. The model's default
name is the preset and a short id (and -custom, -quick), never a saved model's.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any, Callable

import streamlit as st

from core.drawing import labelled
from core.i18n import N_, _
from core.lecture.presets import PRESETS, Preset
from core.lecture.spec import ACTIVATIONS, OPTIMIZERS, WEIGHT_INITIALIZERS, ModelSpec, SpecError
from ui import lesson_link

DEFAULT_PRESET = "softmax"
FAMILIES = {"softmax": N_("Softmax (no hidden layer)"), "mlp": N_("Fully connected (ReLU net)"),
            "cnn": N_("CNN (conv blocks)")}
WIDTHS = (16, 32, 50, 64, 128, 256, 512, 625, 1024, 2048)
FIRST_FILTERS = (8, 16, 32, 64)
KERNEL_SIZES = (3, 5, 7)
LEARNING_RATES = (1e-5, 3e-5, 1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
BATCH_SIZES = (16, 32, 50, 64, 100, 128, 256, 512, 1024)
L2_FACTORS = (0.0, 1e-4, 1e-3, 0.005, 0.01, 0.05, 0.1)
QUICK_RUN_SIZES = (1_000, 2_000, 5_000, 10_000, 20_000)
DEFAULT_QUICK_SIZE = 5_000
LENGTH_UNITS = {"epochs": N_("epochs"), "steps": N_("steps")}
PERSIST = "session"  # the settings survive a visit to the Curves page
URL_FIELDS = lesson_link.url_fields({"families": tuple(FAMILIES), "filters": FIRST_FILTERS, "kernels": KERNEL_SIZES,
                                     "widths": WIDTHS, "l2": L2_FACTORS, "learning_rates": LEARNING_RATES,
                                     "batch_sizes": BATCH_SIZES, "quick_sizes": QUICK_RUN_SIZES})
# The ModelSpec field a SpecError names → the control that sets it (others show at the top of the form).
FIELD_CONTROLS = {
    "keep_prob": "train_keep_prob", "learning_rate": "train_learning_rate", "hidden_units": "train_hidden_layers",
    "conv_filters": "train_conv_filters", "batch_size": "train_batch_size", "epochs": "train_epochs",
    "steps": "train_steps", "early_stopping_patience": "train_patience", "l2": "train_l2",
    "activation": "train_activation", "weight_init": "train_weight_init", "optimizer": "train_optimizer",
}


@dataclasses.dataclass
class FormResult:
    """What the controls describe: a valid spec, or the errors keyed by the control that causes them."""

    preset: Preset
    spec: ModelSpec | None
    changes: list[str]  # "learning rate 0.001 → 0.01", … (empty: the preset itself)
    errors: dict[str, str]
    name: str | None = None
    train_limit: int | None = None
    replace: bool = False  # the teacher chose to replace the saved model of this name

    @property
    def is_custom(self) -> bool:
        """True when any control differs from the chosen preset."""
        return bool(self.changes)


def _controls_from_spec(spec: ModelSpec) -> dict[str, Any]:
    """Session-state values of every control for one spec."""
    family = spec.kind
    layers = len(spec.hidden_units)
    return {
        "train_family": family,
        "train_conv_blocks": max(1, len(spec.conv_filters)),
        "train_conv_filters": spec.conv_filters[0] if spec.conv_filters else 32,
        "train_kernel": spec.conv_kernel_size,
        "train_hidden_layers": layers if family == "cnn" else max(1, layers),
        "train_width": spec.hidden_units[0] if spec.hidden_units else 256,
        "train_activation": spec.activation,
        "train_weight_init": spec.weight_init,
        "train_keep_prob": float(spec.keep_prob),
        "train_batch_norm": spec.batch_norm,
        "train_l2": float(spec.l2),
        "train_optimizer": spec.optimizer,
        "train_learning_rate": float(spec.learning_rate),
        "train_batch_size": spec.batch_size,
        "train_length_unit": "steps" if spec.steps is not None else "epochs",
        "train_epochs": spec.epochs if spec.epochs is not None else 15,
        "train_steps": spec.steps if spec.steps is not None else 1000,
        "train_early_stopping": spec.early_stopping_patience is not None,
        "train_class_drawings": spec.class_drawings,
        "train_patience": spec.early_stopping_patience or 4,
    }


def control_defaults(preset: Preset) -> dict[str, Any]:
    """Every control's value for a preset, the quick-run controls included: what the address leaves out."""
    return {**_controls_from_spec(preset.spec), "train_quick": False, "train_quick_size": DEFAULT_QUICK_SIZE}


def fill_from_preset() -> None:
    """on_change of the preset picker: put the preset's settings into every control (the name follows the preset)."""
    preset = PRESETS[st.session_state["train_preset"]]
    st.session_state.update(_controls_from_spec(preset.spec))


def _first_visit() -> None:
    """A new session: the preset and settings of the address (a lesson link, a reload), else the default preset."""
    preset, ignored = lesson_link.preset_from_url(DEFAULT_PRESET)
    st.session_state["train_preset"] = preset
    fill_from_preset()
    st.session_state["train_quick_size"] = DEFAULT_QUICK_SIZE
    values, more_ignored = lesson_link.controls_from_url(URL_FIELDS)
    st.session_state.update(values)
    if ignored or more_ignored:
        st.session_state["train_link_ignored"] = ignored + more_ignored




def _spec_from_controls(base: ModelSpec, values: dict[str, Any]) -> ModelSpec:
    family = values["train_family"]
    conv_filters = tuple(values["train_conv_filters"] * 2**block for block in range(values["train_conv_blocks"]))
    hidden_layers = 0 if family == "softmax" else values["train_hidden_layers"]
    by_steps = values["train_length_unit"] == "steps"
    return base.replace(
        conv_filters=conv_filters if family == "cnn" else (),
        conv_kernel_size=values["train_kernel"] if family == "cnn" else base.conv_kernel_size,
        hidden_units=(values["train_width"],) * hidden_layers,
        activation=values["train_activation"], weight_init=values["train_weight_init"],
        keep_prob=values["train_keep_prob"], batch_norm=values["train_batch_norm"], l2=values["train_l2"],
        optimizer=values["train_optimizer"], learning_rate=values["train_learning_rate"],
        batch_size=values["train_batch_size"],
        epochs=None if by_steps else values["train_epochs"], steps=values["train_steps"] if by_steps else None,
        early_stopping_patience=values["train_patience"] if values["train_early_stopping"] else None,
        class_drawings=bool(values["train_class_drawings"]),
        # The lecture's TF1 draw exists only for random-normal dense nets; any other choice draws as Keras does.
        tf1_draw_seed=base.tf1_draw_seed if family != "cnn" and values["train_weight_init"] == "random_normal" else None,
    )


# What the list of changes calls the settings the controls change (others: their field name).
CHANGE_LABELS = {
    "conv_filters": N_("conv filters"), "conv_kernel_size": N_("conv kernel size"), "hidden_units": N_("hidden units"),
    "activation": N_("activation"), "weight_init": N_("weight init"), "keep_prob": N_("keep prob"),
    "batch_norm": N_("batch norm"), "l2": N_("l2"), "optimizer": N_("optimizer"), "learning_rate": N_("learning rate"),
    "batch_size": N_("batch size"), "epochs": N_("epochs"), "steps": N_("steps"),
    "early_stopping_patience": N_("early stopping patience"), "tf1_draw_seed": N_("tf1 draw seed"),
    "class_drawings": N_("the class's drawings"),
}


def _changes(preset_spec: ModelSpec, spec: ModelSpec) -> list[str]:
    changes = []
    for field in dataclasses.fields(ModelSpec):
        old, new = getattr(preset_spec, field.name), getattr(spec, field.name)
        if old != new:
            label = _(CHANGE_LABELS[field.name]) if field.name in CHANGE_LABELS else field.name.replace("_", " ")
            changes.append(f"{label} {_show(old)} → {_show(new)}")
    return changes


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(str(v) for v in value) + ")" if value else _("none")
    return f"{value:g}" if isinstance(value, float) else str(value)


def _architecture_controls(sidebar: Any, slot: Callable[[str], None], family: str) -> None:
    """Conv blocks, dense layers and activation: what the family has."""
    if family == "cnn":
        sidebar.slider(_("Conv blocks (conv → pool)"), 1, 3, key="train_conv_blocks", persist_state=PERSIST,
                       help=_("Each block halves the image: 28 → 14 → 7 → 4."))
        slot("train_conv_blocks")
        sidebar.select_slider(_("Filters in the first block (doubling per block)"), FIRST_FILTERS, key="train_conv_filters",
                              persist_state=PERSIST)
        slot("train_conv_filters")
        sidebar.select_slider(_("Kernel size"), KERNEL_SIZES, key="train_kernel", format_func=lambda k: f"{k}×{k}",
                              persist_state=PERSIST)
    if family != "softmax":
        sidebar.slider(_("Fully connected layers") if family == "cnn" else _("Hidden layers"), 0 if family == "cnn" else 1, 10,
                       key="train_hidden_layers", persist_state=PERSIST)
        slot("train_hidden_layers")
        sidebar.select_slider(_("Units per layer"), WIDTHS, key="train_width", persist_state=PERSIST)
        slot("train_width")
        sidebar.selectbox(_("Activation"), ACTIVATIONS, key="train_activation", persist_state=PERSIST)


def _training_controls(sidebar: Any, slot: Callable[[str], None], family: str) -> None:
    """Initialiser, regularisation, optimizer, batch size and training length."""
    sidebar.selectbox(_("Initialiser (weights)"), WEIGHT_INITIALIZERS, key="train_weight_init", persist_state=PERSIST,
                      help=_("xavier = Glorot uniform (Keras' default); random_normal uses the preset's σ."))
    slot("train_weight_init")
    if family != "softmax":
        sidebar.slider(_("keep_prob (dropout)"), 0.0, 1.0, step=0.05, key="train_keep_prob", persist_state=PERSIST,
                       help=_("Fraction of units kept in training; Keras Dropout(rate = 1 - keep_prob). Tests use every "
                              "unit."))
        slot("train_keep_prob")
        sidebar.toggle(_("Batch norm"), key="train_batch_norm", persist_state=PERSIST)
    sidebar.select_slider(_("L2 (weight decay)"), L2_FACTORS, key="train_l2", format_func=_show, persist_state=PERSIST)
    slot("train_l2")
    sidebar.selectbox(_("Optimizer"), OPTIMIZERS, key="train_optimizer", persist_state=PERSIST)
    sidebar.select_slider(_("Learning rate"), LEARNING_RATES, key="train_learning_rate", format_func=_show,
                          persist_state=PERSIST)
    slot("train_learning_rate")
    sidebar.select_slider(_("Batch size"), BATCH_SIZES, key="train_batch_size", persist_state=PERSIST)
    slot("train_batch_size")
    sidebar.radio(_("Train for"), ("epochs", "steps"), key="train_length_unit", horizontal=True, persist_state=PERSIST,
                  format_func=lambda unit: _(LENGTH_UNITS[unit]))
    if st.session_state["train_length_unit"] == "epochs":
        sidebar.slider(_("Epochs"), 1, 50, key="train_epochs", persist_state=PERSIST)
        slot("train_epochs")
    else:
        sidebar.number_input(_("Steps (batches)"), min_value=1, max_value=1_000_000, step=100, key="train_steps",
                             persist_state=PERSIST)
        slot("train_steps")
    sidebar.toggle(_("Early stopping"), key="train_early_stopping", persist_state=PERSIST,
                   help=_("Stop when validation accuracy has not improved for `patience` epochs."))
    if st.session_state["train_early_stopping"]:
        sidebar.slider(_("Patience (epochs)"), 1, 10, key="train_patience", persist_state=PERSIST)
        slot("train_patience")
    try:
        kept = sum(labelled.counts().values())
    except (sqlite3.Error, OSError):  # the drawings' store is unreadable: the switch still works, the count says 0
        kept = 0
    sidebar.toggle(_("Add the class's drawings ({count})").format(count=kept), key="train_class_drawings",
                   persist_state=PERSIST, help=_("The digits visitors labelled on the Draw page join the training "
                                                 "digits; about one in five is held out to measure the model on them."))


def _spec_error(error: SpecError) -> str:
    """A setting's error in the visitor's language (the detail, from core.lecture.spec, stays in English)."""
    return _("Not allowed: {detail}").format(detail=str(error))


def model_settings() -> FormResult:
    """Draw the sidebar (preset + settings) and return the spec it describes, or its errors."""
    if "train_preset" not in st.session_state:
        _first_visit()
    if st.session_state.get("train_family") == "mlp" and st.session_state.get("train_hidden_layers", 1) < 1:
        st.session_state["train_hidden_layers"] = 1  # a CNN may have no dense layer; a ReLU net has at least one
    sidebar = st.sidebar
    slots: dict[str, Any] = {}

    def slot(key: str) -> None:
        slots[key] = sidebar.empty()

    sidebar.selectbox(_("Lecture preset"), list(PRESETS), key="train_preset", on_change=fill_from_preset,
                      format_func=lambda name: f"{name} — {_(PRESETS[name].title)}", persist_state=PERSIST,
                      help=_("Fills every control with the lecture's settings. Change any control for a custom model."))
    slot("train_general")
    sidebar.radio(_("Model"), list(FAMILIES), key="train_family", format_func=lambda family: _(FAMILIES[family]),
                  persist_state=PERSIST)
    family = st.session_state["train_family"]
    _architecture_controls(sidebar, slot, family)
    _training_controls(sidebar, slot, family)

    preset = PRESETS[st.session_state["train_preset"]]
    values = {key: st.session_state.get(key, default) for key, default in _controls_from_spec(preset.spec).items()}
    if family == "softmax":  # hidden controls are not drawn: keep what the spec needs
        values["train_keep_prob"], values["train_batch_norm"] = 1.0, False
    spec = _spec_from_controls(preset.spec, values)
    errors: dict[str, str] = {}
    try:
        spec.validate()
    except SpecError as error:
        errors[FIELD_CONTROLS.get(error.field, "train_general")] = _spec_error(error)
    for key, message in errors.items():
        (slots.get(key) or slots["train_general"]).error(message)
    return FormResult(preset=preset, spec=None if errors else spec, changes=_changes(preset.spec, spec), errors=errors)
