"""A drawing of any size → the 28×28 input MNIST itself would have made of it.

MNIST's digits were cropped to their ink, scaled (aspect ratio kept, anti-aliased) so the long
side fits a 20×20 box, then pasted into 28×28 with the centre of mass at the centre. A drawing
gets exactly that treatment here, after three steps MNIST did not need:

1. an *ink map* in [0, 1] whatever the input: RGBA with a transparent background (the canvas
   component's default: the ink is the alpha channel), white on black, black on white, grey;
2. a *blank check*: an empty canvas, a faint smudge or a single dot is refused with a message
   and never reaches the models;
3. a *stroke-width normalisation*: a digit drawn small with a wide brush (or large with a thin
   one) gets its strokes thinned or thickened into the middle of MNIST's range before it is
   scaled down. MNIST's strokes are 1.9–4.6 px wide in the 28×28 frame (5th–95th percentile,
   median 2.8, measured on the training digits); strokes under 2.2 px are thickened to 2.8,
   strokes over 3.6 px thinned to 3.6 (the band that recognised the stroke-drawn development set
   best; with no normalisation the lecture's nn scored 0.87 on it instead of 0.91).

Only numpy, scipy and Pillow: no TensorFlow, no Streamlit.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError
from scipy import ndimage

from core.i18n import N_

IMAGE_SIZE = 28  # the models' input: 28×28
FIT_SIZE = 20  # MNIST fitted each digit's long side into 20 px
CENTRE = (14.0, 14.0)  # MNIST's mean centre of mass (row, col), measured on the training digits
INK_THRESHOLD = 0.25  # an ink-map value above this counts as ink (for the box and the blank check)
MIN_INK_FRACTION = 0.0005  # less inked area than this share of the image is a blank canvas
MIN_INK_PIXELS = 3
MIN_PEAK_INK = 0.25  # a drawing whose darkest mark is fainter than this is blank
DOT_RATIO = 1.9  # ink whose long side is under 1.9 stroke widths is a dot, not a digit
# Stroke widths in the 28×28 frame: thinner than MIN → thickened to TARGET (MNIST's median); thicker than MAX → MAX.
MNIST_STROKE_MIN, MNIST_STROKE_TARGET, MNIST_STROKE_MAX = 2.2, 2.8, 3.6
MIN_SIZE_FOR_STROKE_NORMALISATION = 2 * FIT_SIZE  # below this the ink is too coarse to measure
BLANK_MESSAGE = N_("The canvas is empty: draw a digit.")
DOT_MESSAGE = N_("That is only a dot: draw a whole digit.")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")


@dataclasses.dataclass(frozen=True)
class PreparedDrawing:
    """A drawing made MNIST-like: `image` is float32 (28, 28) in [0, 1], or None when blank."""

    image: np.ndarray | None
    blank: bool
    message: str = ""
    stroke_width: float | None = None  # estimated, in pixels of the 28×28 frame, before normalisation
    ink_box: tuple[int, int, int, int] | None = None  # (top, left, bottom, right) in the input, exclusive end

    def model_input(self) -> np.ndarray:
        """(1, 28, 28, 1) float32, the shape every saved model takes; ValueError if blank."""
        if self.image is None:
            raise ValueError(self.message or BLANK_MESSAGE)
        return self.image.reshape(1, IMAGE_SIZE, IMAGE_SIZE, 1)


def _as_float_array(image: Any) -> np.ndarray:
    """Any PIL image or array → float array in [0, 1], shape (H, W) or (H, W, C)."""
    if isinstance(image, Image.Image):
        if image.mode in ("P", "PA"):
            image = image.convert("RGBA")
        elif image.mode in ("1", "I", "I;16", "F"):
            image = image.convert("F") if image.mode != "1" else image.convert("L")
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (2, 3, 4)):
        raise ValueError(f"expected a grey, RGB or RGBA image, got an array of shape {array.shape}")
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"the image is empty (shape {array.shape})")
    if array.dtype == np.bool_:
        return array.astype(np.float32)
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    array = np.nan_to_num(array.astype(np.float32))
    peak = float(array.max())
    if peak <= 1.0:
        return np.clip(array, 0.0, 1.0)
    return np.clip(array / (255.0 if peak <= 255.0 else peak), 0.0, 1.0)


def _border(array: np.ndarray) -> np.ndarray:
    return np.concatenate([array[0], array[-1], array[:, 0], array[:, -1]])


def ink_map(image: Any) -> np.ndarray:
    """float32 (H, W) in [0, 1], 1 = full ink, whatever the input's polarity or transparency."""
    array = _as_float_array(image)
    if array.ndim == 3 and array.shape[2] in (2, 4):
        alpha, colour = array[:, :, -1], array[:, :, :-1]
        if np.median(_border(alpha)) < 0.5:  # transparent background: the ink is the alpha channel
            return np.clip(alpha, 0.0, 1.0).astype(np.float32)
        array = colour[:, :, 0] if colour.shape[2] == 1 else colour
    grey = array if array.ndim == 2 else array @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    background = float(np.median(_border(grey)))
    if background > 0.5:  # dark ink on a light background: invert
        grey, background = 1.0 - grey, 1.0 - background
    if background > 0.0:
        grey = (grey - background) / max(1.0 - background, 1e-6)
    return np.clip(grey, 0.0, 1.0).astype(np.float32)


def _stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width of a binary ink mask, in its own pixels (4 × the mean distance to the edge)."""
    distances = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
    return float(4.0 * distances[mask].mean())


def _normalise_stroke(crop: np.ndarray, mask: np.ndarray, width: float, scale: float) -> np.ndarray:
    """Thicken or thin the strokes of a large crop so they land in MNIST's width range once scaled."""
    width_out = width * scale
    if MNIST_STROKE_MIN <= width_out <= MNIST_STROKE_MAX:
        return crop
    if width_out < MNIST_STROKE_MIN:
        radius = (MNIST_STROKE_TARGET / scale - width) / 2.0
        padding = int(np.ceil(radius)) + 1
        padded = np.pad(mask, padding)
        thick = ndimage.distance_transform_edt(~padded) <= radius
        return np.maximum(thick.astype(np.float32), np.pad(crop, padding))
    radius = (width - MNIST_STROKE_MAX / scale) / 2.0
    thin = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1] > radius
    if thin.sum() < 0.25 * mask.sum():  # thinning would erase the digit: keep it as drawn
        return crop
    return thin.astype(np.float32)


def _ink_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def _fit_and_centre(crop: np.ndarray) -> np.ndarray:
    """Scale the crop's long side to 20 px (anti-aliased), paste into 28×28 centred by mass."""
    height, width = crop.shape
    scale = FIT_SIZE / max(height, width)
    new_height, new_width = max(1, round(height * scale)), max(1, round(width * scale))
    resized = Image.fromarray(crop.astype(np.float32), mode="F").resize((new_width, new_height), Image.Resampling.LANCZOS)
    patch = np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)
    peak = float(patch.max())
    if peak > 0:
        patch = patch / peak  # MNIST's strokes reach full intensity
    centre_row, centre_col = ndimage.center_of_mass(patch) if peak > 0 else (new_height / 2, new_width / 2)
    top = int(np.clip(round(CENTRE[0] - centre_row), 0, IMAGE_SIZE - new_height))
    left = int(np.clip(round(CENTRE[1] - centre_col), 0, IMAGE_SIZE - new_width))
    output = np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    output[top:top + new_height, left:left + new_width] = patch
    return output


def prepare_drawing(image: Any, normalise_stroke: bool = True) -> PreparedDrawing:
    """Any drawing (array or PIL image, any size, either polarity) → an MNIST-like 28×28 input, or blank."""
    ink = ink_map(image)
    mask = ink > INK_THRESHOLD
    inked = int(mask.sum())
    if float(ink.max()) < MIN_PEAK_INK or inked < max(MIN_INK_PIXELS, MIN_INK_FRACTION * ink.size):
        return PreparedDrawing(image=None, blank=True, message=BLANK_MESSAGE)
    top, left, bottom, right = _ink_box(mask)
    crop, crop_mask = ink[top:bottom, left:right], mask[top:bottom, left:right]
    long_side = max(bottom - top, right - left)
    width = _stroke_width(crop_mask)
    if long_side < DOT_RATIO * width:
        return PreparedDrawing(image=None, blank=True, message=DOT_MESSAGE, ink_box=(top, left, bottom, right))
    scale = FIT_SIZE / long_side
    if normalise_stroke and long_side >= MIN_SIZE_FOR_STROKE_NORMALISATION:
        crop = _normalise_stroke(crop, crop_mask, width, scale)
        box = _ink_box(crop > INK_THRESHOLD)
        crop = crop[box[0]:box[2], box[1]:box[3]]
    return PreparedDrawing(image=_fit_and_centre(crop), blank=False, stroke_width=width * scale,
                           ink_box=(top, left, bottom, right))


def prepare_many(images: list[Any]) -> list[PreparedDrawing]:
    """`prepare_drawing` for each of several drawings."""
    return [prepare_drawing(image) for image in images]


def stack_inputs(drawings: list[PreparedDrawing]) -> np.ndarray:
    """The non-blank drawings as one (N, 28, 28, 1) float32 batch."""
    images = [drawing.image for drawing in drawings if drawing.image is not None]
    if not images:
        return np.zeros((0, IMAGE_SIZE, IMAGE_SIZE, 1), dtype=np.float32)
    return np.stack(images).reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 1)


def load_image(source: str | Path | bytes) -> np.ndarray:
    """Read a PNG/JPEG/... file (or its bytes) as an array, keeping its alpha; ValueError with the reason if unreadable."""
    try:
        handle = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else open(source, "rb")
        with handle, Image.open(handle) as picture:
            picture.load()
            if picture.mode in ("P", "PA", "LA"):
                picture = picture.convert("RGBA")
            elif picture.mode in ("CMYK", "YCbCr", "HSV", "LAB"):
                picture = picture.convert("RGB")
            elif picture.mode not in ("L", "RGB", "RGBA", "1"):
                picture = picture.convert("F")
            return np.asarray(picture)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        name = "image bytes" if isinstance(source, (bytes, bytearray)) else str(source)
        reason = "unknown or damaged image format" if isinstance(error, UnidentifiedImageError) else str(error)[:150]
        raise ValueError(f"{name}: not a readable image ({reason})") from error
