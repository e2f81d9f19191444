"""The Train page's view of the queue: what trains now and what waits, and the visitor's share of it."""

from __future__ import annotations

import streamlit as st

from core.classroom.limits import current_limits
from core.classroom.roles import password_required
from core.i18n import N_, _
from core.runs import store as runs
from core.runs.records import Run
from ui.teacher import visitor_id

STATUS_LABELS = {"queued": N_("queued"), "running": N_("running"), "finished": N_("finished"),
                 "diverged": N_("diverged"), "cancelled": N_("cancelled"), "failed": N_("failed"),
                 "interrupted": N_("interrupted")}


def status_label(status: str) -> str:
    """A run's status in the visitor's language."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def _where(run: Run, places: dict[int, int]) -> str:
    if run.id in places:
        return _("place {place} in the queue").format(place=places[run.id])
    return _(run.phase) if run.phase else status_label(run.status)


def active_runs(shown: set[int]) -> None:
    """The queue: what trains now and what waits (a fragment refreshed every 2 s while any is active)."""
    try:
        active = [run for run in runs.list_runs(limit=50) if run.is_active]
        places = runs.queue_positions()
    except runs.StoreUnavailable as error:
        st.warning(error.localized(), icon=":material/database:")
        return
    if {run.id for run in active} != shown:
        st.rerun(scope="app")  # one started or ended: redraw the page (and stop refreshing when none is left)
    if not active:
        return
    st.subheader(_("Training now and waiting"))
    mine = visitor_id()
    for run in sorted(active, key=lambda run: run.id):
        who = _(" (yours)") if run.owner == mine else ""
        st.page_link("pages/2_Curves.py", label=f"{run.label}{who}: {_where(run, places)}",
                     query_params={"run": str(run.id)})


def quota_note(teacher: bool) -> None:
    """A visitor's limits in one line (nothing in a desk app or for the teacher)."""
    if teacher or not password_required():
        return
    limits = current_limits()
    try:
        mine = sum(1 for run in runs.list_runs(limit=200) if run.is_active and run.owner == visitor_id())
    except runs.StoreUnavailable:
        return
    st.caption(_("Your runs waiting or training: {count} of {limit}. Visitors' runs: at most {steps} steps and "
                 "{parameters} parameters.").format(count=mine, limit=limits.runs_per_visitor,
                                                    steps=f"{limits.visitor_max_steps:,}",
                                                    parameters=f"{limits.visitor_max_parameters:,}"))
