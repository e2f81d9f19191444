"""The Draw page's "which digit did you mean?" row: one tap keeps the drawing, with its label, for the class.

The drawing is kept twice (the canvas PNG and the 28×28 input the models saw) in the class's
drawings store (core.drawing.labelled), with the answer the page gave and who drew it. A second
tap on another digit corrects the label (the visitor takes back their own drawing); a new
stroke or Clear starts a new drawing.
"""

from __future__ import annotations

import io
import sqlite3

import numpy as np
import streamlit as st
from PIL import Image

from core.classroom.roles import Refusal
from core.drawing import labelled
from core.drawing.inference import DrawingResult
from core.i18n import _
from ui.teacher import actor

KEPT_KEY = "draw_kept"  # {"seq": the pad's drawing number, "id": the stored drawing, "digit": its label}


def _canvas_png(image: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.asarray(image, np.uint8)).save(out, format="PNG")
    return out.getvalue()


def keep_drawing(digit: int, result: DrawingResult, canvas: np.ndarray, seq: int) -> None:
    """Store this drawing as `digit` (replacing this visitor's earlier label of the same drawing)."""
    kept = st.session_state.get(KEPT_KEY)
    try:
        if isinstance(kept, dict) and kept.get("seq") == seq:
            labelled.delete_drawing(int(kept["id"]), actor())
        answered = result.headline.digit if result.headline is not None else None
        drawing_id = labelled.add_drawing(digit, result.drawing.model_input(), _canvas_png(canvas), answered=answered,
                                          visitor=actor().owner)
    except Refusal as refusal:
        st.session_state[KEPT_KEY] = {"seq": seq, "error": refusal.localized()}
        return
    except sqlite3.DatabaseError as error:  # the drawings' store is damaged: say so, the answers stay
        st.session_state[KEPT_KEY] = {"seq": seq, "error": _("Could not keep the drawing ({error}).").format(
            error=error)}
        return
    st.session_state[KEPT_KEY] = {"seq": seq, "id": drawing_id, "digit": digit}


def label_row(result: DrawingResult, canvas: np.ndarray, seq: int) -> None:
    """Ten digit buttons under the answers; the chosen one stays highlighted with a thank-you."""
    kept = st.session_state.get(KEPT_KEY)
    kept = kept if isinstance(kept, dict) and kept.get("seq") == seq else None
    st.markdown(_("**Which digit did you mean?**"))
    with st.container(horizontal=True, wrap=True, gap="small", vertical_alignment="center", key="draw_label_row"):
        for digit in range(10):
            chosen = kept is not None and kept.get("digit") == digit
            st.button(str(digit), key=f"draw_label_{digit}", type="primary" if chosen else "secondary",
                      on_click=keep_drawing, args=(digit, result, canvas, seq))
    if kept is not None and "error" in kept:
        st.error(kept["error"], icon=":material/block:")
    elif kept is not None:
        st.caption(_("Kept as a {digit} for the class's own digits — thank you. Tap another digit to correct it.")
                   .format(digit=kept["digit"]))
    else:
        st.caption(_("Your tap keeps this drawing, with the digit you meant, so the class can teach the models "
                     "its own handwriting."))
