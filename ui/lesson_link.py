"""Lesson links: the Train page's settings live in the page's address, so a link reproduces a lesson.

    /Train?preset=nn-dropout&lr=0.01&layers=3

The address holds the preset and every control that differs from it (short names below). Opening
such a link, reloading, or opening it on another machine fills the controls the same way. A value
the controls cannot take (a typo, an old link) is left out and named in a note; the rest still
applies. The model's name is never in the link: every visitor gets their own.
"""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from core.lecture.presets import PRESETS
from core.lecture.spec import ACTIVATIONS, OPTIMIZERS, WEIGHT_INITIALIZERS

PRESET_PARAM = "preset"


def _int_range(low: int, high: int) -> Callable[[str], Any]:
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value
    return parse


def _choice(choices: tuple, kind: type = str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        for choice in choices:
            if choice == value:
                return choice
        raise ValueError(text)
    return parse


def _flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError(text)
    return text == "1"


def url_fields(choices: dict[str, tuple]) -> dict[str, tuple[str, Callable[[str], Any]]]:
    """Address key → (control's session key, parser that raises ValueError for a value the control cannot take)."""
    return {
        "family": ("train_family", _choice(choices["families"])),
        "blocks": ("train_conv_blocks", _int_range(1, 3)),
        "filters": ("train_conv_filters", _choice(choices["filters"], int)),
        "kernel": ("train_kernel", _choice(choices["kernels"], int)),
        "layers": ("train_hidden_layers", _int_range(0, 10)),
        "width": ("train_width", _choice(choices["widths"], int)),
        "act": ("train_activation", _choice(ACTIVATIONS)),
        "init": ("train_weight_init", _choice(WEIGHT_INITIALIZERS)),
        "keep": ("train_keep_prob", _choice(tuple(round(0.05 * step, 2) for step in range(21)), float)),
        "bn": ("train_batch_norm", _flag),
        "l2": ("train_l2", _choice(choices["l2"], float)),
        "opt": ("train_optimizer", _choice(OPTIMIZERS)),
        "lr": ("train_learning_rate", _choice(choices["learning_rates"], float)),
        "batch": ("train_batch_size", _choice(choices["batch_sizes"], int)),
        "unit": ("train_length_unit", _choice(("epochs", "steps"))),
        "epochs": ("train_epochs", _int_range(1, 50)),
        "steps": ("train_steps", _int_range(1, 1_000_000)),
        "es": ("train_early_stopping", _flag),
        "patience": ("train_patience", _int_range(1, 10)),
        "quick": ("train_quick", _flag),
        "digits": ("train_quick_size", _choice(choices["quick_sizes"], int)),
    }


def preset_from_url(default: str) -> tuple[str, list[str]]:
    """The preset the address names (else `default`), and the address keys that could not be used."""
    named = st.query_params.get(PRESET_PARAM)
    if named is None:
        return default, []
    return (named, []) if named in PRESETS else (default, [PRESET_PARAM])


def controls_from_url(fields: dict[str, tuple[str, Callable[[str], Any]]]) -> tuple[dict[str, Any], list[str]]:
    """(session values the address sets, address keys that could not be used)."""
    values, ignored = {}, []
    for key, (control, parse) in fields.items():
        text = st.query_params.get(key)
        if text is None:
            continue
        try:
            values[control] = parse(text)
        except ValueError:
            ignored.append(key)
    return values, ignored


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return f"{value:g}" if isinstance(value, float) else str(value)


def write_url(preset: str, fields: dict[str, tuple[str, Callable[[str], Any]]], defaults: dict[str, Any]) -> None:
    """Put the preset and every control that differs from the preset's own value into the address."""
    wanted = {PRESET_PARAM: preset}
    for key, (control, _) in fields.items():
        value = st.session_state.get(control)
        if value is not None and value != defaults.get(control):
            wanted[key] = _text(value)
    for key in [PRESET_PARAM, *fields]:
        if key in wanted and st.query_params.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and key in st.query_params:
            del st.query_params[key]
