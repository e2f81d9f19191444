"""The sidebar's page list, the same on every page (Streamlit's own list would call the home page "app")."""

import streamlit as st

PAGES = [
    ("app.py", "Home", ":material/home:"),
    ("pages/1_Train.py", "Train", ":material/model_training:"),
    ("pages/2_Curves.py", "Curves", ":material/show_chart:"),
    ("pages/3_Draw.py", "Draw", ":material/draw:"),
]


def sidebar_navigation() -> None:
    """Links to every page at the top of the sidebar."""
    with st.sidebar:
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
        st.divider()
