"""Streamlit side of the Draw page: the cached inference engine, the canvas, the answer cards.

Layout is made of fixed-width boxes in wrapping horizontal containers: on a wide screen the
models stand side by side in rows; on a narrow one (a laptop on a projector) they wrap onto
more rows instead of squeezing their charts.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from PIL import Image

from core.drawing.inference import Answer, DrawingResult, InferenceEngine
from core.drawing.preprocess import PreparedDrawing

CANVAS_SIZE = 280
STROKE_WIDTH = 20  # ≈ 1/10 of a digit drawn 200 px tall: MNIST's stroke-to-height ratio
BRUSH_WIDTHS = (10, 15, 20, 25, 30)
CANVAS_KEY_PREFIX = "draw_canvas_"
CANVAS_NUMBER_KEY = "draw_canvas_number"  # bumped by Clear: a new key is a new, empty canvas
PREVIEW_SIZE = 140  # the 28×28 model input shown 5× larger
CARD_WIDTH = 216
BAR_COLOUR, ANSWER_COLOUR, DISAGREE_COLOUR = "#9aa5b1", "#1f77b4", "#e8710a"


@st.cache_resource(show_spinner="Loading the saved models (TensorFlow starts once per server)…")
def inference_engine(directory: str) -> InferenceEngine:
    """One engine per models folder and server: models load once, then reload only when their files change."""
    engine = InferenceEngine(directory)
    engine.refresh()
    return engine


def canvas_key() -> str:
    """The current canvas's widget key."""
    return f"{CANVAS_KEY_PREFIX}{st.session_state.setdefault(CANVAS_NUMBER_KEY, 0)}"


def clear_canvas() -> None:
    """Button callback: the next run shows a fresh canvas under a new key."""
    st.session_state[CANVAS_NUMBER_KEY] = st.session_state.get(CANVAS_NUMBER_KEY, 0) + 1


def drawing_canvas(stroke_width: int = STROKE_WIDTH) -> np.ndarray | None:
    """The 280×280 canvas, white ink on black like MNIST; returns its RGBA image, None before the first stroke."""
    from streamlit_drawable_canvas import st_canvas  # importing it outside a running app raises (docs/CANVAS.md)

    result = st_canvas(fill_color="rgba(255, 255, 255, 0)", stroke_width=stroke_width, stroke_color="#FFFFFF",
                       background_color="#000000", height=CANVAS_SIZE, width=CANVAS_SIZE, drawing_mode="freedraw",
                       return_image_data=True, key=canvas_key())
    return result.image_data


def model_input_preview(drawing: PreparedDrawing) -> None:
    """The 28×28 image the models see, enlarged with visible pixels."""
    pixels = np.zeros((28, 28), np.uint8) if drawing.image is None else (drawing.image * 255).astype(np.uint8)
    enlarged = Image.fromarray(pixels).resize((PREVIEW_SIZE, PREVIEW_SIZE), Image.Resampling.NEAREST)
    st.image(enlarged, caption="What the models see (28×28, centred like MNIST)", width=PREVIEW_SIZE, output_format="PNG")


def probability_chart(answer: Answer, colour: str = ANSWER_COLOUR, height: int = 120) -> go.Figure:
    """Bar chart of the 10 probabilities, the answer's bar coloured."""
    colours = [colour if digit == answer.digit else BAR_COLOUR for digit in range(10)]
    figure = go.Figure(go.Bar(x=[str(digit) for digit in range(10)], y=answer.probabilities.tolist(),
                              marker_color=colours, hovertemplate="digit %{x}: %{y:.1%}<extra></extra>"))
    figure.update_layout(height=height, margin=dict(l=4, r=4, t=4, b=4), showlegend=False, bargap=0.15,
                         yaxis=dict(range=[0, 1], tickformat=".0%", nticks=3), xaxis=dict(type="category"))
    return figure


def answer_card(answer: Answer, disagrees: bool) -> None:
    """One model: digit, confidence, probability chart, test accuracy and type."""
    card = answer.card
    with st.container(border=True, width=CARD_WIDTH, key=f"draw_answer_{answer.name}"):
        st.markdown(f"**{answer.name}**")
        details = f"{card.kind} · test accuracy {card.test_accuracy:.2%}"
        if card.drawn_accuracy is not None:
            details += f" · drawn digits {card.drawn_accuracy:.1%}"
        st.caption(details, help=card.description)
        st.metric("says", str(answer.digit), delta=f"{answer.confidence:.0%} sure", delta_color="off",
                  delta_arrow="off", label_visibility="collapsed")
        st.plotly_chart(probability_chart(answer, DISAGREE_COLOUR if disagrees else ANSWER_COLOUR),
                        key=f"draw_chart_{answer.name}", config={"displayModeBar": False, "staticPlot": True})
        if disagrees:
            st.badge("disagrees with the ensemble", color="orange")


def ensemble_panel(result: DrawingResult) -> None:
    """The ensemble's answer and who disagrees with it."""
    ensemble = result.ensemble
    with st.container(border=True, width=300, key="draw_ensemble"):
        st.markdown(f"**Ensemble** (mean of {len(result.answers)} models)")
        st.metric("ensemble says", str(ensemble.digit), delta=f"{ensemble.confidence:.0%} sure", delta_color="off",
                  delta_arrow="off", label_visibility="collapsed")
        st.plotly_chart(probability_chart(ensemble, height=120), key="draw_chart_ensemble",
                        config={"displayModeBar": False, "staticPlot": True})
        by_name = {answer.name: answer for answer in result.answers}
        if result.disagreeing:
            who = ", ".join(f"{name} ({by_name[name].digit})" for name in result.disagreeing)
            st.warning(f"Disagree: {who}", icon=":material/balance:")
        else:
            st.success(f"All {len(result.answers)} models agree.", icon=":material/check_circle:")


def answer_cards(result: DrawingResult) -> None:
    """Every model's card, best test accuracy first, wrapping onto more rows on narrow screens."""
    disagreeing = set(result.disagreeing)
    ordered = sorted(result.answers, key=lambda answer: -answer.card.test_accuracy)
    with st.container(horizontal=True, wrap=True, gap="small", key="draw_answers"):
        for answer in ordered:
            answer_card(answer, answer.name in disagreeing)
