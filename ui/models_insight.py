"""The Models page's look at one model: its layers, its confusions on the test digits (click a cell to see them),
per-digit accuracy, its most confident mistakes, and a second model beside it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from core.charts import confusion, pictures
from core.datasets.mnist import DataUnavailableError, Mnist, load_mnist
from core.i18n import _
from core.i18n.formats import number, percent
from core.lecture.architecture import display_name, layer_table
from core.lecture.spec import ModelSpec
from core.models import insight
from core.models.manage import ModelEntry
from core.models.store import ModelLoadError


@st.cache_resource(show_spinner=False)
def _mnist() -> Mnist | None:
    try:
        return load_mnist(sources=())
    except DataUnavailableError:
        return None


@st.cache_data(show_spinner=False, max_entries=64)
def _answers(name: str, fingerprint_key: str) -> np.ndarray | None:
    """The model's answers on the test digits (kept beside it; computed once the first time it is opened)."""
    data = _mnist()
    if data is None:
        return None
    try:
        return insight.answers_on_test_digits(name, data.test_images)
    except (ModelLoadError, OSError):
        return None


def _answers_of(entry: ModelEntry) -> np.ndarray | None:
    with st.spinner(_("Reading the 10,000 test digits with {name} (once: the answers are kept beside it)…")
                    .format(name=entry.name)):
        return _answers(entry.name, f"{entry.name}:{entry.size_bytes}:{entry.card.created}")


def layers_table(entry: ModelEntry) -> None:
    """The model's layers as its spec builds them (no TensorFlow needed)."""
    try:
        rows = layer_table(ModelSpec.from_dict(entry.card.spec))
    except (TypeError, ValueError):
        return
    st.table([{_("layer"): display_name(row.layer), _("output shape"): "×".join(str(size) for size in row.output_shape),
               _("parameters"): number(row.parameters)} for row in rows])


def _per_digit_figure(matrix: np.ndarray) -> go.Figure:
    accuracy = insight.per_digit_accuracy(matrix)
    figure = go.Figure(go.Bar(x=[str(digit) for digit in range(10)], y=accuracy, text=[percent(a, 1) for a in accuracy],
                              marker_color=["#e8710a" if a == accuracy.min() else "#1f77b4" for a in accuracy]))
    figure.update_layout(height=260, margin=dict(l=10, r=10, t=10, b=10), yaxis=dict(range=[min(0.9, accuracy.min()), 1],
                         tickformat=".0%"), xaxis=dict(title=_("digit"), type="category"))
    return figure


def _strip(indices: np.ndarray, data: Mnist, answers: np.ndarray, caption: str) -> None:
    if len(indices) == 0:
        st.caption(_("None."))
        return
    st.image(pictures.digit_strip(data.test_images[indices], columns=12, scale=2), caption=caption)
    st.caption(" · ".join(_("{true}→{answer} ({confidence})").format(
        true=int(data.test_labels[index]), answer=int(np.argmax(answers[index])),
        confidence=percent(float(answers[index].max()), 0)) for index in indices))


def confusions(entry: ModelEntry) -> None:
    """The confusion matrix (a click shows the digits of a cell), per-digit accuracy, the most confident mistakes."""
    data, answers = _mnist(), _answers_of(entry)
    if data is None or answers is None:
        st.info(_("The test digits or the model cannot be read here: nothing to show."))
        return
    matrix = insight.confusion_matrix(answers, data.test_labels)
    st.markdown(_("**{right}** of 10,000 test digits read right. Click a cell to see its digits.").format(
        right=number(int(np.trace(matrix)))))
    left, right = st.columns([3, 2])
    with left:
        state = st.plotly_chart(confusion.confusion_figure(matrix), key=f"models_confusion_{entry.name}",
                                on_select="rerun", selection_mode="points", config={"displayModeBar": False})
    right.plotly_chart(_per_digit_figure(matrix), key=f"models_per_digit_{entry.name}",
                       config={"displayModeBar": False, "staticPlot": True})
    cell = confusion.selected_cell(state)
    if cell is not None:
        true_digit, answered = cell
        st.subheader(_("True {true}, read as {answered}: {count} digits").format(
            true=true_digit, answered=answered, count=number(int(matrix[true_digit, answered]))))
        _strip(insight.confused(answers, data.test_labels, true_digit, answered), data, answers,
               _("most confident first"))
    st.subheader(_("Its most confident mistakes"))
    _strip(insight.confident_mistakes(answers, data.test_labels), data, answers, _("true → answered (confidence)"))


def side_by_side(entry: ModelEntry, entries: list[ModelEntry]) -> None:
    """A second model beside this one: where they disagree, and which of them is right there."""
    others = sorted(other.name for other in entries if other.name != entry.name)
    if not others:
        return
    second_name = st.selectbox(_("Compare with"), others, key=f"models_compare_{entry.name}", index=None,
                               placeholder=_("another model"))
    second = next((other for other in entries if other.name == second_name), None)
    data, first_answers = _mnist(), _answers_of(entry)
    if second is None or data is None or first_answers is None:
        return
    second_answers = _answers_of(second)
    if second_answers is None:
        return
    result = insight.disagreement(first_answers, second_answers, data.test_labels)
    total = result.first_right + result.second_right + result.neither_right
    st.markdown(_("They disagree on **{total}** test digits: {first} is right on {first_right}, {second} on "
                  "{second_right}, neither on {neither}.").format(
        total=number(total), first=entry.name, first_right=number(result.first_right), second=second.name,
        second_right=number(result.second_right), neither=number(result.neither_right)))
    _strip(result.indices, data, first_answers, _("where they disagree ({first}'s answer shown)").format(
        first=entry.name))


def model_insight(entry: ModelEntry, entries: list[ModelEntry]) -> None:
    """Everything the page shows about one model beyond its card."""
    with st.expander(_("Layers"), expanded=False):
        layers_table(entry)
    st.subheader(_("What it gets wrong"))
    confusions(entry)
    st.subheader(_("Beside another model"))
    side_by_side(entry, entries)
