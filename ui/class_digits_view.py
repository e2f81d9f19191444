"""The class's own digits: how many, how every model reads them, and (for the teacher) each drawing, delete and export."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.classroom.roles import Refusal
from core.drawing import labelled
from core.i18n import _
from core.i18n.formats import percent
from ui.draw_view import inference_engine
from ui.teacher import actor, show_refusal

THUMBNAIL = 56  # px: the 28×28 input at twice its size
SHOWN_PER_DIGIT = 60  # the newest drawings of each digit on the page; the export has every one


def digit_counts() -> dict[int, int]:
    """A row of ten counts (0–9) and the total, held-out part included."""
    counts = labelled.counts()
    total = sum(counts.values())
    held = len(labelled.arrays("held_out")[1])
    with st.container(horizontal=True, wrap=True, gap="small", key="class_counts"):
        for digit, count in counts.items():
            st.metric(str(digit), str(count), border=True, width="content")
    st.caption(_("{total} drawings; {held} of them held out: no model trains on those, they measure how a model "
                 "trained on the others reads the class.").format(total=total, held=held))
    return counts


def model_accuracies(directory: str) -> None:
    """Every saved model on the class's drawings beside its MNIST test accuracy: the distribution-shift lesson."""
    drawings = labelled.list_drawings()
    engine = inference_engine(directory)
    if not engine.names:
        st.info(_("No saved models yet: train one on the Train page."), icon=":material/info:")
        return
    inputs = (np.stack([drawing.image for drawing in drawings]).astype(np.float32) / 255.0)[..., None] \
        if drawings else np.zeros((0, 28, 28, 1), np.float32)
    probabilities = engine.probabilities(inputs) if drawings else np.zeros((0, len(engine.names), 10), np.float32)
    table = labelled.class_accuracies(list(engine.names), probabilities, np.array([d.label for d in drawings]),
                                      np.array([d.held_out for d in drawings], bool))
    cards = {card.name: card for card in engine.cards}
    rows = [{_("model"): row.name, _("MNIST test"): percent(cards[row.name].test_accuracy, 2),
             _("our class: all"): "–" if row.accuracy is None else percent(row.accuracy, 1),
             _("our class: held out"): "–" if row.held_out_accuracy is None else percent(row.held_out_accuracy, 1),
             _("trained on the class"): "✓" if cards[row.name].spec.get("class_drawings") else ""}
            for row in sorted(table, key=lambda row: -(row.accuracy or 0))]
    st.table(rows)
    st.caption(_("MNIST test: digits written by MNIST's writers. Our class: the digits drawn here. A model that "
                 "reads MNIST well can read a class much worse: the drawings come from another distribution."))


def _delete(drawing_id: int) -> None:
    try:
        labelled.delete_drawing(drawing_id, actor())
    except Refusal as refusal:
        show_refusal(refusal)


def drawing_grid(counts: dict[int, int]) -> None:
    """The teacher's grid: the drawings of each digit as the models saw them, each with a delete button."""
    for digit, count in counts.items():
        if not count:
            continue
        with st.expander(_("{digit}: {count} drawings").format(digit=digit, count=count), expanded=count <= 12):
            drawings = labelled.list_drawings(label=digit)[-SHOWN_PER_DIGIT:]
            with st.container(horizontal=True, wrap=True, gap="small", key=f"class_grid_{digit}"):
                for drawing in drawings:
                    with st.container(width=THUMBNAIL + 16, key=f"class_drawing_{drawing.id}"):
                        caption = _("held out") if drawing.held_out else (
                            _("read {answer}").format(answer=drawing.answered) if drawing.answered is not None else "")
                        st.image(drawing.image, width=THUMBNAIL, caption=caption, clamp=True)
                        st.button(":material/delete:", key=f"class_delete_{drawing.id}", help=_("Delete this drawing"),
                                  on_click=_delete, args=(drawing.id,))


def exports() -> None:
    """Download every drawing: canvas and 28×28 PNGs with a CSV, or MNIST's IDX files."""
    with st.container(horizontal=True, wrap=True, gap="small", key="class_exports"):
        st.download_button(_("PNG + CSV (zip)"), data=lambda: labelled.export_zip("png"), file_name="class-digits.zip",
                           mime="application/zip", icon=":material/download:", on_click="ignore")
        st.download_button(_("IDX, like MNIST (zip)"), data=lambda: labelled.export_zip("idx"),
                           file_name="class-digits-idx.zip", mime="application/zip", icon=":material/download:",
                           on_click="ignore")
