"""Real browser: on the Models page a click on a cell of the confusion matrix shows the digits it confused."""

from __future__ import annotations

import numpy as np
import pytest

from harness.browser import wait_until_settled

pytestmark = pytest.mark.browser

HEATMAP_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .some(p => p.data && p.data[0].type === 'heatmap' && p._fullLayout && p._fullLayout.xaxis)"""
CELL_CENTRE = """([answered, truth]) => {
    const plot = [...document.querySelectorAll('.js-plotly-plot')].find(p => p.data && p.data[0].type === 'heatmap');
    plot.scrollIntoView({block: 'center'});
    const layout = plot._fullLayout, box = plot.getBoundingClientRect();
    return [box.left + layout.xaxis._offset + layout.xaxis.d2p(String(answered)),
            box.top + layout.yaxis._offset + layout.yaxis.d2p(String(truth))];
}"""


def test_a_click_on_a_cell_lists_the_digits_read_wrongly_there(browser, start_app, models_copy, tmp_path, mnist):
    from core.models import insight

    answers = insight.answers_on_test_digits("small-nn-xavier", mnist.test_images, models_copy)
    matrix = insight.confusion_matrix(answers, mnist.test_labels)
    off_diagonal = matrix - np.diag(np.diag(matrix))
    truth, answered = np.unravel_index(np.argmax(off_diagonal), matrix.shape)  # its most frequent confusion
    url = start_app(MNIST_LAB_MODELS_DIR=str(models_copy), MNIST_LAB_RUNS_DIR=str(tmp_path / "runs"),
                    MNIST_LAB_MAX_PARALLEL_RUNS="0")
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{url}/Models?lang=en")
    wait_until_settled(page)
    page.get_by_text("Click a cell to see its digits").wait_for(timeout=60_000)
    page.wait_for_function(HEATMAP_DRAWN, timeout=60_000)
    x, y = page.evaluate(CELL_CENTRE, [int(answered), int(truth)])
    page.mouse.click(x, y)
    heading = f"True {truth}, read as {answered}: {matrix[truth, answered]:,} digits"
    page.get_by_text(heading).wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "confusion.png"))
    page.close()
