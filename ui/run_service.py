"""The run service's life cycle on the server: recover once after a restart, supervise, keep the queue moving.

At the first page load of a server (per run store) it removes temporary files that killed
processes left in the models folder, marks runs of an earlier boot interrupted, retires the spare
workers an earlier server left waiting, and starts a supervisor thread that notices a dead worker,
moves the queue and keeps a spare worker ready every second, with or without a page open. Pages
wait a few seconds at most for the store's lock; a busy or damaged store is told in one line
(`store_trouble`), with the teacher's way out for a damaged one.
"""

from __future__ import annotations

import sqlite3

import streamlit as st

from core.classroom.roles import Refusal
from core.i18n import _
from core.models.store import remove_stale_temporary_files
from core.runs import dispatcher, spares
from core.runs import store as runs
from core.runs.database import StoreDamaged, StoreUnavailable, move_damaged_store_aside
from ui.teacher import actor, is_teacher, show_refusal

PAGE_BUSY_SECONDS = 2.0  # a page says "busy" after this long rather than hang


@st.cache_resource(show_spinner=False)
def _start_run_service(store: str) -> tuple[sqlite3.Connection, dispatcher.Supervisor]:
    """Once per server and store: clean up, recover runs of an earlier boot, start the supervisor.

    Returns a connection the server keeps open for its lifetime (so every short-lived one is cheap) and the supervisor.
    """
    remove_stale_temporary_files()
    dispatcher.mark_interrupted()
    spares.retire_waiting()  # a spare of an earlier server may run older code: the supervisor starts a new one
    return runs.hold_open(), dispatcher.Supervisor().start()


def ensure_run_service() -> StoreUnavailable | None:
    """Call at the top of every page that uses runs: recover, supervise, start queued runs; the store's trouble if any."""
    runs.set_busy_timeout(PAGE_BUSY_SECONDS)
    try:
        _start_run_service(str(runs.database_path()))
        dispatcher.reconcile()
    except StoreUnavailable as error:
        return error
    return None


def _move_aside() -> None:
    try:
        move_damaged_store_aside(actor())
    except Refusal as error:
        st.session_state["run_store_refusal"] = error
        return
    try:  # the service of the damaged store, if it had started: stop it; the next page starts a new one
        keeper, supervisor = _start_run_service(str(runs.database_path()))
        supervisor.stop()
        keeper.close()
    except StoreUnavailable:
        pass
    _start_run_service.clear()


def store_trouble(error: StoreUnavailable) -> None:
    """The store's trouble in one line; for a damaged store, the teacher's button to start a new one."""
    st.warning(error.localized(), icon=":material/database:")
    if isinstance(error, StoreDamaged) and is_teacher():
        st.button(_("Move the damaged run store aside and start a new one"), key="run_store_move_aside",
                  on_click=_move_aside, icon=":material/restart_alt:",
                  help=_("The damaged file is kept beside the new one, renamed, for inspection. Past runs are not shown "
                         "any more; the saved models are not touched."))
    if "run_store_refusal" in st.session_state:
        show_refusal(st.session_state.pop("run_store_refusal"))
