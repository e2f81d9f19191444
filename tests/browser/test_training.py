"""Real browser: start a quick run on the Train page, watch its cost curve grow on the Curves page, reload, still see it."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from core.runs import store as runs
from core.settings import REPO_ROOT

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "test-artifacts"
WIDE, NARROW = {"width": 1400, "height": 1000}, {"width": 800, "height": 1000}
COST_POINTS = """() => {
    const plot = document.querySelector('.js-plotly-plot');
    return plot && plot.data && plot.data.length ? plot.data[0].x.length : 0;
}"""


def wait_for(page, condition, timeout: float, what: str):
    """Poll a Python condition while the page keeps running; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        page.wait_for_timeout(250)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def screenshots(page, name: str) -> None:
    """Full-page screenshots at a wide and a narrow (~800 px) window."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}-wide.png", full_page=True)
    page.set_viewport_size(NARROW)
    page.wait_for_timeout(700)
    page.screenshot(path=ARTIFACTS / f"{name}-narrow.png", full_page=True)
    page.set_viewport_size(WIDE)


def test_a_quick_run_from_the_train_page_grows_on_the_curves_page_and_survives_a_reload(browser, start_app, tmp_path,
                                                                                      monkeypatch):
    store, models = tmp_path / "runs", tmp_path / "models"
    url = start_app(MNIST_LAB_RUNS_DIR=str(store), MNIST_LAB_MODELS_DIR=str(models), MNIST_LAB_LANGUAGE="en")
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(store))  # to read the same store from here
    page = browser.new_page(viewport=WIDE)
    page.set_default_timeout(90_000)  # CI's 2 cores may be busy: wait longer, assert the same things

    page.goto(f"{url}/Train")
    preset_picker = page.get_by_test_id("stSelectbox").filter(has_text="Lecture preset")
    preset_picker.click()
    page.keyboard.type("nn-xavier", delay=50)
    page.get_by_role("option", name="nn-xavier").first.wait_for()  # the filtered list has caught up with the typing
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name="Lecture preset")).to_have_value(  # selected, not just listed
        "nn-xavier — 3-layer ReLU net, Xavier init", timeout=90_000)
    page.get_by_text("269,322").wait_for()  # the preset's parameter count: its settings are filled in
    page.get_by_text("Quick run: train on a slice of the digits").click()
    train_button = page.get_by_role("button", name="Train (quick run)")
    train_button.wait_for()
    page.get_by_text("269,322").wait_for()  # still the same model, before training
    screenshots(page, "train-page")
    train_button.click()
    page.get_by_text("Watch its curves").click()
    page.wait_for_url("**/Curves?run=*")
    run_id = int(parse_qs(urlparse(page.url).query)["run"][0])

    first = wait_for(page, lambda: page.evaluate(COST_POINTS) >= 2, 120, "the first points of the cost curve")
    assert first
    seen = page.evaluate(COST_POINTS)
    grown = wait_for(page, lambda: page.evaluate(COST_POINTS) > seen and page.evaluate(COST_POINTS), 60,
                     "the cost curve to grow")
    assert runs.get_run(run_id).status == "running", "the curve should grow while the run trains"
    page.get_by_test_id("stProgress").wait_for()
    screenshots(page, "curves-during-run")

    page.reload()
    assert f"run={run_id}" in page.url
    page.get_by_text(f"#{run_id} nn-xavier").first.wait_for()
    wait_for(page, lambda: page.evaluate(COST_POINTS) >= grown, 30, "the curve after the reload")

    page.get_by_text("Saved as").wait_for(timeout=180_000)
    run = runs.get_run(run_id)
    assert run.status == "finished" and run.result.test_accuracy > 0.8
    assert page.evaluate(COST_POINTS) == 9 + 75  # each of the first 9 steps, then every 10th of 750
    name = run.result.saved_model
    assert name.startswith("nn-xavier-quick-")  # its own name, marked quick: never the lecture's nn-xavier
    assert (models / f"{name}.keras").exists() and (models / f"{name}.json").exists()
    page.get_by_text("the lecture printed").wait_for()
    screenshots(page, "curves-after-run")
    page.close()
