"""Real browser: the Train page's settings live in its address, so a reload (or the link elsewhere) reproduces them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_reload_and_a_shared_link_reproduce_the_train_settings(browser, start_app, tmp_path):
    url = start_app(MNIST_LAB_RUNS_DIR=str(tmp_path / "runs"), MNIST_LAB_MODELS_DIR=str(tmp_path / "models"),
                    MNIST_LAB_MAX_PARALLEL_RUNS="0", MNIST_LAB_LANGUAGE="en")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    page.goto(f"{url}/Train?preset=nn-dropout&lang=en")
    page.get_by_text("1,195,018").wait_for()  # nn-dropout's parameters: the link's preset is filled in
    page.get_by_text("Quick run: train on a slice of the digits").click()
    page.get_by_role("button", name="Train (quick run)").wait_for()
    learning_rate = page.get_by_test_id("stSlider").filter(has_text="Learning rate")
    learning_rate.get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")  # 0.001 → 0.003
    page.get_by_text("learning rate 0.001 → 0.003").wait_for()
    page.wait_for_url("**lr=0.003**")
    link = page.url
    assert "preset=nn-dropout" in link and "quick=1" in link

    page.reload()
    page.get_by_text("learning rate 0.001 → 0.003").wait_for()
    expect(page.get_by_role("button", name="Train (quick run)")).to_be_visible()
    page.get_by_text("1,195,018").wait_for()

    elsewhere = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()  # another machine
    elsewhere.set_default_timeout(90_000)
    elsewhere.goto(link)
    elsewhere.get_by_text("learning rate 0.001 → 0.003").wait_for()
    expect(elsewhere.get_by_role("button", name="Train (quick run)")).to_be_visible()
    elsewhere.close()
    page.close()
