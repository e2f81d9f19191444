"""What every page does first: its language, its page settings, the sidebar's page list and the presentation mode.

The language and the presentation mode live in the page's address (`?lang=en`, `?present=1`),
so they survive a reload and a shared link, and in the session, so they survive page changes.
Korean is the default unless the teacher set `MNIST_LAB_LANGUAGE`.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.i18n import LANGUAGES, N_, _, use_language_source
from core.i18n.catalog import PSEUDO_LANGUAGE, default_language
from ui.teacher import teacher_sidebar

PAGES = [
    ("app.py", N_("Home"), ":material/home:"),
    ("pages/1_Train.py", N_("Train"), ":material/model_training:"),
    ("pages/2_Curves.py", N_("Curves"), ":material/show_chart:"),
    ("pages/3_Draw.py", N_("Draw"), ":material/draw:"),
    ("pages/4_Models.py", N_("Models"), ":material/inventory_2:"),
    ("pages/5_Class_digits.py", N_("Class digits"), ":material/groups:"),
]
LANGUAGE_KEY = "lang"  # in the session and in the address
PRESENT_KEY = "present"
# Korean wraps between words, as Korean typesetting does (the browser's default breaks words mid-syllable run).
WRAPPING_CSS = "<style>.stApp { word-break: keep-all; overflow-wrap: break-word; }</style>"
# Presentation mode: larger type for the back of the room, narrower margins for a 1024×768 projector.
PRESENTATION_CSS = """<style>
html { font-size: 20px; }
.block-container { padding-top: 2.5rem; padding-left: 1.5rem; padding-right: 1.5rem; max-width: 100%; }
</style>"""


def _session_language() -> str | None:
    """The visitor's language, when asked from inside a page run (None elsewhere: threads, workers)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.get(LANGUAGE_KEY)


use_language_source(_session_language)


def _choose_language() -> str:
    """The address's ?lang= first, then the session's choice, then the teacher's default."""
    from_url = st.query_params.get(LANGUAGE_KEY)
    if from_url in LANGUAGES or from_url == PSEUDO_LANGUAGE:
        st.session_state[LANGUAGE_KEY] = from_url
    chosen = st.session_state.setdefault(LANGUAGE_KEY, default_language())
    st.query_params[LANGUAGE_KEY] = chosen
    return chosen


def is_presenting() -> bool:
    """True when presentation mode is on for this visitor (larger type, sidebar collapsed)."""
    return bool(st.session_state.get(PRESENT_KEY, False))


def _choose_presentation() -> bool:
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get(PRESENT_KEY) == "1"
    if st.session_state[PRESENT_KEY]:
        st.query_params[PRESENT_KEY] = "1"
    elif PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]
    return st.session_state[PRESENT_KEY]


def _switch_language() -> None:
    chosen = st.session_state["nav_language"]
    if chosen is not None:  # pressing the chosen language again deselects it: keep the language
        st.session_state[LANGUAGE_KEY] = chosen


def link_params(**extra: str) -> dict[str, str]:
    """Query parameters for a link to another page: this visitor's language and presentation mode, plus `extra`."""
    presenting = {PRESENT_KEY: "1"} if is_presenting() else {}
    return {LANGUAGE_KEY: st.session_state.get(LANGUAGE_KEY, default_language()), **presenting, **extra}


def setup_page(title: str, icon: str) -> None:
    """The first call of every page: language, page settings, sidebar (pages, language, presentation mode)."""
    language = _choose_language()
    presenting = _choose_presentation()
    page_title = _(title) + " · MNIST lab" if title != "Home" else "MNIST lab"
    st.set_page_config(page_title=page_title, page_icon=icon, layout="wide",
                       initial_sidebar_state="collapsed" if presenting else "auto")
    st.html(WRAPPING_CSS + (PRESENTATION_CSS if presenting else ""))
    with st.sidebar:
        for path, label, page_icon in PAGES:
            st.page_link(path, label=_(label), icon=page_icon, query_params=link_params())
        st.divider()
        st.session_state["nav_language"] = language if language in LANGUAGES else None
        st.segmented_control(_("Language"), list(LANGUAGES), format_func=LANGUAGES.get, key="nav_language",
                             on_change=_switch_language, label_visibility="collapsed")
        st.toggle(_("Presentation mode"), key=PRESENT_KEY,
                  help=_("Larger type for a projector, with the sidebar folded away. The page address keeps it."))
        teacher_sidebar()
        st.divider()
