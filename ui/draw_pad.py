"""The Draw page's drawing pad: a small Streamlit component (components v2) instead of a canvas library.

Why not streamlit-drawable-canvas (docs/CANVAS.md): its toolbar floats over the top of the canvas
and swallows strokes, its pencil switches to a move mode, and it sends the whole Fabric.js drawing
200 ms after the last change. This pad is one 280×280 canvas drawn with pointer events (mouse,
touch and pen alike), with Undo and Clear below it, and sends a PNG at once on every pen-up.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import io
from pathlib import Path

import numpy as np
import streamlit as st
from PIL import Image

from core.i18n import _

CANVAS_SIZE = 280
STROKE_WIDTH = 20  # ≈ 1/10 of a digit drawn 200 px tall: MNIST's stroke-to-height ratio
PAD_KEY = "draw_pad"
MAX_SIDE = 2 * CANVAS_SIZE  # a larger "drawing" did not come from the pad: refused, never decoded
_HERE = Path(__file__).parent
_PAD = st.components.v2.component("mnist_lab.draw_pad", html="", css=(_HERE / "draw_pad.css").read_text(),
                                  js=(_HERE / "draw_pad.js").read_text())


@dataclasses.dataclass(frozen=True)
class PadDrawing:
    """What the pad sent last: its sequence number, stroke count and the canvas as RGBA (None when empty)."""

    seq: int
    strokes: int
    image: np.ndarray | None


def decode(value: object) -> PadDrawing | None:
    """The pad's state value → a PadDrawing; None before the first stroke or when it cannot be read."""
    if not isinstance(value, dict):
        return None
    png, seq, strokes = value.get("png"), value.get("seq"), value.get("strokes")
    if not isinstance(seq, int) or not isinstance(strokes, int):
        return None
    if not png:
        return PadDrawing(seq, 0, None)
    try:
        _, encoded = str(png).split(",", 1)
        with Image.open(io.BytesIO(base64.b64decode(encoded, validate=True))) as picture:
            if max(picture.size) > MAX_SIDE:
                return None
            return PadDrawing(seq, strokes, np.asarray(picture.convert("RGBA")))
    except (ValueError, OSError, binascii.Error, Image.DecompressionBombError):
        return None


def drawing_pad(stroke_width: int = STROKE_WIDTH) -> PadDrawing | None:
    """The pad on the page; returns the last drawing it sent (None before the first stroke)."""
    labels = {"undo": _("Undo"), "clear": _("Clear"), "canvas": _("Drawing area: draw one digit")}
    result = _PAD(data={"size": CANVAS_SIZE, "width": stroke_width, "labels": labels}, key=PAD_KEY,
                  default={"drawing": None}, on_drawing_change=lambda: None, width="content", height="content")
    return decode(result.get("drawing") if hasattr(result, "get") else getattr(result, "drawing", None))
