"""The Draw page's drawing pad: streamlit-drawable-canvas plus a small companion component of our own.

The project's stack draws with `streamlit-drawable-canvas` (st_canvas, Fabric.js). On its own it
does not suit a class (docs/CANVAS.md): its floating toolbar covers the top right of the canvas
and swallows strokes, its pencil button switches to a select/move mode, and it sends the whole
Fabric.js drawing 200 ms after the last change. So the canvas is created with
`update_streamlit=False` and a companion (`draw_pad.js`, a components-v2 component rendered right
after it) hides the toolbar from inside the canvas' open shadow root, keeps select/move mode off,
puts Undo and Clear below the canvas (driving the library's own history), and sends a PNG at
once on every pen-up (mouse, touch and pen) as its state value `drawing` = {png, seq, op, strokes}.
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
PAD_KEY = "draw_pad"  # the companion's key: session_state[PAD_KEY] holds {"drawing": {png, seq, op, strokes}}
CANVAS_KEY = "draw_pad_canvas"  # the st_canvas the companion drives
MAX_SIDE = 2 * CANVAS_SIZE  # a larger "drawing" did not come from the pad: refused, never decoded
_HERE = Path(__file__).parent
_PAD = st.components.v2.component("mnist_lab.draw_pad", html=(_HERE / "draw_pad.html").read_text(encoding="utf-8"),
                                  css=(_HERE / "draw_pad.css").read_text(encoding="utf-8"),
                                  js=(_HERE / "draw_pad.js").read_text(encoding="utf-8"), isolate_styles=True)


@dataclasses.dataclass(frozen=True)
class PadDrawing:
    """What the pad sent last: its sequence number, stroke count and the canvas as RGBA (None when empty)."""

    seq: int
    strokes: int
    image: np.ndarray | None


def _picture(png: str) -> np.ndarray | None:
    """A PNG data URL as RGBA; None when it is not a PNG the pad could have sent."""
    try:
        _, encoded = png.split(",", 1)
        with Image.open(io.BytesIO(base64.b64decode(encoded, validate=True))) as picture:
            if picture.format != "PNG" or max(picture.size) > MAX_SIDE:
                return None
            return np.asarray(picture.convert("RGBA"))
    except (ValueError, OSError, binascii.Error, Image.DecompressionBombError):
        return None


def decode(value: object) -> PadDrawing | None:
    """The companion's state value → a PadDrawing; None before the first stroke or when it cannot be read.

    A drawing without ink (after Clear, or Undo back to nothing: the companion sends a black PNG)
    is `PadDrawing(seq, 0, None)`, like an empty pad.
    """
    if not isinstance(value, dict):
        return None
    png, seq, strokes = value.get("png"), value.get("seq"), value.get("strokes")
    if not isinstance(seq, int) or isinstance(seq, bool):
        return None
    if not png:
        return PadDrawing(seq, 0, None)
    image = _picture(str(png))
    if image is None:
        return None
    if not image[..., :3].any():  # black everywhere: nothing drawn
        return PadDrawing(seq, 0, None)
    return PadDrawing(seq, strokes if isinstance(strokes, int) and strokes > 0 else 1, image)


def drawing_pad(stroke_width: int = STROKE_WIDTH) -> PadDrawing | None:
    """The canvas and its companion on the page; returns the last drawing sent (None before the first stroke)."""
    from streamlit_drawable_canvas import st_canvas  # registers file-backed assets: needs a running app

    st_canvas(fill_color="rgba(255, 255, 255, 0)", stroke_width=stroke_width, stroke_color="#FFFFFF",
              background_color="#000000", height=CANVAS_SIZE, width=CANVAS_SIZE, drawing_mode="freedraw",
              update_streamlit=False, return_image_data=False, key=CANVAS_KEY)
    labels = {"undo": _("Undo"), "clear": _("Clear"), "canvas": _("Drawing area: draw one digit")}
    result = _PAD(data={"canvasKey": CANVAS_KEY, "size": CANVAS_SIZE, "labels": labels}, key=PAD_KEY,
                  default={"drawing": None}, on_drawing_change=lambda: None, width="content", height="content")
    return decode(result.get("drawing") if hasattr(result, "get") else getattr(result, "drawing", None))
