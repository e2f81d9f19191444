"""A light Streamlit client: one visitor of the Draw page, speaking the app's own websocket protocol.

What a browser sends and receives, recorded from Chromium on the Draw page (Streamlit 1.67):
- connect to `ws://HOST/_stcore/stream` with the subprotocol `streamlit`;
- open the page: BackMsg `rerun_script` with the address's query string and `page_name="Draw"`;
  the server answers with `new_session` (which names the page's script hash) and the page's
  deltas; the pad is two `bidi_component` elements inside a fragment (their deltas carry the
  fragment's id): streamlit-drawable-canvas (key `draw_pad_canvas`) and its companion (key
  `draw_pad`), which sends the drawing;
- after a stroke: BackMsg `rerun_script` with the page's hash, the fragment's id and the
  companion's widget state, `json_value = {"drawing": {"png", "seq", "op", "strokes"}}` (after
  Clear: the empty canvas, a black PNG); the server reruns the fragment only and streams its
  deltas, then `script_finished`. (A browser's Clear also makes the library send its own value:
  one more rerun, not sent here.)
No JavaScript runs and nothing is rendered: the client's own cost is a few protobuf messages.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import time

import numpy as np
from PIL import Image
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

PAD_KEY_SUFFIX = "-draw_pad"  # the companion's element id ends with its key (the canvas': "-draw_pad_canvas")
CANVAS_SIZE = 280
EMPTY = np.dstack([np.zeros((CANVAS_SIZE, CANVAS_SIZE, 3), np.uint8), np.full((CANVAS_SIZE, CANVAS_SIZE), 255, np.uint8)])


def png_url(image: np.ndarray) -> str:
    """An RGBA canvas image as the pad's companion sends it: a PNG data URL."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@dataclasses.dataclass
class Answer:
    """What the server sent back for one request, and when."""

    headline: str | None = None  # the headline's big text: "## 4", "## ?" or "## –"
    preview: str | None = None  # the 28×28 preview's data URL
    digits: list[str] = dataclasses.field(default_factory=list)  # every model box's digit
    headline_at: float | None = None  # time.perf_counter() when the headline arrived
    finished_at: float | None = None  # … when the run finished (every answer sent)
    interrupted: bool = False  # the run was stopped by a newer request


class DrawVisitor:
    """One open Draw page."""

    def __init__(self, url: str, query: str = "lang=en", timeout: float = 120.0):
        self.socket = connect(url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                              open_timeout=timeout, max_size=None, proxy=None)  # deflate, as browsers
        self.query, self.timeout = query, timeout
        self.page_hash = self.pad_id = self.fragment_id = None
        self.seq = 0
        self._partial: Answer | None = None  # a run's answer so far, kept across a receive that timed out

    def open(self) -> Answer:
        """Load the page (the first visit waits for TensorFlow and the models)."""
        message = BackMsg()
        message.rerun_script.query_string = self.query
        message.rerun_script.page_name = "Draw"
        self.socket.send(message.SerializeToString())
        return self._receive()

    def send_drawing(self, image: np.ndarray | None, strokes: int) -> float:
        """Send the companion's state after a stroke (None: after Clear); returns time.perf_counter() at sending."""
        self.seq += 1
        op = "clear" if image is None else "stroke"
        state = {"drawing": {"png": png_url(EMPTY if image is None else image), "seq": self.seq, "op": op,
                             "strokes": strokes}}
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string, rerun.page_script_hash, rerun.fragment_id = self.query, self.page_hash, self.fragment_id
        widget = rerun.widget_states.widgets.add()
        widget.id, widget.json_value = self.pad_id, json.dumps(state)
        sent = time.perf_counter()
        self.socket.send(message.SerializeToString())
        return sent

    def receive(self, timeout: float | None = None) -> Answer:
        """The next run's answer (waits for its `script_finished`); TimeoutError keeps what arrived so far."""
        return self._receive(timeout)

    def _receive(self, timeout: float | None = None) -> Answer:
        answer = self._partial = self._partial or Answer()
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            message = ForwardMsg()
            message.ParseFromString(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.001)))
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = message.new_session.page_script_hash
            elif kind == "delta":
                self._read_delta(message, answer)
            elif kind == "script_finished":
                self._partial = None
                answer.finished_at = time.perf_counter()
                # 0 = finished, 1 = compile error, 2 = rerun requested (interrupted), 3 = fragment finished
                answer.interrupted = message.script_finished == 2
                return answer

    def _read_delta(self, message: ForwardMsg, answer: Answer) -> None:
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "bidi_component" and element.bidi_component.id.endswith(PAD_KEY_SUFFIX):
            self.pad_id, self.fragment_id = element.bidi_component.id, delta.fragment_id
        elif kind == "markdown" and element.markdown.body.startswith("## ") and answer.headline is None:
            answer.headline, answer.headline_at = element.markdown.body, time.perf_counter()
        elif kind == "imgs" and element.imgs.imgs:
            answer.preview = element.imgs.imgs[0].url
        elif kind == "metric":
            answer.digits.append(element.metric.body)

    def close(self) -> None:
        """Leave the page."""
        self.socket.close()
