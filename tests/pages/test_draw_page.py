"""The Draw page, headless (AppTest): a drawing injected into the pad's state gets a headline answer and every model's."""

from __future__ import annotations

import base64
import io
import tomllib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.drawing.strokes import draw_digit, render_strokes
from core.settings import REPO_ROOT
from tests.pages.untranslated import untranslated
from ui.draw_pad import CANVAS_SIZE, MAX_SIDE, PAD_KEY, PadDrawing, decode

APP = str(REPO_ROOT / "app.py")
PAGE = "pages/3_Draw.py"
SMALL_MODELS = {"small-softmax", "small-nn-xavier"}
INVITATION = "Draw a digit in the black box"


def png_url(image: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def pad_state(image: np.ndarray | None, seq: int = 1, strokes: int = 1) -> dict:
    """What the pad's companion keeps in session state after a stroke: the canvas as a PNG data URL.

    After Clear (image None) it sends the empty canvas: a black PNG, as the companion does.
    """
    if image is None:
        black = on_black(np.zeros((CANVAS_SIZE, CANVAS_SIZE), np.uint8))
        return {"drawing": {"seq": seq, "png": png_url(black), "op": "clear", "strokes": 0}}
    return {"drawing": {"seq": seq, "png": png_url(image), "op": "stroke", "strokes": strokes}}


def on_black(alpha: np.ndarray) -> np.ndarray:
    """White ink on an opaque black background: what the pad sends."""
    return np.dstack([alpha, alpha, alpha, np.full_like(alpha, 255)])


def white_on_black(digit: int, seed: int = 0) -> np.ndarray:
    return on_black(draw_digit(digit, np.random.default_rng(seed), stroke_width=20.0).image[:, :, 3])


def open_page(models: Path, monkeypatch, query: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(models))
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(models.parent / "runs"))
    at = AppTest.from_file(APP, default_timeout=90)
    for name, value in {"lang": "en", **(query or {})}.items():
        at.query_params[name] = value
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    return at


def draw(at: AppTest, image: np.ndarray | None, seq: int = 1) -> AppTest:
    at.session_state[PAD_KEY] = pad_state(image, seq)
    at.run()
    assert not at.exception
    return at


def headline(at: AppTest) -> list[str]:
    return [element.value for element in at.get_by_key("draw_headline").get("markdown")] if _has(at, "draw_headline") \
        else []


def _has(at: AppTest, key: str) -> bool:
    try:
        at.get_by_key(key)
        return True
    except (KeyError, ValueError):
        return False


def test_before_the_first_stroke_it_invites_a_drawing(small_models_dir, monkeypatch):
    at = open_page(small_models_dir, monkeypatch)
    assert any(INVITATION in text for text in headline(at))
    assert len(at.metric) == 0


def test_a_drawing_gets_a_headline_and_every_models_answer(small_models_dir, monkeypatch):
    at = draw(open_page(small_models_dir, monkeypatch), white_on_black(3))
    texts = headline(at)
    assert texts[0] in ("## ?", *(f"## {digit}" for digit in range(10)))
    assert any("The headline is" in caption.value for caption in at.caption)
    metrics = {metric.label.split()[-1]: metric.value for metric in at.metric}
    assert set(metrics) == SMALL_MODELS and all(value in "0123456789" and len(value) == 1 for value in metrics.values())
    assert len(at.get("plotly_chart")) == 0  # no chart per card any more: they cost most of a stroke's time


def test_the_page_shows_what_the_models_see_inline(small_models_dir, monkeypatch):
    at = draw(open_page(small_models_dir, monkeypatch), white_on_black(4))
    images = at.get("image")
    assert len(images) == 1
    preview = images[0].proto.imgs[0]
    assert "28×28" in preview.caption and preview.url.startswith("data:image/png;base64,")  # crisp, no extra request
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(preview.url.split(",", 1)[1]))))
    assert pixels.shape == (28, 28) and pixels.max() == 255


def test_a_line_is_not_called_a_digit(small_models_dir, monkeypatch):
    line = render_strokes([[(20.0, 140.0), (260.0, 150.0)]], 20.0)[:, :, 3]
    at = draw(open_page(small_models_dir, monkeypatch), on_black(line))
    texts = headline(at)
    assert texts[0] == "## ?" and any("does not look like a digit — maybe" in text for text in texts)


def test_clear_brings_the_invitation_back(small_models_dir, monkeypatch):
    at = draw(open_page(small_models_dir, monkeypatch), white_on_black(5))
    assert len(at.metric) == 2
    draw(at, None, seq=2)
    assert len(at.metric) == 0 and any(INVITATION in text for text in headline(at))


def test_the_pad_reads_what_its_companion_sends_and_refuses_anything_else():
    inked = white_on_black(8)
    drawing = decode(pad_state(inked, seq=4, strokes=2)["drawing"])
    assert drawing is not None and (drawing.seq, drawing.strokes) == (4, 2) and (drawing.image == inked).all()
    assert decode(pad_state(None, seq=5)["drawing"]) == PadDrawing(5, 0, None)  # Clear: a black PNG, no ink
    assert decode({"seq": 6, "png": png_url(inked)}).strokes == 1  # no stroke count: an inked image is one
    assert decode(None) is None and decode({"png": png_url(inked)}) is None and decode({"seq": True}) is None
    huge = np.zeros((MAX_SIDE + 1, 8, 4), np.uint8)
    assert decode({"seq": 7, "png": png_url(huge)}) is None  # not from the pad: refused, never decoded
    assert decode({"seq": 8, "png": "data:image/png;base64,bm90IGEgcG5n"}) is None  # "not a png"
    assert decode({"seq": 9, "png": "data:image/png;base64,%%%"}) is None


def test_details_show_every_models_probabilities_only_when_opened(small_models_dir, monkeypatch):
    at = draw(open_page(small_models_dir, monkeypatch), white_on_black(6))
    assert not any("| model |" in markdown.value for markdown in at.markdown)
    at.session_state["draw_details"] = True
    at.run()
    table = next(markdown.value for markdown in at.markdown if markdown.value.startswith("| model |"))
    assert all(name in table for name in SMALL_MODELS) and table.count("**") >= 2 * len(SMALL_MODELS)


def test_every_visible_string_is_translated(small_models_dir, monkeypatch):
    at = open_page(small_models_dir, monkeypatch, {"lang": "pseudo"})
    draw(at, white_on_black(2))
    at.session_state["draw_details"] = True
    at.run()
    assert untranslated(at, names=SMALL_MODELS) == []
    line = render_strokes([[(20.0, 140.0), (260.0, 150.0)]], 20.0)[:, :, 3]
    draw(at, on_black(line), seq=2)
    assert untranslated(at, names=SMALL_MODELS) == []
    draw(at, None, seq=3)
    assert untranslated(at, names=SMALL_MODELS) == []


def test_presentation_mode_styles_the_page_for_a_projector(small_models_dir, monkeypatch):
    at = open_page(small_models_dir, monkeypatch, {"present": "1"})
    styles = " ".join(element.proto.body for element in at.get("html"))
    assert "st-key-draw_intro { display: none; }" in styles


def test_a_corrupt_model_is_skipped_with_a_visible_note(models_copy, monkeypatch):
    (models_copy / "small-softmax.keras").write_bytes(b"not a model")
    at = draw(open_page(models_copy, monkeypatch), white_on_black(7))
    assert any("small-softmax.keras" in box.value and "skipped" in box.value for box in at.warning)
    assert {metric.label.split()[-1] for metric in at.metric} == {"small-nn-xavier"}


def test_no_models_says_how_to_get_some(tmp_path, monkeypatch):
    at = open_page(tmp_path / "no-models", monkeypatch)
    assert any("python -m core.train --preset cnn-lab" in box.value for box in at.info)


@pytest.mark.parametrize("source", [".streamlit/config.toml"])
def test_the_configuration_make_run_uses_has_no_file_watcher(source):
    """An idle page cost a whole core while Streamlit watched the ~6,000 folders of .venv (docs/STREAMLIT.md)."""
    config = tomllib.loads((REPO_ROOT / source).read_text())
    assert config["server"]["fileWatcherType"] == "none"
    run_recipe = (REPO_ROOT / "Makefile").read_text().split("\nrun:")[1].split("\n\n")[0]
    assert "streamlit run app.py" in run_recipe and "fileWatcherType" not in run_recipe


def test_looking_inside_shows_a_models_templates_and_saliency_only_when_opened(small_models_dir, monkeypatch):
    at = draw(open_page(small_models_dir, monkeypatch), white_on_black(7))
    assert len(at.get("image")) == 1  # the preview only: nothing inside is built while the view is closed
    at.session_state["draw_inside"] = True
    at.run()
    at.selectbox(key="draw_inside_model").set_value("small-softmax").run()
    assert not at.exception
    captions = [image.proto.imgs[0].caption for image in at.get("image")]
    assert len(captions) == 3 and any(caption.startswith("Saliency") for caption in captions)  # preview, saliency, W
    assert any("ten weight templates" in markdown.value for markdown in at.markdown)
    at.selectbox(key="draw_inside_model").set_value("small-nn-xavier").run()
    assert any("16 hidden units" in markdown.value for markdown in at.markdown)
