"""Real browser: a visitor corrects the Draw page's answer with one tap; the teacher finds the drawing on Class digits."""

from __future__ import annotations

import pytest

from core.drawing.strokes import mouse_strokes
from harness.browser import wait_until_settled
from tests.browser.test_draw import answer_for, draw_strokes, open_draw_page

pytestmark = pytest.mark.browser


def test_a_corrected_answer_is_kept_and_shown_in_the_teachers_view(browser, start_app, tmp_path):
    runs = str(tmp_path / "runs")
    page, canvas = open_draw_page(browser, lambda **environment: start_app(**environment, MNIST_LAB_RUNS_DIR=runs))
    strokes = mouse_strokes(7, "bar", 0)
    draw_strokes(page, canvas, strokes)
    read = answer_for(page, len(strokes)).split()[0]
    meant = "1" if read != "1" else "7"  # whatever the page read, the visitor says they meant another digit
    page.locator(f".st-key-draw_label_{meant} button").click()
    page.get_by_text(f"Kept as a {meant}").wait_for(timeout=30_000)
    page.goto(page.url.split("/Draw")[0] + "/Class_digits?lang=en")
    page.locator("[class*='st-key-class_drawing_'] img").first.wait_for(timeout=60_000)
    wait_until_settled(page)
    counts = page.locator(".st-key-class_counts [data-testid='stMetricValue']").all_inner_texts()
    assert [int(count) for count in counts] == [1 if digit == int(meant) else 0 for digit in range(10)]
    drawing = page.locator("[class*='st-key-class_drawing_']")
    assert drawing.count() == 1 and f"read {read}" in drawing.inner_text()
    assert drawing.locator("img").evaluate("image => image.naturalWidth") > 0  # the thumbnail really shows
