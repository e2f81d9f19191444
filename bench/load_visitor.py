"""One simulated visitor for bench.draw_load: draws its own digits stroke by stroke, and checks every answer it gets.

The visitor sends as a person draws (it never waits for an answer before the next stroke) and
a second thread receives: each answer's 28×28 preview names the drawing it answers, so the
latency is measured from that drawing's own sending, and an answer for a drawing this visitor
never sent is counted as shown to the wrong visitor.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from bench.streamlit_client import DrawVisitor
from core.drawing.preprocess import prepare_drawing
from core.drawing.strokes import digit_strokes, render_strokes, styles_of

DrawnStroke = tuple[np.ndarray, str]  # the canvas after this stroke, and the preview the page should show for it


def visitor_drawings(index: int, digits: int) -> list[list[DrawnStroke]]:
    """Visitor `index`'s digits: for each, the canvas after each of its strokes and the expected preview."""
    from ui.draw_view import preview_url

    drawings = []
    for number in range(digits):
        digit = (index + number) % 10
        rng = np.random.default_rng([index, number])
        style = str(rng.choice(styles_of(digit)))
        width = float(rng.uniform(12.0, 28.0))
        strokes = digit_strokes(digit, style, rng, stroke_width=width, jitter=0.6)
        steps = []
        for count in range(1, len(strokes) + 1):
            alpha = render_strokes(strokes[:count], width)[:, :, 3]
            canvas = np.dstack([alpha, alpha, alpha, np.full_like(alpha, 255)])
            steps.append((canvas, preview_url(prepare_drawing(canvas))))
        drawings.append(steps)
    return drawings


class Visitor:
    """A visitor drawing on one open Draw page."""

    def __init__(self, url: str, drawings: list[list[DrawnStroke]], rng: np.random.Generator):
        self.client, self.drawings, self.rng = DrawVisitor(url), drawings, rng
        self.lock = threading.Lock()
        self.sent: list[tuple[str, float]] = []  # (expected preview, time sent), in order
        self.done: dict[int, tuple[float, float]] = {}  # stroke number → (headline ms, every answer ms)
        self.answers = self.wrong = 0
        self.stop = threading.Event()

    def open(self) -> None:
        """Open the page (and wait for it)."""
        self.client.open()

    def draw_for(self, seconds: float) -> None:
        """Draw digits for `seconds`, then wait up to 15 s for the last answers."""
        receiver = threading.Thread(target=self._receive)
        receiver.start()
        deadline = time.monotonic() + seconds
        for steps in self.drawings:
            for count, (canvas, preview) in enumerate(steps, start=1):
                time.sleep(self.rng.uniform(0.5, 1.2))  # drawing the stroke
                with self.lock:
                    self.sent.append((preview, self.client.send_drawing(canvas, count)))
            time.sleep(self.rng.uniform(1.0, 2.5))  # looking at the answer
            self.client.send_drawing(None, 0)  # Clear
            time.sleep(self.rng.uniform(0.3, 0.8))
            if time.monotonic() > deadline:
                break
        end = time.monotonic() + 15
        while time.monotonic() < end and (not self.sent or len(self.sent) - 1 not in self.done):
            time.sleep(0.1)
        self.stop.set()
        receiver.join(timeout=30)

    def _receive(self) -> None:
        while not self.stop.is_set():
            try:
                answer = self.client.receive(timeout=0.5)
            except TimeoutError:
                continue
            except Exception:  # the connection closed
                return
            if answer.interrupted:
                continue
            with self.lock:
                self.answers += 1
                if answer.preview is None:
                    continue  # a cleared pad's answer (the invitation)
                matches = [number for number, (preview, _) in enumerate(self.sent) if preview == answer.preview]
                if not matches:
                    self.wrong += 1
                    continue
                number = matches[-1]
                sent = self.sent[number][1]
                headline_at = answer.headline_at if answer.headline_at is not None else answer.finished_at
                self.done[number] = (1000 * (headline_at - sent), 1000 * (answer.finished_at - sent))

    @property
    def strokes(self) -> int:
        """Strokes sent."""
        return len(self.sent)

    @property
    def headline_ms(self) -> list[float]:
        """Mouse-up → headline answer, per answered stroke."""
        return [headline for headline, _ in self.done.values()]

    @property
    def every_ms(self) -> list[float]:
        """Mouse-up → every answer, per answered stroke."""
        return [every for _, every in self.done.values()]

    @property
    def superseded(self) -> int:
        """Strokes without their own answer, but followed by an answered one."""
        last = max(self.done, default=-1)
        return sum(1 for number in range(len(self.sent)) if number not in self.done and number < last)

    @property
    def unanswered(self) -> int:
        """Strokes after which no answer came at all."""
        last = max(self.done, default=-1)
        return sum(1 for number in range(len(self.sent)) if number > last)

    def close(self) -> None:
        """Leave the page."""
        self.stop.set()
        self.client.close()
