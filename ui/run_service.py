"""The run service's life cycle on the server: recover once after a restart, then keep the queue moving."""

from __future__ import annotations

import sqlite3

import streamlit as st

from core.runs import dispatcher
from core.runs import store as runs


@st.cache_resource(show_spinner=False)
def _start_run_service(store: str) -> sqlite3.Connection:
    """Once per server and store: runs left 'running' by a previous server whose worker is gone → interrupted.

    Returns a connection the server keeps open for its lifetime, so every short-lived one is cheap.
    """
    dispatcher.mark_interrupted()
    return runs.hold_open()


def ensure_run_service() -> None:
    """Call at the top of every page that uses runs: recover after a restart, fail dead workers, start queued runs."""
    _start_run_service(str(runs.database_path()))
    dispatcher.reconcile()
