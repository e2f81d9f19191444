"""Real browser: draw digits with mouse strokes on the Draw page's canvas; every shipped model answers, correctly."""

from __future__ import annotations

import time

import pytest

from core.drawing.strokes import CANVAS_SIZE, mouse_strokes
from core.models.store import list_cards

pytestmark = pytest.mark.browser

from core.settings import REPO_ROOT  # noqa: E402

SHIPPED_MODELS_DIR = REPO_ROOT / "saved_models"
ARTIFACTS = REPO_ROOT / "test-artifacts"
WIDE, NARROW = {"width": 1400, "height": 1000}, {"width": 800, "height": 1000}
# (digit, template style, seed): printed and two-stroke digits, drawn as a visitor would.
DIGITS_TO_DRAW = [(2, "printed", 0), (4, "closed", 0), (7, "bar", 0), (0, "oval", 0), (9, "straight-tail", 0)]
ANSWER_TIMEOUT_SECONDS = 90  # the first drawing waits for TensorFlow and every model to load


def draw_strokes(page, canvas, strokes) -> None:
    """Press, move and release the mouse along each stroke, scaled from canvas pixels to the canvas's box."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    scale_x, scale_y = box["width"] / CANVAS_SIZE, box["height"] / CANVAS_SIZE
    for stroke in strokes:
        points = [(box["x"] + x * scale_x, box["y"] + y * scale_y) for x, y in stroke]
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point)
        page.mouse.up()
        page.wait_for_timeout(350)  # each stroke reruns the page ≈200 ms after mouse-up


def fresh_canvas(page, timeout: float = 30):
    """The drawing layer of the one canvas on the page (after Clear the old one lingers until the rerun ends)."""
    canvases = page.locator("[data-testid=stBidiComponentIsolated] canvas.upper-canvas")
    deadline = time.monotonic() + timeout
    while canvases.count() != 1 or not canvases.first.is_visible():
        assert time.monotonic() < deadline, f"expected one canvas, found {canvases.count()}"
        page.wait_for_timeout(200)
    return canvases.first


def read_answers(page, names: list[str]) -> dict[str, str] | None:
    """{'ensemble': digit, model: digit…} once every card shows a digit, else None."""
    answers = {}
    for name, key in [("ensemble", "draw_ensemble")] + [(name, f"draw_answer_{name}") for name in names]:
        value = page.locator(f".st-key-{key} [data-testid=stMetricValue]")
        if value.count() != 1:
            return None
        answers[name] = value.inner_text().strip()
    return answers


def settled_answers(page, names: list[str], timeout: float) -> dict[str, str]:
    """The answers once the app is idle and they stay the same for a second."""
    deadline, previous = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        running = page.get_by_test_id("stStatusWidget").filter(has_text="Running").count() > 0
        current = None if running else read_answers(page, names)
        if current is not None and current == previous:
            return current
        previous = current
        page.wait_for_timeout(500)
    raise AssertionError(f"no settled answers from {names} within {timeout} s; last seen {previous}")


def test_drawn_digits_get_every_models_answer_and_are_recognised(browser, start_app):
    cards, problems = list_cards(SHIPPED_MODELS_DIR)
    assert cards and not problems, f"shipped models missing or broken in {SHIPPED_MODELS_DIR}: {problems}"
    names = [card.name for card in cards]
    best = max(cards, key=lambda card: (card.drawn_accuracy or 0.0, card.test_accuracy)).name
    url = start_app(MNIST_LAB_MODELS_DIR=str(SHIPPED_MODELS_DIR))
    page = browser.new_page(viewport=WIDE)
    page.goto(f"{url}/Draw")
    canvas = fresh_canvas(page, timeout=ANSWER_TIMEOUT_SECONDS)
    page.get_by_text("Draw a digit in the black box").wait_for()

    seen = {}
    for digit, style, seed in DIGITS_TO_DRAW:
        draw_strokes(page, canvas, mouse_strokes(digit, style, seed))
        answers = settled_answers(page, names, ANSWER_TIMEOUT_SECONDS)
        assert set(answers) == {"ensemble", *names}, "every model's card shows its answer"
        assert all(value in "0123456789" and len(value) == 1 for value in answers.values()), answers
        seen[digit] = answers
        page.get_by_alt_text("What the models see", exact=False).or_(page.get_by_text("What the models see")).first.wait_for()
        if digit == DIGITS_TO_DRAW[-1][0]:
            break
        page.get_by_role("button", name="Clear").click()
        page.get_by_text("Draw a digit in the black box").wait_for(timeout=30_000)
        canvas = fresh_canvas(page)

    wrong = {digit: answers for digit, answers in seen.items() if answers["ensemble"] != str(digit) or answers[best] != str(digit)}
    assert not wrong, f"drawn digit → answers (ensemble and best model {best} must be right): {wrong}"

    # Streamlit scrolls inside the page, so a tall window stands in for a full-page screenshot.
    ARTIFACTS.mkdir(exist_ok=True)
    for name, size in [("wide", {**WIDE, "height": 1500}), ("narrow", {**NARROW, "height": 2600})]:
        page.set_viewport_size(size)
        page.wait_for_timeout(1000)
        assert read_answers(page, names) == seen[DIGITS_TO_DRAW[-1][0]]  # all still there at this width
        page.screenshot(path=ARTIFACTS / f"draw-page-{name}.png")
    page.close()
