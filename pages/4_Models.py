"""Models: every saved model, its card and download; the teacher renames, deletes, restores and picks the Draw page's."""

import streamlit as st

from core.i18n import N_, _
from core.models.manage import list_models
from ui.classroom_view import limits_view, queue_view
from ui.models_insight import model_insight
from ui.models_view import draw_choice, model_details, models_table, show_message, trash_view
from ui.navigation import setup_page
from ui.run_service import ensure_run_service, store_trouble

setup_page(N_("Models"), ":material/inventory_2:")
trouble = ensure_run_service()
st.title(_("Saved models"))
show_message()

entries, problems = list_models()
for problem in problems:
    st.warning(_("Skipped a saved model: {problem}").format(problem=problem), icon=":material/warning:")

models_tab, draw_tab, trash_tab, classroom_tab = st.tabs(
    [_("Models"), _("Draw page"), _("Trash"), _("Classroom")])
with models_tab:
    if not entries:
        st.info(_("No saved models yet: train one on the Train page."), icon=":material/info:")
    else:
        models_table(entries)
        by_name = {entry.name: entry for entry in entries}
        chosen = st.selectbox(_("Model"), sorted(by_name), key="models_chosen")
        if chosen is not None:
            model_details(by_name[chosen])
            model_insight(by_name[chosen], entries)
with draw_tab:
    draw_choice([entry.name for entry in entries])
with trash_tab:
    trash_view()
with classroom_tab:
    if trouble is not None:
        store_trouble(trouble)
    else:
        queue_view()
    limits_view()
