"""Class digits: the digits visitors labelled on the Draw page, how every model reads them; the teacher's grid and export."""

import sqlite3

import streamlit as st

from core import settings
from core.drawing import labelled
from core.i18n import N_, _
from ui.class_digits_view import digit_counts, drawing_grid, exports, model_accuracies
from ui.navigation import link_params, setup_page
from ui.teacher import is_teacher

setup_page(N_("Class digits"), ":material/groups:")
st.title(_("Our class's digits"))
st.markdown(_("Every digit a visitor labelled on the **Draw** page (\"Which digit did you mean?\") is kept here: "
              "the drawing as drawn and as the 28×28 input the models saw."))
try:
    counts = digit_counts()
except sqlite3.DatabaseError as error:  # a damaged drawings file: one line, the rest of the app still works
    st.error(_("The class's drawings cannot be read ({error}): move {path} aside to start a new collection.")
             .format(error=error, path=labelled.database_path()), icon=":material/error:")
    st.stop()
st.header(_("How every model reads our class"))
model_accuracies(str(settings.models_dir()))
st.page_link("pages/1_Train.py", label=_("Train with the class's drawings"), icon=":material/model_training:",
             query_params=link_params())
st.caption(_("On the Train page, switch on \"Add the class's drawings\" (the last switch)."))
if not sum(counts.values()):
    st.info(_("No labelled drawings yet: draw a digit on the Draw page and tap the digit you meant."),
            icon=":material/draw:")
elif is_teacher():
    st.header(_("The drawings"))
    exports()
    drawing_grid(counts)
else:
    st.caption(_("The teacher sees every drawing here, can delete a bad one and export them all."))
