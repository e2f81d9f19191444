"""Curves: watch the cost fall while a run trains, and compare runs (the selection lives in the page address)."""

import streamlit as st

from core.i18n import N_, _
from core.runs import store as runs
from core.runs.records import ACTIVE_STATUSES
from ui.curves_view import REFRESH_SECONDS, live_area, select_runs
from ui.navigation import link_params, setup_page
from ui.run_service import ensure_run_service, store_trouble

setup_page(N_("Curves"), ":material/show_chart:")
AXIS_NAMES = {"step": _("step"), "epoch": _("epoch")}
trouble = ensure_run_service()
st.title(_("Cost curves"))
if trouble is not None:
    store_trouble(trouble)
    st.stop()

all_runs = runs.list_runs()
if not all_runs:
    st.info(_("No runs yet. Set up a model on the Train page and press Train; its curves appear here as it learns."))
    st.page_link("pages/1_Train.py", label=_("Go to the Train page"), icon=":material/model_training:",
                 query_params=link_params())
    st.stop()

selected = select_runs(all_runs)
axis_column, scale_column = st.columns([3, 2])
axis = axis_column.segmented_control(
    _("x axis"), ("step", "epoch"), default="step", key="curves_axis", format_func=AXIS_NAMES.get,
    help=_("step: every 10th batch. epoch: the lecture's 'Epoch: 0001 cost = …' points. "
           "✕ marks: the costs the lecture's own file printed (lab 10-1 to 10-5)."))
log_cost = scale_column.toggle(_("Log scale for the cost"), key="curves_log_cost",
                               help=_("Compares a cost of 141 (bad initialisation) with one of 0.3 on one chart."))
if not selected:
    st.info(_("Pick one or more runs above."))
    st.stop()

by_id = {run.id: run for run in all_runs}
statuses = {run_id: by_id[run_id].status for run_id in selected}
any_active = any(status in ACTIVE_STATUSES for status in statuses.values())
st.fragment(live_area, run_every=REFRESH_SECONDS if any_active else None)(selected, axis or "step", log_cost, statuses)
