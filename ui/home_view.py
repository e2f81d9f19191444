"""The home page's parts: what MNIST is, the lecture path (each step a link to its preset), the trained models."""

from __future__ import annotations

import numpy as np
import streamlit as st
from PIL import Image

from core.datasets.mnist import DataUnavailableError, load_mnist
from core.i18n import _
from core.i18n.formats import number, percent
from core.lecture.presets import PRESETS
from core.lecture.spec import ModelSpec
from core.models.card import ModelCard
from ui.navigation import link_params

KIND_NAMES = {"softmax": "softmax", "mlp": "MLP", "cnn": "CNN"}
STRIP_SCALE = 3  # each 28×28 digit drawn 84 px wide


@st.cache_resource(show_spinner=False)
def _digit_strip() -> Image.Image | None:
    """The first test digit of each class 0–9, side by side, enlarged (None when MNIST is not here yet)."""
    try:
        data = load_mnist(sources=())
    except DataUnavailableError:
        return None
    firsts = [data.test_images[np.argmax(data.test_labels == digit)] for digit in range(10)]
    strip = Image.fromarray(np.concatenate(firsts, axis=1))
    return strip.resize((strip.width * STRIP_SCALE, strip.height * STRIP_SCALE), Image.Resampling.NEAREST)


def mnist_intro() -> None:
    """Step 1: what the data is, with ten real digits."""
    st.subheader(_("1. What MNIST is"))
    st.markdown(_("70,000 handwritten digits, each a 28×28 grey image: 60,000 to learn from (55,000 for training and "
                  "5,000 for validation, as in the lecture) and 10,000 to test on. A model sees 784 numbers and "
                  "answers one of ten digits, 0 to 9."))
    strip = _digit_strip()
    if strip is not None:
        st.image(strip, caption=_("The first test digit of each class, as the models see them."), width="content")


def lecture_path() -> None:
    """Step 2: every lecture model in the course's order, each with its lesson and a link to train it."""
    st.subheader(_("2. Follow the lecture"))
    st.caption(_("softmax → ReLU nets → Xavier → deep nets → dropout → batch norm, L2, early stopping → CNNs → "
                 "ensembles. Each step opens the Train page with the lecture's own settings."))
    for step, preset in enumerate(PRESETS.values(), start=1):
        figure = (_("published **{accuracy}**").format(accuracy=percent(preset.published_accuracy, 2))
                  if preset.is_lecture and preset.published_accuracy is not None else _(preset.published_note))
        with st.container(border=True, horizontal=True, vertical_alignment="center", key=f"home_path_{preset.name}"):
            with st.container():
                st.markdown(_("**{number}. {title}** · {source} · {figure}").format(
                    number=step, title=_(preset.title), source=_(preset.source), figure=figure))
                st.caption(_(preset.lesson))
            st.page_link("pages/1_Train.py", label=_("Train it"), icon=":material/play_arrow:",
                         query_params=link_params(preset=preset.name))


def model_table(cards: list[ModelCard]) -> None:
    """The trained models, best first, in a table narrow enough for a phone."""
    rows = []
    for card in sorted(cards, key=lambda card: -card.test_accuracy):
        rows.append({
            _("model"): card.name,
            _("kind"): KIND_NAMES.get(card.kind, card.kind),
            _("test accuracy"): percent(card.test_accuracy, 2),
            _("real handwriting"): "–" if card.handwriting_accuracy is None else percent(card.handwriting_accuracy, 1),
            _("lecture"): percent(card.published_accuracy, 2) if card.published_accuracy is not None else "–",
            _("drawn digits"): percent(card.drawn_accuracy, 1) if card.drawn_accuracy is not None else "–",
            _("parameters"): number(card.parameters),
        })
    st.table(rows)  # real HTML: readable by screen readers and browser tests, unlike st.dataframe's canvas
    st.caption(_("Test accuracy: MNIST's 10,000 test digits. Real handwriting: digits people wrote with a pen, people "
                 "no model ever saw, drawn on the canvas as a visitor draws. Drawn digits: the app's stroke-drawn "
                 "digits."))
    with st.expander(_("What each model is")):
        for card in sorted(cards, key=lambda card: card.name):
            st.markdown(f"**{card.name}** · " + _describe(card))


def _describe(card: ModelCard) -> str:
    """The card's architecture in the language in use (the stored description is English)."""
    try:
        return ModelSpec.from_dict(card.spec).describe()
    except (TypeError, ValueError):
        return card.description
