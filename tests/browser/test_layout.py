"""Real browser: Korean glyphs render, and every page fits a projector (1024×768), a laptop (1280×800) and a phone."""

from __future__ import annotations

import pytest

from core.settings import REPO_ROOT
from harness.browser import full_screenshot, overflowing_elements, wait_until_settled
from tests.run_records import add_three_runs

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "test-artifacts" / "layout"
SIZES = {"projector": (1024, 768), "laptop": (1280, 800), "phone": (390, 844)}
PAGES = {"home": "", "train": "Train", "curves": "Curves", "draw": "Draw", "models": "Models", "class": "Class_digits"}


@pytest.fixture()
def app_with_runs(start_app, tmp_path, monkeypatch):
    """The app on the shipped models, with a run store holding a finished, a diverged and a failed run."""
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    ids = add_three_runs()
    url = start_app(MNIST_LAB_RUNS_DIR=str(tmp_path / "runs"), MNIST_LAB_MAX_PARALLEL_RUNS="0")
    return url, ids


def test_korean_text_is_drawn_with_real_glyphs_not_boxes(browser, start_app):
    url = start_app(MNIST_LAB_LANGUAGE="ko")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(url)
    wait_until_settled(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    words = [sidebar.get_by_text(word, exact=True) for word in ("학습", "곡선")]
    # Two-syllable words: without a Korean font each is two identical "tofu" boxes, so the pictures would match.
    pictures = [word.screenshot() for word in words]
    assert pictures[0] != pictures[1], "학습 and 곡선 look the same: Hangul is drawn as boxes"
    page.close()


@pytest.mark.parametrize("size", SIZES)
def test_every_page_fits_the_window_in_both_languages(browser, app_with_runs, size):
    url, (finished, diverged, failed) = app_with_runs
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, path in PAGES.items():
        for language in ("ko", "en"):
            query = f"?lang={language}" + (f"&run={finished}&run={diverged}&run={failed}" if name == "curves" else "")
            page.goto(f"{url}/{path}{query}")
            wait_until_settled(page)
            problems += [f"{name} {language}: {what}" for what in overflowing_elements(page)]
            full_screenshot(page, str(ARTIFACTS / f"{name}-{size}-{language}.png"))
    page.close()
    assert problems == [], "\n".join(problems)
