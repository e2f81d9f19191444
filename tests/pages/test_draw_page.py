"""The Draw page, headless (AppTest): a drawing injected into the canvas's state gets every model's answer."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.drawing.strokes import draw_digit
from core.settings import REPO_ROOT

APP = str(REPO_ROOT / "app.py")
PAGE = "pages/3_Draw.py"
SMALL_MODELS = {"small-softmax", "small-nn-xavier"}


def canvas_state(image: np.ndarray) -> dict:
    """What streamlit-drawable-canvas 0.13 keeps in session state after a stroke: the JSON and a PNG data URL."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return {"drawing": {"raw": {"objects": [{"type": "Path"}], "background": "#000000"}, "data": url},
            "backgroundFit": None}


def white_on_black(digit: int, seed: int = 0) -> np.ndarray:
    """A drawn digit as the page's canvas returns it: white ink on an opaque black background."""
    alpha = draw_digit(digit, np.random.default_rng(seed), stroke_width=20.0).image[:, :, 3]
    return np.dstack([alpha, alpha, alpha, np.full_like(alpha, 255)])


def open_page(models: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(models))
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(models.parent / "runs"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    return at


def draw(at: AppTest, image: np.ndarray) -> AppTest:
    key = f"draw_canvas_{at.session_state['draw_canvas_number']}"
    at.session_state[key] = canvas_state(image)
    at.run()
    assert not at.exception
    return at


def card_names(at: AppTest) -> set[str]:
    return {markdown.value.strip("*") for markdown in at.markdown if markdown.value.startswith("**small-")}


def test_before_the_first_stroke_it_invites_a_drawing(small_models_dir, monkeypatch):
    at = open_page(small_models_dir, monkeypatch)
    assert "Draw a digit" in at.info[0].value
    assert len(at.metric) == 0
    assert at.select_slider(key="draw_brush").value == 20


def test_a_drawing_gets_every_models_answer_and_the_ensemble(small_models_dir, monkeypatch):
    at = draw(open_page(small_models_dir, monkeypatch), white_on_black(3))
    assert card_names(at) == SMALL_MODELS
    metrics = [(metric.label, metric.value) for metric in at.metric]
    assert metrics[0][0] == "ensemble says" and len(metrics) == 1 + len(SMALL_MODELS)
    assert all(value in "0123456789" and len(value) == 1 for _, value in metrics)
    assert any("Ensemble" in markdown.value for markdown in at.markdown)
    assert any("test accuracy" in caption.value for caption in at.caption)
    verdicts = [box.value for box in at.success] + [box.value for box in at.warning]
    assert any("agree" in text.lower() or "disagree" in text.lower() for text in verdicts)
    assert len(at.get("plotly_chart")) == 1 + len(SMALL_MODELS)


def test_disagreeing_models_are_named(small_models_dir, monkeypatch):
    """small-softmax (19% after a few steps) and small-nn-xavier rarely agree on all of ten digits."""
    at = open_page(small_models_dir, monkeypatch)
    named = False
    for digit in range(10):
        draw(at, white_on_black(digit, seed=digit))
        metrics = [metric.value for metric in at.metric]
        if len(set(metrics)) > 1:  # someone disagrees with the ensemble
            assert any(box.value.startswith("Disagree:") for box in at.warning)
            named = True
        else:
            assert any("agree" in box.value for box in at.success)
    assert named


def test_a_blank_canvas_asks_for_a_digit(small_models_dir, monkeypatch):
    blank = np.zeros((280, 280, 4), np.uint8)
    blank[:, :, 3] = 255  # what the toolbar's reset leaves: the black background, no ink
    at = draw(open_page(small_models_dir, monkeypatch), blank)
    assert any("draw a digit" in box.value for box in at.info)
    assert len(at.metric) == 0


def test_clear_gives_a_fresh_canvas(small_models_dir, monkeypatch):
    at = draw(open_page(small_models_dir, monkeypatch), white_on_black(5))
    assert len(at.metric) == 3
    at.button(key="draw_clear").click().run()
    assert at.session_state["draw_canvas_number"] == 1
    at.run()
    assert len(at.metric) == 0 and "Draw a digit" in at.info[0].value


def test_a_corrupt_model_is_skipped_with_a_visible_note(models_copy, monkeypatch):
    (models_copy / "small-softmax.keras").write_bytes(b"not a model")
    at = draw(open_page(models_copy, monkeypatch), white_on_black(7))
    assert any("small-softmax.keras" in box.value and "skipped" in box.value for box in at.warning)
    assert card_names(at) == {"small-nn-xavier"}


def test_no_models_says_how_to_get_some(tmp_path, monkeypatch):
    at = open_page(tmp_path / "no-models", monkeypatch)
    assert any("python -m core.train --preset cnn-lab" in box.value for box in at.info)
    assert any("Train" in box.value for box in at.info)


@pytest.mark.parametrize("digit", [1, 4])
def test_the_page_shows_what_the_models_see(small_models_dir, monkeypatch, digit):
    at = draw(open_page(small_models_dir, monkeypatch), white_on_black(digit))
    images = at.get("image")
    assert len(images) == 1
    preview = images[0].proto.imgs[0]
    assert "28×28" in preview.caption and preview.url.endswith(".png")  # PNG: crisp pixels, no JPEG blur
