"""Streamlit side of the Draw page: the cached inference engine and the answers' fragment.

Every stroke reruns only `draw_panel` (an `st.fragment`): the pad, the 28×28 preview, the
headline answer and one compact box per model — a handful of light elements, no charts, the
preview sent inline as a tiny PNG. Per-model probabilities are drawn only while the details
expander is open. The page around it (title, styles, sidebar) runs once per visit.
"""

from __future__ import annotations

import base64
import gc
import io

import numpy as np
import streamlit as st
from PIL import Image

from core.drawing.inference import SKIPPED_NOTE, DrawingResult, InferenceEngine
from core.drawing.preprocess import PreparedDrawing
from core.i18n import N_, _, ngettext
from core.i18n.formats import percent
from core.models.selection import draw_selection
from ui.draw_inside import inside_view
from ui.draw_label import label_row
from ui.draw_pad import drawing_pad

PREVIEW_SIZE = 140  # the 28×28 model input shown 5× larger
DETAILS_KEY = "draw_details"
INVITATION = N_("Draw a digit in the black box with your mouse, finger or pen.")
KINDS = {"mlp": "MLP", "cnn": "CNN"}  # as the lectures write them (softmax stays softmax)


def keep_tensorflow_kernels() -> None:
    """Stop Streamlit from emptying TensorFlow's kernel cache after every script run.

    Streamlit calls `keras.backend.clear_session()` after each run (its script runner's
    "problem modules" clean-up), which clears TensorFlow's eager kernel cache: the next call of
    the models' tf.function then re-optimises their whole graph (Grappler, ≈60–100 CPU-ms), on
    every stroke. This server builds no Keras models in page scripts (training runs in worker
    processes), so in this process the call does nothing.
    """
    import keras

    keras.backend.clear_session = lambda *args, **kwargs: None


@st.cache_resource(show_spinner=False)
def inference_engine(directory: str) -> InferenceEngine:
    """One engine per models folder and server: models load once, then reload only when their files change."""
    keep_tensorflow_kernels()
    engine = InferenceEngine(directory)
    engine.refresh(force=True)
    # TensorFlow and Keras leave ~380,000 long-lived objects: a full garbage collection then takes ≈0.2
    # CPU-seconds (Streamlit ran one after every script run, so after every stroke). Frozen, they are skipped.
    gc.collect()
    gc.freeze()
    return engine


def load_notes(engine: InferenceEngine) -> None:
    """A warning per model file that could not be loaded."""
    for problem in engine.problems:
        st.warning(_(SKIPPED_NOTE).format(problem=problem), icon=":material/warning:")


def preview_url(drawing: PreparedDrawing) -> str:
    """The 28×28 model input as an inline PNG (a few hundred bytes: no extra request per stroke)."""
    pixels = np.zeros((28, 28), np.uint8) if drawing.image is None else (drawing.image * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def marker(name: str, seq: int) -> None:
    """An empty element `st-key-draw_<name>_<seq>`: tests and benchmarks wait for the answer to stroke `seq`."""
    st.container(key=f"draw_{name}_{seq}", height=1, border=False)


def headline_box(result: DrawingResult | None, seq: int = 0) -> None:
    """The answer the page leads with: a large digit, or "not sure — maybe 4 or 9", and who voted."""
    with st.container(key="draw_headline", width="content"):
        headline_content(result)
        marker("headline_for", seq)


def headline_content(result: DrawingResult | None) -> None:
    """The headline box's text."""
    if result is None or result.blank or result.headline is None:
        st.markdown("## –", anchors=False)
        message = result.drawing.message if result is not None and result.blank else INVITATION
        st.markdown(_(message))
        return
    verdict, first, second = result.verdict, *result.verdict.candidates
    if verdict.sure:
        st.markdown(f"## {verdict.digit}", anchors=False)
        st.markdown("### " + _("{confidence} sure").format(confidence=percent(result.headline.confidence, 0)),
                    anchors=False)
    else:
        st.markdown("## ?", anchors=False)
        reason = {"shape": _("That does not look like a digit — maybe {first} or {second}"),
                  "disagree": _("The models disagree — maybe {first} or {second}")}.get(
            verdict.reason, _("not sure — maybe {first} or {second}"))
        st.markdown("### " + reason.format(first=first, second=second), anchors=False)
    voters = ", ".join(result.voters)
    st.caption(ngettext("The headline is {voters}'s answer (the one model that votes)",
                        "The headline is the mean of {count} voting models: {voters}",
                        len(result.voters)).format(count=len(result.voters), voters=voters))


def model_boxes(result: DrawingResult) -> None:
    """One compact box per shown model, most accurate first: its digit and confidence; voters marked, dissenters orange."""
    lead = result.headline.digit if result.headline is not None else None
    st.caption(_("Every model's answer (:material/how_to_vote: votes for the headline; orange: disagrees)"))
    ordered = sorted(result.answers, key=lambda answer: -answer.card.test_accuracy)
    with st.container(horizontal=True, wrap=True, gap="small", key="draw_models"):
        for answer in ordered:
            label = (":material/how_to_vote: " if answer.name in result.voters else "") + answer.name
            status = "disagrees" if answer.digit != lead else "agrees"
            with st.container(key=f"draw_answer_{answer.name}", width="content"):
                with st.container(key=f"draw_{status}_{answer.name}", width="content"):
                    st.metric(label, str(answer.digit), delta=percent(answer.confidence, 0), delta_color="off",
                              delta_arrow="off", border=True, width="content")
    if result.diverged:
        st.warning(_("Not a number from {models} (a diverged model): left out of the vote.").format(
            models=", ".join(result.diverged)), icon=":material/warning:")


def details_table(result: DrawingResult) -> str:
    """Markdown: per model its kind, accuracies, vote and the ten probabilities (its answer in bold)."""
    header = [_("model"), _("kind"), _("test accuracy"), _("real handwriting"), _("drawn digits"), _("votes")] + \
        [str(d) for d in range(10)]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for answer in sorted(result.answers, key=lambda answer: -answer.card.test_accuracy):
        card = answer.card
        drawn = percent(card.drawn_accuracy, 1) if card.drawn_accuracy is not None else "–"
        cells = [f"**{p:.0%}**" if digit == answer.digit else f"{p:.0%}" for digit, p in enumerate(answer.probabilities)]
        pen = percent(card.handwriting_accuracy, 1) if card.handwriting_accuracy is not None else "–"
        rows.append("| " + " | ".join([answer.name, KINDS.get(card.kind, card.kind), percent(card.test_accuracy, 2), pen, drawn,
                                        "✓" if answer.name in result.voters else ""] + cells) + " |")
    return "\n".join(rows)


def details(result: DrawingResult) -> None:
    """Details on demand: the probabilities table is only built while the expander is open."""
    with st.expander(_("Details: every model's ten probabilities"), key=DETAILS_KEY, on_change="rerun"):
        if st.session_state.get(DETAILS_KEY):
            st.markdown(details_table(result))
            st.caption(_("Test accuracy: the 10,000 MNIST test digits. Real handwriting: digits people wrote with "
                         "a pen, people no model ever saw (– : not measured). Drawn digits: 1,000 held-out "
                         "stroke-drawn digits. The headline is the mean of the voting models' probabilities."))


@st.fragment
def draw_panel(directory: str) -> None:
    """The pad and everything that answers it; a stroke reruns only this."""
    engine = inference_engine(directory)
    with st.container(horizontal=True, wrap=True, gap="medium", key="draw_top_row"):
        with st.container(width="content", key="draw_pad_box"):
            pad = drawing_pad()
        seq = 0 if pad is None else pad.seq
        result = None if pad is None or pad.image is None else engine.predict(pad.image, draw_selection())
        with st.container(horizontal=True, wrap=True, gap="medium", width="content", key="draw_answer_box"):
            headline_box(result, seq)  # first: on a phone it comes right under the pad
            if result is not None and result.drawing.image is not None:
                with st.container(width="content", key="draw_preview_box"):
                    st.image(preview_url(result.drawing), width=PREVIEW_SIZE,
                             caption=_("What the models see (28×28, centred like MNIST)"))
    if result is not None and result.answers:
        model_boxes(result)
        label_row(result, pad.image, seq)
        details(result)
        inside_view(engine, result)
    marker("done", seq)
