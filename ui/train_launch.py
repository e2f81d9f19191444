"""The Train page's launch controls: the model's name (a fresh default for each run) and the quick-run choice.

The default name is the preset and a short id, with -custom and -quick when so (nn-dropout-quick-3f2a),
made once per (preset, custom, quick) and renewed after each run is queued; a name the visitor typed is
kept. A shipped model's name is refused, another saved model's too unless the teacher chooses to
replace it. The settings are written to the page's address here, once every control is drawn.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.i18n import _
from core.i18n.formats import number
from core.models.store import is_shipped, model_exists, sanitize_name
from core.runs.admission import default_name
from ui import lesson_link
from ui.train_form import PERSIST, QUICK_RUN_SIZES, URL_FIELDS, FormResult, control_defaults

AUTO_NAME_KEY = "train_auto_name"  # ((preset, custom, quick), the default name made for it)


def new_default_name() -> None:
    """Forget the current default name (a callback, after a run is queued): the next one gets a fresh short id."""
    auto = st.session_state.pop(AUTO_NAME_KEY, None)
    if auto is not None and st.session_state.get("train_name") == auto[1]:
        st.session_state["train_name"] = ""


def _default_name(form: FormResult) -> str:
    """The default name for this preset, custom or not, quick or not: made once, kept until one of them changes."""
    shape = (form.preset.name, form.is_custom, bool(st.session_state.get("train_quick")))
    auto = st.session_state.get(AUTO_NAME_KEY)
    if auto is None or tuple(auto[0]) != shape:
        auto = (shape, default_name(form.preset.name, quick=shape[2], custom=shape[1]))
        previous = st.session_state.get(AUTO_NAME_KEY)
        if st.session_state.get("train_name") in (None, "", previous[1] if previous else None):
            st.session_state["train_name"] = auto[1]
        st.session_state[AUTO_NAME_KEY] = auto
    return auto[1]


def _name_control(form: FormResult, column: Any, teacher: bool) -> None:
    if not st.session_state.get("train_name"):
        st.session_state["train_name"] = _default_name(form)
    column.text_input(_("Save the trained model as"), key="train_name", max_chars=64, persist_state=PERSIST,
                      help=_("Letters, digits, '-' and '_'. The Draw page lists it under this name."))
    try:
        form.name = sanitize_name(st.session_state["train_name"])
    except ValueError:
        form.errors["train_name"] = _("A name needs letters or digits: use letters, digits, '-' or '_'.")
        column.error(form.errors["train_name"])
        return
    if form.name != st.session_state["train_name"].strip():
        column.caption(_("Saved as **{name}**").format(name=form.name))
    if is_shipped(form.name):
        form.errors["train_name"] = _("{name} is a shipped lecture model: it cannot be replaced. Choose another "
                                      "name.").format(name=form.name)
        column.error(form.errors["train_name"])
    elif model_exists(form.name):
        if teacher:
            form.replace = column.toggle(_("Replace the saved model {name}").format(name=form.name),
                                         key="train_replace", value=False)
        if not form.replace:
            form.errors["train_name"] = _("A saved model is already called {name}: choose another name.").format(
                name=form.name)
            column.error(form.errors["train_name"])


def launch_settings(form: FormResult, teacher: bool = True) -> FormResult:
    """Draw the model name and the quick-run choice (main area); adds them, and their errors, to `form`."""
    _default_name(form)
    left = st.container()
    _name_control(form, left, teacher)
    right = st.container()  # full width: in half a projector's width the toggle's label was cut off with "…"
    right.toggle(_("Quick run: train on a slice of the digits"), key="train_quick", persist_state=PERSIST,
                 help=_("For class demos: the same model, trained on the first N of the 55,000 training digits. "
                        "Its name says 'quick'."))
    if st.session_state.get("train_quick"):
        size = right.select_slider(_("Training digits"), QUICK_RUN_SIZES, key="train_quick_size",
                                   format_func=number, persist_state=PERSIST)
        batch_size = st.session_state["train_batch_size"]
        if size < batch_size:
            form.errors["train_quick_size"] = _("The slice ({size} digits) is smaller than one batch ({batch}).").format(
                size=number(size), batch=number(batch_size))
            right.error(form.errors["train_quick_size"])
        form.train_limit = size
    lesson_link.write_url(form.preset.name, URL_FIELDS, control_defaults(form.preset))
    return form
