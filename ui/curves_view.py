"""The Curves page's parts: pick runs (kept in the URL), draw their progress, curves, results and lessons live."""

from __future__ import annotations

import time
from typing import Sequence

import streamlit as st

from core import settings
from core.charts import comparison, curves, inside, lessons, progress
from core.classroom.roles import Refusal
from core.i18n import _, ngettext
from core.i18n.formats import percent
from core.runs import dispatcher
from core.runs import store as runs
from core.runs.records import Run
from ui.navigation import is_presenting
from ui.teacher import actor, is_teacher, show_refusal, visitor_id

LESSON_STYLES = {lessons.Level.ERROR: st.error, lessons.Level.WARNING: st.warning, lessons.Level.INFO: st.info,
                 lessons.Level.SUCCESS: st.success}

REFRESH_SECONDS = 0.75  # the live area redraws this often while a selected run is active: with the worker's
# 0.25 s flushes, a logged cost reaches the screen in about a second (bench/worker_speed.py measures it)
RUN_PARAM = "run"  # ?run=3&run=5: the selected runs survive a reload and can be shared
STACK_BELOW_CSS = """<style>
@media (max-width: 1100px) {
  .st-key-curves_charts [data-testid="stHorizontalBlock"] { flex-direction: column; }
  .st-key-curves_charts [data-testid="stColumn"] { width: 100% !important; flex: 1 1 100% !important; }
}
</style>"""


def run_label(run: Run) -> str:
    """'#3 nn-xavier (finished)', the status in the visitor's language."""
    return f"{run.label} ({lessons.status_text(run.status)})"


def select_runs(all_runs: Sequence[Run]) -> list[int]:
    """The run picker; its first value comes from the URL (?run=…), else the newest run, and it writes back to the URL."""
    by_id = {run.id: run for run in all_runs}
    if "curves_runs" not in st.session_state:
        from_url = [int(value) for value in st.query_params.get_all(RUN_PARAM) if value.isdigit()]
        st.session_state["curves_runs"] = [run_id for run_id in from_url if run_id in by_id] or [all_runs[0].id]
    selected = st.multiselect(_("Runs to show (overlaid)"), list(by_id), key="curves_runs",
                              format_func=lambda run_id: by_id[run_id].label,  # stable: the status changes
                              help=_("Pick finished and running runs to compare. The page address keeps the choice."))
    if selected:
        st.query_params[RUN_PARAM] = [str(run_id) for run_id in selected]
    elif RUN_PARAM in st.query_params:
        del st.query_params[RUN_PARAM]
    return selected


def _show_active(run: Run, metrics: list[dict], places: dict[int, int]) -> None:
    """Progress bar (running) or place in the queue (queued), with a Cancel button."""
    text_column, button_column = st.columns([5, 1], vertical_alignment="bottom")
    with text_column:
        if run.status == "queued":
            place = places.get(run.id)
            parallel = settings.max_parallel_runs()
            waiting = _("{run} is waiting: place **{place}** in the queue").format(run=run.label, place=place)
            st.info(waiting + " " + (ngettext("({count} run trains at a time).", "({count} runs train at a time).",
                                              parallel).format(count=parallel) if parallel else
                                     _("(the queue is paused by the teacher's settings).")))
        else:
            where = progress.progress(run, metrics, time.time())
            label = f"**{run.label}** · " + (where.text if where else progress.phase_text(run.phase))
            if run.cancel_requested:
                label += " · " + _("cancelling…")
            st.progress(where.fraction if where else 0.0, text=label)
    if is_teacher() or run.owner == visitor_id():  # the server checks again: core.runs.store.cancel
        button_column.button(_("Cancel"), key=f"curves_cancel_{run.id}", disabled=run.cancel_requested,
                             on_click=cancel_run, args=(run.id,), help=_("Stop this run; nothing is saved."))


def cancel_run(run_id: int) -> None:
    """The Cancel button's callback: the run's owner or the teacher cancels it; anyone else is told why not."""
    try:
        runs.cancel(run_id, actor())
    except Refusal as error:
        st.session_state["curves_refusal"] = error


def _shown(row: dict) -> dict[str, str]:
    """A results row as text: accuracies in per cent, a dash where there is no value."""
    shown = {}
    for key, value in row.items():
        if value is None:
            shown[key] = "–"
        elif isinstance(value, float):
            shown[key] = f"{value * 100:+.2f}" if key == _("train − test gap") else percent(value, 2)
        else:
            shown[key] = str(value)
    return shown


def compare_runs(selected: Sequence[Run]) -> None:
    """The selected runs side by side: the settings that differ (or all of them) and what each achieved."""
    st.subheader(_("Side by side"))
    differing = st.toggle(_("Only the settings that differ"), value=True, key="curves_diff_only")
    st.table(comparison.setting_rows(selected, differing_only=differing) + comparison.result_rows(selected))


def inside_network(data: Sequence[tuple[Run, list[dict]]]) -> None:
    """Each layer's gradient, weights and dead units, on demand (four more charts: only when asked for)."""
    if not inside.has_layers(data):
        return
    if not st.toggle(_("Look inside the network: every layer's gradient, weights and dead units"), key="curves_inside",
                     help=_("Why deep sigmoid nets stop learning, why all-zero weights never break the symmetry: "
                            "recorded after every epoch and about twenty times during the first.")):
        return
    gradient, ratio = (st.container(), st.container()) if is_presenting() else st.columns(2)
    gradient.plotly_chart(inside.by_layer(data, "gradient_norm", log=True), key="inside_gradient")
    ratio.plotly_chart(inside.gradient_ratio_over_time(data), key="inside_ratio")
    dead, weights = (st.container(), st.container()) if is_presenting() else st.columns(2)
    dead.plotly_chart(inside.by_layer(data, "dead_fraction"), key="inside_dead")
    weights.plotly_chart(inside.by_layer(data, "weight_std"), key="inside_weights")
    for run, metrics in data:
        if same := inside.identical_layers(run, metrics):
            st.warning(_("{run}: every unit of {layers} is identical — the symmetry was never broken, so they all "
                         "learn the same thing.").format(run=run.label, layers=", ".join(same)))


def live_area(run_ids: Sequence[int], axis: str, log_cost: bool, statuses: dict[int, str]) -> None:
    """Progress, curves and results of the selected runs; the page runs it as a fragment while any is active."""
    if refusal := st.session_state.pop("curves_refusal", None):
        show_refusal(refusal)
    try:
        dispatcher.reconcile()
        selected = [run for run in (runs.get_run(run_id) for run_id in run_ids) if run is not None]
    except runs.StoreUnavailable as error:
        st.warning(error.localized(), icon=":material/database:")
        return
    if any(statuses.get(run.id) != run.status for run in selected):
        st.rerun(scope="app")  # a run started or ended: redraw the page (and stop refreshing if nothing is active)
    data = [(run, runs.get_metrics(run.id)) for run in selected]
    places = runs.queue_positions()
    for run, metrics in data:
        if run.is_active:
            _show_active(run, metrics, places)
    cost_figure, accuracy_figure = curves.curve_figures(data, axis=axis, log_cost=log_cost)
    # Side by side on a wide screen; one above the other below 1100 px (a projector) and in presentation mode.
    with st.container(key="curves_charts"):
        cost_column, accuracy_column = (st.container(), st.container()) if is_presenting() else st.columns(2)
    st.html(STACK_BELOW_CSS)
    cost_column.plotly_chart(cost_figure, key="curves_cost", config={"displaylogo": False})
    accuracy_column.plotly_chart(accuracy_figure, key="curves_accuracy", config={"displaylogo": False})
    st.caption(_(curves.LEGEND_NOTE))
    inside_network(data)
    if len(selected) > 1:
        compare_runs(selected)
    finished = [run for run in selected if not run.is_active]
    if finished:
        st.subheader(_("Results"))
        st.table([_shown(lessons.summary_row(run)) for run in finished])  # HTML: wraps on a phone, no "None"
        for run in finished:
            for level, text in lessons.lessons(run):
                LESSON_STYLES[level](text)
