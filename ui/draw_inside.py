"""The Draw page's "look inside a model" view: built only while its expander is open, so strokes stay fast."""

from __future__ import annotations

import streamlit as st

from core.charts.pictures import feature_grid, saliency_overlay, weight_grid
from core.drawing.inference import DrawingResult, InferenceEngine
from core.i18n import _

INSIDE_KEY = "draw_inside"
MODEL_KEY = "draw_inside_model"


def _templates(kind: str, view) -> None:
    if kind == "softmax":
        st.markdown(_("**What it looks for**: the ten weight templates W, one per digit (blue: ink there raises the "
                      "digit's score; red: ink there lowers it)."))
        st.image(weight_grid(view.templates, columns=5, scale=4), caption=" · ".join(str(d) for d in range(10)))
    elif kind == "mlp":
        st.markdown(_("**What its first layer looks for**: the weights of {count} hidden units as 28×28 pictures "
                      "(blue: ink there excites the unit; red: inhibits it).").format(count=len(view.templates)))
        st.image(weight_grid(view.templates, columns=8, scale=3))


def _convolutions(view) -> None:
    st.markdown(_("**The first convolution's filters** ({count}): the small patterns it slides over the drawing.")
                .format(count=len(view.filters)))
    st.image(weight_grid(view.filters, columns=8, scale=12))
    for maps in view.feature_maps:
        height, width, channels = maps.maps.shape
        st.markdown(_("**{layer}**: {channels} feature maps of {height}×{width} (white: the filter found its pattern "
                      "there)").format(layer=maps.layer, channels=channels, height=height, width=width))
        st.image(feature_grid(maps.maps, columns=8, scale=max(2, 56 // height), limit=32))


def inside_view(engine: InferenceEngine, result: DrawingResult) -> None:
    """Per model, on demand: saliency over the input, weight templates or units, CNN filters and feature maps."""
    with st.expander(_("Look inside a model: what it looks for and what it sees"), key=INSIDE_KEY,
                     on_change="rerun"):
        if not st.session_state.get(INSIDE_KEY):
            return
        names = [answer.name for answer in result.answers]
        name = st.selectbox(_("Model"), names, key=MODEL_KEY)
        view = engine.look_inside(name, result.drawing) if name else None
        if view is None:
            return
        card = next(answer.card for answer in result.answers if answer.name == name)
        with st.container(horizontal=True, wrap=True, gap="medium", key="draw_inside_top"):
            st.image(saliency_overlay(result.drawing.image, view.saliency),
                     caption=_("Saliency: the pixels that pushed the answer {digit} (red)").format(digit=view.answer))
            with st.container(width=360):
                _templates(card.kind, view)
        if card.kind == "cnn" and len(view.filters):
            _convolutions(view)
