"""The teacher's sign-in in the sidebar, and who the visitor is, for every page.

With a teacher password set (README, "A classroom server"), visitors sign in nowhere: they draw,
watch and train within the limits. The teacher signs in with the password; the session then
holds a flag no widget can set, and every teacher action in core/ checks the `Actor` built here.
With no password the lab is a desk app and whoever uses it is the teacher.

A visitor is their device (the connection's IP address), so a reload keeps their runs and their
quota; on the server's own machine (no address), their browser session.
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core import settings
from core.classroom.roles import Actor, Refusal, check_password, password_required
from core.i18n import _

SIGNED_IN_KEY = "classroom_teacher_signed_in"  # set only by sign_in after the password check; never a widget key
PASSWORD_INPUT_KEY = "teacher_password_input"
FAILED_PAUSE_SECONDS = 1.0  # a wrong password costs a second: guessing by hand is slow, by script slower


def visitor_id() -> str:
    """Who the visitor is: their device's address, else (on the server's own machine) their browser session."""
    address = st.context.ip_address
    if isinstance(address, str) and address:
        return f"ip:{address}"
    context = get_script_run_ctx(suppress_warning=True)
    return f"session:{context.session_id}" if context is not None else "session:unknown"


def is_teacher() -> bool:
    """True for the signed-in teacher, and for everyone when no teacher password is set (a desk app)."""
    return not password_required() or st.session_state.get(SIGNED_IN_KEY) is True


def actor() -> Actor:
    """The visitor as core/ sees them: who they are and whether they are the teacher."""
    return Actor(visitor_id(), is_teacher())


def show_refusal(error: Refusal) -> None:
    """A refused action, in the visitor's language."""
    st.error(error.localized(), icon=":material/block:")


def _sign_in() -> None:
    given = st.session_state.get(PASSWORD_INPUT_KEY, "")
    st.session_state[PASSWORD_INPUT_KEY] = ""
    if check_password(given):
        st.session_state[SIGNED_IN_KEY] = True
        st.session_state.pop("teacher_sign_in_failed", None)
    else:
        time.sleep(FAILED_PAUSE_SECONDS)
        st.session_state["teacher_sign_in_failed"] = True


def _sign_out() -> None:
    st.session_state.pop(SIGNED_IN_KEY, None)


def _open_without_password() -> bool:
    """True when this server listens beyond this machine with no teacher password: anyone could manage it."""
    address = str(st.get_option("server.address") or "")
    return bool(address) and not settings.is_local_address(address) and not password_required()


def teacher_sidebar() -> None:
    """The sidebar's teacher part: sign in or out (nothing to do in a desk app, which says so)."""
    if _open_without_password():
        st.error(_("This server is open to the network without a teacher password: every visitor can delete "
                   "models and cancel runs. Set MNIST_LAB_TEACHER_PASSWORD and restart it."), icon=":material/lock_open:")
    if not password_required():
        st.caption(_("Desk mode: no teacher password is set, so whoever uses this app is the teacher."))
        return
    if st.session_state.get(SIGNED_IN_KEY) is True:
        st.success(_("Signed in as the teacher."), icon=":material/school:")
        st.button(_("Sign out"), key="teacher_sign_out", on_click=_sign_out, icon=":material/logout:")
        return
    with st.popover(_("Teacher"), icon=":material/school:"):
        with st.form("teacher_sign_in", clear_on_submit=False, border=False):
            st.text_input(_("Teacher password"), type="password", key=PASSWORD_INPUT_KEY)
            st.form_submit_button(_("Sign in"), on_click=_sign_in)
        if st.session_state.get("teacher_sign_in_failed"):
            st.error(_("That is not the teacher password."))
