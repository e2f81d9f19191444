"""Draw: a visitor draws a digit and sees every saved model's answer side by side, after every stroke."""

import streamlit as st

from core import settings
from core.drawing.inference import NO_MODELS_MESSAGE
from core.i18n import N_
from core.models.selection import draw_selection
from ui.draw_selection import apply_selection
from ui.draw_view import (
    BRUSH_WIDTHS,
    STROKE_WIDTH,
    answer_cards,
    clear_canvas,
    drawing_canvas,
    ensemble_panel,
    inference_engine,
    model_input_preview,
)
from ui.navigation import setup_page

setup_page(N_("Draw"), ":material/draw:")
st.title("Draw a digit")

engine = inference_engine(str(settings.models_dir()))
engine.refresh()  # a model trained or deleted since the last stroke is picked up here
for note in engine.notes:
    st.warning(note, icon=":material/warning:")
if not engine.names:
    st.info(NO_MODELS_MESSAGE, icon=":material/info:")
    st.page_link("pages/1_Train.py", label="Go to the Train page", icon=":material/model_training:")
    st.stop()

st.caption(f"Draw one digit, as big or small as you like, anywhere in the black box. "
           f"All {len(engine.names)} saved models answer after every stroke.")
st.space(24)  # room for the canvas's own toolbar, which floats above its top edge
with st.container(horizontal=True, wrap=True, gap="small", key="draw_top_row"):
    with st.container(width=290, key="draw_canvas_box"):
        image = drawing_canvas(st.session_state.get("draw_brush", STROKE_WIDTH))
        with st.container(horizontal=True, vertical_alignment="bottom", key="draw_tools"):
            st.button("Clear", key="draw_clear", on_click=clear_canvas, icon=":material/ink_eraser:")
            st.select_slider("Brush (px)", BRUSH_WIDTHS, value=STROKE_WIDTH, key="draw_brush",
                             help="20 px suits a digit drawn about 200 px tall, like MNIST's strokes.")
    result = apply_selection(engine.predict(image), draw_selection()) if image is not None else None
    with st.container(width=150, key="draw_preview_box"):
        if result is not None:
            model_input_preview(result.drawing)
    if result is not None and not result.blank and result.ensemble is not None:
        ensemble_panel(result)

if result is None:
    st.info("Draw a digit in the black box with your mouse, finger or pen.", icon=":material/draw:")
elif result.blank:
    st.info(result.drawing.message, icon=":material/draw:")
elif result.ensemble is not None:
    st.subheader("Every model's answer")
    answer_cards(result)
