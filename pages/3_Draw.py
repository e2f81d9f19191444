"""Draw: a visitor draws a digit; the headline answer (or "not sure") and every model's answer follow each stroke."""

import streamlit as st

from core import settings
from core.drawing.inference import NO_MODELS_MESSAGE
from core.i18n import N_, _
from ui.draw_style import draw_styles
from ui.draw_view import draw_panel, inference_engine, load_notes
from ui.navigation import is_presenting, setup_page

setup_page(N_("Draw"), ":material/draw:")
draw_styles(is_presenting())
directory = str(settings.models_dir())
with st.spinner(_("Loading the saved models (TensorFlow starts once per server)…")):
    engine = inference_engine(directory)
engine.refresh(force=True)  # a model trained or deleted since the last visit is picked up here
load_notes(engine)
if not engine.names:
    st.info(_(NO_MODELS_MESSAGE), icon=":material/info:")
    st.page_link("pages/1_Train.py", label=_("Go to the Train page"), icon=":material/model_training:")
    st.stop()

with st.container(key="draw_intro"):
    st.markdown(_("Draw one digit, as big or small as you like, anywhere in the black box."))
draw_panel(directory)
