"""core.drawing.preprocess: any drawing → the 28×28 input MNIST would have made of it (or a refusal)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from core.drawing.preprocess import (
    BLANK_MESSAGE,
    CENTRE,
    DOT_MESSAGE,
    FIT_SIZE,
    IMAGE_SIZE,
    ink_map,
    load_image,
    prepare_drawing,
    stack_inputs,
)
from core.drawing.strokes import digit_strokes, redraw_mnist, render_strokes, styles_of

SEVEN = [[(60.0, 60.0), (220.0, 60.0), (110.0, 230.0)]]  # a plain 7 across most of the canvas


def seven_at(scale: float, left: float, top: float, width: float = 20.0) -> np.ndarray:
    """The 7 above, scaled and moved, on a transparent 280×280 canvas."""
    strokes = [[(left + (x - 60) * scale, top + (y - 60) * scale) for x, y in stroke] for stroke in SEVEN]
    return render_strokes(strokes, width)


def white_on_black(rgba: np.ndarray) -> np.ndarray:
    """The same drawing as an opaque RGB image, white ink on black."""
    alpha = rgba[:, :, 3]
    return np.repeat(alpha[:, :, None], 3, axis=2)


def correlation(first: np.ndarray, second: np.ndarray) -> float:
    return float(np.corrcoef(first.ravel(), second.ravel())[0, 1])


def assert_mnist_like(image: np.ndarray) -> None:
    assert image.shape == (IMAGE_SIZE, IMAGE_SIZE) and image.dtype == np.float32
    assert image.min() >= 0.0 and image.max() == pytest.approx(1.0)
    rows, cols = np.flatnonzero(image.max(axis=1) > 0.05), np.flatnonzero(image.max(axis=0) > 0.05)
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 in (FIT_SIZE - 1, FIT_SIZE, FIT_SIZE + 1)
    centre_row, centre_col = ndimage.center_of_mass(image)
    assert abs(centre_row - CENTRE[0]) <= 0.6 and abs(centre_col - CENTRE[1]) <= 0.6


@pytest.mark.parametrize("canvas", [
    np.zeros((280, 280, 4), np.uint8),  # the canvas before a stroke (transparent)
    np.zeros((280, 280, 3), np.uint8),  # black background, no ink
    np.full((280, 280, 3), 255, np.uint8),  # white paper, no ink
])
def test_blank_canvas_is_refused_with_a_message(canvas):
    drawing = prepare_drawing(canvas)
    assert drawing.blank and drawing.image is None and drawing.message == BLANK_MESSAGE
    with pytest.raises(ValueError, match="draw a digit"):
        drawing.model_input()


def test_faint_smudge_is_blank():
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[100:140, 100:140, 3] = 40  # a barely visible smear
    canvas[10, 10, 3] = 255  # and one stray pixel
    assert prepare_drawing(canvas).blank


def test_single_dot_is_refused_as_a_dot():
    canvas = render_strokes([[(140.0, 140.0)]], 20.0)
    drawing = prepare_drawing(canvas)
    assert drawing.blank and drawing.message == DOT_MESSAGE


def test_short_stroke_of_a_one_is_not_a_dot():
    canvas = render_strokes([[(140.0, 100.0), (140.0, 170.0)]], 20.0)
    drawing = prepare_drawing(canvas)
    assert not drawing.blank
    assert_mnist_like(drawing.image)


def test_digit_in_a_corner_gives_the_same_input_as_a_centred_one():
    centred = prepare_drawing(seven_at(0.6, 80, 80)).image
    corner = prepare_drawing(seven_at(0.6, 12, 170)).image
    assert_mnist_like(corner)
    assert correlation(centred, corner) > 0.97


@pytest.mark.parametrize("scale", [0.25, 0.4, 1.3])  # tiny (≈45 px tall), small, huge (fills the canvas)
def test_huge_and_tiny_digits_are_fitted_into_20_pixels(scale):
    reference = prepare_drawing(seven_at(0.8, 40, 40, width=16)).image
    drawing = prepare_drawing(seven_at(scale, 15, 12, width=16 * scale / 0.8))  # same brush-to-size ratio
    assert not drawing.blank
    assert_mnist_like(drawing.image)
    assert correlation(reference, drawing.image) > 0.85


@pytest.mark.parametrize("width", [3.0, 10.0, 40.0])
def test_thin_and_thick_strokes_end_up_mnist_thick(width):
    """MNIST digits carry about 100 units of ink (sum of pixels); a 3 px or a 40 px brush must not change that much."""
    drawing = prepare_drawing(seven_at(0.8, 40, 40, width=width))
    assert_mnist_like(drawing.image)
    assert 45 <= drawing.image.sum() <= 160
    assert 1.5 <= ink_stroke_width(drawing.image) <= 5.0


def ink_stroke_width(image: np.ndarray) -> float:
    """Stroke width of a 28×28 image in its pixels, measured 8× upsampled (as for MNIST's own digits)."""
    mask = ndimage.zoom(image, 8, order=1) > 0.5
    return 4 * ndimage.distance_transform_edt(mask)[mask].mean() / 8


def test_inverted_polarity_and_transparency_give_the_same_input():
    rgba = seven_at(0.7, 50, 30)
    transparent = prepare_drawing(rgba).image
    light_on_dark = prepare_drawing(white_on_black(rgba)).image
    dark_on_light = prepare_drawing(255 - white_on_black(rgba)).image
    grey_float = prepare_drawing(1.0 - rgba[:, :, 3].astype(np.float32) / 255).image
    white_ink_transparent = rgba.copy()
    white_ink_transparent[:, :, :3] = 255  # white strokes on a transparent background
    for other in (light_on_dark, dark_on_light, grey_float, prepare_drawing(white_ink_transparent).image):
        np.testing.assert_allclose(other, transparent, atol=0.02)
    assert_mnist_like(transparent)


def test_transparent_background_reads_the_alpha_channel():
    rgba = seven_at(0.7, 50, 30)
    assert rgba[:, :, :3].max() == 0  # the canvas component's default: RGB stays black
    ink = ink_map(rgba)
    assert ink.max() == pytest.approx(1.0) and ink[0, 0] == 0.0
    assert not prepare_drawing(rgba).blank


def test_opaque_canvas_with_black_background_and_white_ink():
    rgba = seven_at(0.7, 50, 30)
    opaque = np.dstack([white_on_black(rgba), np.full((280, 280), 255, np.uint8)])
    np.testing.assert_allclose(prepare_drawing(opaque).image, prepare_drawing(rgba).image, atol=0.02)


@pytest.mark.parametrize("digit", range(10))
def test_centre_of_mass_lands_at_the_centre(digit):
    for style in styles_of(digit):
        strokes = digit_strokes(digit, style, np.random.default_rng(digit))
        assert_mnist_like(prepare_drawing(render_strokes(strokes, 18.0)).image)


def test_redrawn_mnist_digit_comes_back_close_to_the_original(mnist):
    for index in range(20):
        original = mnist.test_images[index].astype(np.float32) / 255
        canvas = redraw_mnist(mnist.test_images[index], np.random.default_rng(index))
        assert correlation(prepare_drawing(canvas).image, original) > 0.8


def test_redrawn_mnist_is_recognised_like_the_original(mnist, small_models_dir):
    from core.models.store import load_model

    model = load_model("small-nn-xavier", small_models_dir)
    count = 200
    originals = mnist.test_images[:count].astype(np.float32).reshape(-1, 28, 28, 1) / 255
    redrawn = stack_inputs([prepare_drawing(redraw_mnist(image, np.random.default_rng(index)))
                            for index, image in enumerate(mnist.test_images[:count])])
    labels = mnist.test_labels[:count]
    original_accuracy = np.mean(np.argmax(model.predict_on_batch(originals), -1) == labels)
    redrawn_accuracy = np.mean(np.argmax(model.predict_on_batch(redrawn), -1) == labels)
    assert redrawn_accuracy >= 0.85 and redrawn_accuracy >= original_accuracy - 0.05


def test_any_size_and_format_is_accepted():
    rgba = seven_at(0.7, 50, 30)
    small = np.asarray(Image.fromarray(rgba).resize((64, 48)))  # not square, not 280
    pil_image = Image.fromarray(255 - white_on_black(rgba)[:, :, 0])  # a greyscale PIL image
    for drawing in (prepare_drawing(small), prepare_drawing(pil_image), prepare_drawing(rgba[:, :, 3:4])):
        assert not drawing.blank
        assert_mnist_like(drawing.image)


def test_an_mnist_digit_itself_passes_through_almost_unchanged(mnist):
    original = mnist.test_images[0].astype(np.float32) / 255
    assert correlation(prepare_drawing(mnist.test_images[0]).image, original) > 0.9


def test_bad_arrays_and_files_give_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="grey, RGB or RGBA"):
        prepare_drawing(np.zeros(10))
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("hello")
    with pytest.raises(ValueError, match="not a readable image"):
        load_image(not_an_image)


def test_load_image_keeps_transparency(tmp_path):
    rgba = seven_at(0.7, 50, 30)
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="PNG")
    path = tmp_path / "canvas.png"
    path.write_bytes(buffer.getvalue())
    loaded = load_image(path)
    assert loaded.shape == (280, 280, 4)
    np.testing.assert_allclose(prepare_drawing(loaded).image, prepare_drawing(rgba).image)
    np.testing.assert_allclose(prepare_drawing(load_image(buffer.getvalue())).image, prepare_drawing(rgba).image)
