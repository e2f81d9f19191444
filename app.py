"""Home page: what the lab is, where to start, which models are trained. Imports no TensorFlow."""

import streamlit as st

from core import settings
from core.i18n import N_, _
from core.models.store import list_cards
from ui.home_view import lecture_path, mnist_intro, model_table
from ui.navigation import link_params, setup_page
from ui.run_service import ensure_run_service, store_trouble

setup_page(N_("Home"), ":material/draw:")
trouble = ensure_run_service()  # after a server restart: clean up, supervise the runs, start queued ones

st.title("MNIST lab")
st.markdown(_("Rebuild the MNIST models of *모두를 위한 딥러닝* (labs 10 and 11) step by step, train them with your "
              "own settings, watch the cost fall epoch by epoch, and draw a digit to see what **every** trained "
              "model answers."))
if trouble is not None:  # the run store is busy or damaged: say so in one line, the rest of the page still works
    store_trouble(trouble)
st.header(_("Start here"))
mnist_intro()
lecture_path()
st.subheader(_("3. Draw a digit"))
st.page_link("pages/3_Draw.py", label=_("**Draw**: every model answers"), icon=":material/draw:",
             query_params=link_params())
st.page_link("pages/2_Curves.py", label=_("**Curves**: watch the cost fall"), icon=":material/show_chart:",
             query_params=link_params())

st.header(_("Trained models"))
cards, problems = list_cards()
for problem in problems:
    st.warning(_("Skipped a saved model: {problem}").format(problem=problem))
if not cards:
    st.info(_("No trained models in `{folder}` yet. Train one on the **Train** page, or from a terminal: "
              "`python -m core.train --preset cnn-lab`.").format(folder=settings.models_dir()))
else:
    model_table(cards)
