"""The Models page's Classroom tab: the teacher's limits and the queue (clear it), read-only for visitors."""

from __future__ import annotations

import dataclasses

import streamlit as st

from core.classroom.limits import RANGES, Limits, current_limits, reset_limits, set_limits
from core.classroom.roles import password_required
from core.i18n import N_, _
from core.models.store import disk_use
from core.runs import store as runs
from ui.models_view import act
from ui.teacher import actor, is_teacher

LIMIT_LABELS = {
    "runs_per_visitor": N_("Runs one visitor may have waiting or training"),
    "active_runs": N_("Runs waiting or training in all (the teacher's are not counted against it)"),
    "visitor_max_steps": N_("Steps a visitor's run may train"),
    "visitor_max_parameters": N_("Parameters a visitor's model may have"),
    "visitors_quick_runs": N_("Visitors may start quick runs"),
    "visitors_full_runs": N_("Visitors may train on all 55,000 digits"),
    "max_models": N_("Saved models at most (shipped ones included)"),
    "max_models_megabytes": N_("Disk the saved models may use (MB)"),
}


def _save_limits() -> str:
    values = {name: st.session_state[f"limits_{name}"] for name in LIMIT_LABELS}
    set_limits(Limits(**values), actor())
    return _("The classroom's limits are saved.")


def _reset_limits() -> str:
    reset_limits(actor())
    for name in LIMIT_LABELS:
        st.session_state.pop(f"limits_{name}", None)
    return _("The classroom's limits are back to their defaults.")


def limits_view() -> None:
    """The limits: a form for the teacher, a list for visitors."""
    limits = current_limits()
    count, used = disk_use()
    st.caption(_("Saved models now: {count}, {megabytes} MB.").format(count=count, megabytes=round(used / 1e6, 1)))
    if not password_required():
        st.info(_("Desk mode: without a teacher password, nobody is a visitor and these limits apply to no run, "
                  "except the two on saved models."), icon=":material/info:")
    teacher = is_teacher()
    for field in dataclasses.fields(Limits):
        value, key = getattr(limits, field.name), f"limits_{field.name}"
        label = _(LIMIT_LABELS[field.name])
        if isinstance(value, bool):
            st.toggle(label, value=value, key=key, disabled=not teacher)
        else:
            low, high = RANGES[field.name]
            st.number_input(label, min_value=low, max_value=high, value=value, step=1, key=key, disabled=not teacher)
    if teacher:
        with st.container(horizontal=True):
            st.button(_("Save the limits"), key="limits_save", type="primary", on_click=act, args=(_save_limits,),
                      icon=":material/save:")
            st.button(_("Back to the defaults"), key="limits_reset", on_click=act, args=(_reset_limits,))
    else:
        st.caption(_("Only the teacher can change the classroom's limits."))


def _clear_queue() -> str:
    cleared = runs.clear_queue(actor())
    return _("Cancelled {count} waiting run(s).").format(count=len(cleared))


def queue_view() -> None:
    """What waits and trains now; the teacher may clear the waiting runs."""
    try:
        active = [run for run in runs.list_runs(limit=200) if run.is_active]
    except runs.StoreUnavailable as error:
        st.warning(error.localized(), icon=":material/database:")
        return
    waiting = [run for run in active if run.status == "queued"]
    st.markdown(_("**{running}** training, **{waiting}** waiting.").format(
        running=len(active) - len(waiting), waiting=len(waiting)))
    if is_teacher() and waiting:
        st.button(_("Clear the queue"), key="classroom_clear_queue", on_click=act, args=(_clear_queue,),
                  icon=":material/playlist_remove:", help=_("Cancels every waiting run; running ones keep training."))
