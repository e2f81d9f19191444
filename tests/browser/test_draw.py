"""Real browser: the Draw page in Chromium with real mouse strokes and touch, as visitors and a teacher use it.

The pad is streamlit-drawable-canvas (Fabric.js, in an open shadow root: Playwright's CSS pierces it) with
the page's companion (ui/draw_pad.js): strokes go on the library's `canvas.upper-canvas`, the ink is read
from its drawing canvas (the `lower-canvas` beside it), Undo and Clear are found by their labels.
"""

from __future__ import annotations

import numpy as np
import pytest

from core.drawing.nondigits import draw_nondigit
from core.drawing.strokes import CANVAS_SIZE, mouse_strokes
from core.models.store import list_cards
from core.settings import REPO_ROOT

pytestmark = pytest.mark.browser

SHIPPED_MODELS_DIR = REPO_ROOT / "saved_models"
ARTIFACTS = REPO_ROOT / "test-artifacts"
WIDE, PROJECTOR = {"width": 1400, "height": 1000}, {"width": 1024, "height": 768}
# (digit, template style, seed): printed and two-stroke digits, drawn as a visitor would.
DIGITS_TO_DRAW = [(2, "printed", 0), (4, "closed", 0), (7, "bar", 0), (0, "oval", 0), (9, "straight-tail", 0)]
ANSWER_TIMEOUT_SECONDS = 90  # the first drawing waits for TensorFlow and every model to load
SCRIBBLE_SEED = 16  # two strokes; measured: the voters 56–68% sure and 1 of 7 models agreeing, at brushes 14–26 px
# Bright pixels of Fabric's drawing canvas: the `lower-canvas` in the upper canvas' wrapper (the library's
# background-image canvas is a `lower-canvas` too).
INK = """(upper) => { const c = upper.parentElement.querySelector('canvas.lower-canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] > 128) n++; return n; }"""
CANVAS_HOST = ".st-key-draw_pad_canvas [data-testid=stBidiComponentIsolated]"
# Strokes starting at each corner and the middle of each edge, 3 px inside the canvas, heading inwards.
EDGE_STARTS = {"top-left": (3, 3), "top": (140, 3), "top-right": (277, 3), "right": (277, 140),
               "bottom-right": (277, 277), "bottom": (140, 277), "bottom-left": (3, 277), "left": (3, 140)}


def open_draw_page(browser, start_app, viewport=WIDE, query="lang=en", **context):
    url = start_app(MNIST_LAB_MODELS_DIR=str(SHIPPED_MODELS_DIR))
    page = browser.new_context(viewport=viewport, **context).new_page()
    page.goto(f"{url}/Draw?{query}")
    canvas = page.locator(f"{CANVAS_HOST} canvas.upper-canvas")
    canvas.wait_for(timeout=ANSWER_TIMEOUT_SECONDS * 1000)
    page.locator(".dc-companion[data-status=ok]").wait_for(state="attached", timeout=30_000)  # toolbar hidden
    page.wait_for_timeout(300)  # the library configures its pencil right after loading its (empty) drawing
    return page, canvas


def screen_points(canvas, stroke) -> list[tuple[float, float]]:
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    scale = box["width"] / CANVAS_SIZE
    return [(box["x"] + x * scale, box["y"] + y * scale) for x, y in stroke]


def draw_strokes(page, canvas, strokes) -> None:
    """Press, move and release the mouse along each stroke (canvas pixels)."""
    for stroke in strokes:
        points = screen_points(canvas, stroke)
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point)
        page.mouse.up()


def touch_stroke(page, canvas, stroke) -> None:
    """One finger drawing the stroke: Chromium touch events through the DevTools protocol."""
    session = page.context.new_cdp_session(page)
    points = screen_points(canvas, stroke)
    session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]})
    for x, y in points[1:]:
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def pen_stroke(page, canvas, stroke) -> None:
    """A stylus drawing the stroke: Chromium pen events through the DevTools protocol."""
    session = page.context.new_cdp_session(page)
    points = screen_points(canvas, stroke)
    event = {"button": "left", "pointerType": "pen", "force": 0.5}
    session.send("Input.dispatchMouseEvent", {**event, "type": "mousePressed", "x": points[0][0], "y": points[0][1],
                                              "clickCount": 1})
    for x, y in points[1:]:
        session.send("Input.dispatchMouseEvent", {**event, "type": "mouseMoved", "x": x, "y": y, "buttons": 1})
    session.send("Input.dispatchMouseEvent", {**event, "type": "mouseReleased", "x": points[-1][0], "y": points[-1][1],
                                              "clickCount": 1})


def answer_for(page, seq: int, timeout: float = ANSWER_TIMEOUT_SECONDS) -> str:
    """The headline's text once every answer to the pad's message `seq` is on the page."""
    page.locator(f".st-key-draw_done_{seq}").wait_for(state="attached", timeout=timeout * 1000)
    return page.locator(".st-key-draw_headline").inner_text()


def model_answers(page, names: list[str]) -> dict[str, str]:
    return {name: page.locator(f".st-key-draw_answer_{name} [data-testid=stMetricValue]").inner_text().strip()
            for name in names}


def press(page, label: str, seq: int) -> str:
    """Press the pad's Undo or Clear (below the canvas) and wait for the answer to the value it sends."""
    page.get_by_role("button", name=label, exact=True).click()
    return answer_for(page, seq, timeout=30)


def clear(page, seq: int) -> None:
    press(page, "Clear", seq)


def test_drawn_digits_get_every_models_answer_and_are_recognised(browser, start_app):
    cards, problems = list_cards(SHIPPED_MODELS_DIR)
    assert cards and not problems, f"shipped models missing or broken in {SHIPPED_MODELS_DIR}: {problems}"
    names = [card.name for card in cards]
    page, canvas = open_draw_page(browser, start_app)
    assert "Draw a digit in the black box" in page.locator(".st-key-draw_headline").inner_text()
    seen, seq = {}, 0
    for digit, style, seed in DIGITS_TO_DRAW:
        strokes = mouse_strokes(digit, style, seed)
        draw_strokes(page, canvas, strokes)
        seq += len(strokes)
        headline = answer_for(page, seq)
        answers = model_answers(page, names)
        assert all(value in "0123456789" and len(value) == 1 for value in answers.values()), answers
        seen[digit] = (headline.split()[0], answers)
        assert page.get_by_text("What the models see").count() == 1
        if digit != DIGITS_TO_DRAW[-1][0]:
            seq += 1
            clear(page, seq)
    wrong = {digit: headline for digit, (headline, _) in seen.items() if headline != str(digit)}
    assert not wrong, f"drawn digit → headline (the page must name each of these): {wrong}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "draw-page-wide.png")


@pytest.mark.parametrize("viewport", [WIDE])
def test_strokes_from_every_corner_and_edge_draw_ink_and_get_an_answer(browser, start_app, viewport):
    page, canvas = open_draw_page(browser, start_app, viewport)
    seq = 0
    for where, (x, y) in EDGE_STARTS.items():
        inward = [(x + (140 - x) * step / 12, y + (140 - y) * step / 12) for step in range(13)]
        draw_strokes(page, canvas, [inward])
        seq += 1
        headline = answer_for(page, seq)
        assert canvas.evaluate(INK) > 500, f"a stroke starting at the {where} drew nothing"
        assert "Draw a digit" not in headline, f"a stroke starting at the {where} got no answer"
        seq += 1
        clear(page, seq)
        assert canvas.evaluate(INK) == 0


def test_a_finger_draws_on_a_touch_screen(browser, start_app):
    page, canvas = open_draw_page(browser, start_app, {"width": 800, "height": 1000}, has_touch=True, is_mobile=True,
                                  device_scale_factor=3)  # a phone's pixel ratio
    strokes = mouse_strokes(7, "plain", 0)
    scrolled = "() => Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollTop), window.scrollY)"
    before = page.evaluate(scrolled)
    for stroke in strokes:
        touch_stroke(page, canvas, stroke)
    headline = answer_for(page, len(strokes))
    assert canvas.evaluate(INK) > 500
    assert headline.split()[0] == "7", headline
    assert page.evaluate(scrolled) == before  # the finger drew; it did not scroll the page


def test_a_pen_draws(browser, start_app):
    page, canvas = open_draw_page(browser, start_app)
    strokes = mouse_strokes(1, "stick", 0)
    for stroke in strokes:
        pen_stroke(page, canvas, stroke)
    headline = answer_for(page, len(strokes))
    assert canvas.evaluate(INK) > 300 and headline.split()[0] == "1", headline


def test_a_scribble_gets_not_sure_instead_of_a_digit(browser, start_app):
    page, canvas = open_draw_page(browser, start_app)
    scribble = draw_nondigit("scribble", np.random.default_rng(SCRIBBLE_SEED), stroke_width=20.0)
    draw_strokes(page, canvas, scribble.strokes)
    headline = answer_for(page, len(scribble.strokes))
    assert headline.startswith("?") and "maybe" in headline, headline


def test_the_projector_layout_shows_pad_preview_and_headline_without_scrolling(browser, start_app):
    page, canvas = open_draw_page(browser, start_app, PROJECTOR, query="lang=ko&present=1")
    draw_strokes(page, canvas, mouse_strokes(3, "round", 0))
    answer_for(page, 1)
    page.wait_for_timeout(500)
    for key in ("draw_pad_box", "draw_preview_box", "draw_headline"):
        box = page.locator(f".st-key-{key}").bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"], (key, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PROJECTOR["width"], (key, box)
    assert page.locator("[data-testid=stSidebar]").get_attribute("aria-expanded") != "true"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "draw-page-projector.png")


def test_undo_removes_the_last_stroke_and_clear_brings_the_invitation_back(browser, start_app):
    page, canvas = open_draw_page(browser, start_app)
    draw_strokes(page, canvas, [[(60.0, 60.0), (60.0, 220.0)]])
    answer_for(page, 1)
    one = canvas.evaluate(INK)
    draw_strokes(page, canvas, [[(120.0, 60.0), (220.0, 200.0)]])
    answer_for(page, 2)
    assert canvas.evaluate(INK) > one > 500
    assert "Draw a digit" not in press(page, "Undo", 3)
    assert abs(canvas.evaluate(INK) - one) <= one * 0.01, "Undo must leave exactly the first stroke"
    assert "Draw a digit" in press(page, "Clear", 4)
    assert canvas.evaluate(INK) == 0 and page.get_by_text("What the models see").count() == 0
    assert "Draw a digit" in press(page, "Undo", 5)  # nothing left to undo: still an answer, still empty
    draw_strokes(page, canvas, [[(140.0, 40.0), (140.0, 240.0)]])  # drawing goes on after Clear
    assert "Draw a digit" not in answer_for(page, 6) and canvas.evaluate(INK) > 500


def test_no_toolbar_covers_the_canvas_and_no_move_mode(browser, start_app):
    """The library's toolbar (top right, over the canvas) is hidden: every point of the canvas is the canvas."""
    page, canvas = open_draw_page(browser, start_app)
    draw_strokes(page, canvas, [[(100.0, 100.0), (160.0, 160.0)]])  # the toolbar used to show while drawing
    answer_for(page, 1)
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] - 20, box["y"] + 10)  # hover where the toolbar was, as a user would
    facts = page.evaluate("""(sel) => {
      const host = document.querySelector(sel), root = host.shadowRoot;
      const upper = root.querySelector('canvas.upper-canvas'), r = upper.getBoundingClientRect();
      const misses = [];
      for (const fx of [0.005, 0.1, 0.25, 0.5, 0.75, 0.9, 0.995])
        for (const fy of [0.005, 0.05, 0.1, 0.115, 0.25, 0.5, 0.75, 0.9, 0.995]) {
          const x = r.left + fx * r.width, y = r.top + fy * r.height;
          if (document.elementFromPoint(x, y) !== host || root.elementFromPoint(x, y) !== upper) misses.push([fx, fy]);
        }
      const shown = [...root.querySelectorAll('button')].filter((b) => b.getBoundingClientRect().width > 0).length;
      const toolbar = root.querySelector('.dc-toolbar');
      return {misses, shown, display: toolbar ? getComputedStyle(toolbar).display : 'absent'};
    }""", CANVAS_HOST)
    assert facts == {"misses": [], "shown": 0, "display": "none"}, facts
    ink = canvas.evaluate(INK)
    draw_strokes(page, canvas, [[(220.0, 8.0), (250.0, 20.0), (275.0, 28.0)]])  # entirely inside the old toolbar strip
    answer_for(page, 2)
    assert canvas.evaluate(INK) > ink
    # Even if the library's select/move mode were switched on, the next stroke draws instead of dragging the ink.
    edit = page.locator(f"{CANVAS_HOST} .dc-toolbar button[aria-label=Edit]")
    assert edit.evaluate("(button) => { button.click(); return button.getAttribute('aria-pressed'); }") == "true"
    ink = canvas.evaluate(INK)
    draw_strokes(page, canvas, [[(130.0, 130.0), (130.0, 260.0)]])  # starts on the first stroke: would drag it
    answer_for(page, 3)
    assert canvas.evaluate(INK) > ink + 500 and edit.get_attribute("aria-pressed") == "false"
