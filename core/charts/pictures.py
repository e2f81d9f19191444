"""Small pictures for the look-inside views: weight grids, feature maps, saliency over a drawing, digit strips.

Pillow images, drawn pixel for pixel (nearest neighbour), so a 28×28 weight template reads as
what it is: weights, not a smoothed photograph. Weights use a diverging scale — red pushes toward
the digit, blue away, white is zero — as the lecture's "what the model looks for" pictures do.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

GAP = 2  # pixels between tiles


def _tiles(tiles: list[np.ndarray], columns: int, scale: int, background: tuple[int, int, int]) -> Image.Image:
    """RGB tiles (h, w, 3) uint8 in a grid, each enlarged `scale` times."""
    if not tiles:
        return Image.new("RGB", (1, 1), background)
    height, width = tiles[0].shape[:2]
    rows = (len(tiles) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * (width * scale + GAP) - GAP, rows * (height * scale + GAP) - GAP), background)
    for index, tile in enumerate(tiles):
        picture = Image.fromarray(tile).resize((width * scale, height * scale), Image.Resampling.NEAREST)
        sheet.paste(picture, ((index % columns) * (width * scale + GAP), (index // columns) * (height * scale + GAP)))
    return sheet


def diverging(values: np.ndarray) -> np.ndarray:
    """(h, w) weights → (h, w, 3) uint8: blue for negative, white for zero, red for positive (scaled to the largest)."""
    largest = float(np.abs(values).max()) or 1.0
    scaled = np.clip(values / largest, -1, 1)[..., None]
    red, blue, white = np.array([200, 30, 30]), np.array([30, 60, 200]), np.array([255, 255, 255])
    rgb = np.where(scaled >= 0, white + scaled * (red - white), white - scaled * (blue - white))
    return rgb.astype(np.uint8)


def grey(values: np.ndarray) -> np.ndarray:
    """(h, w) non-negative values → (h, w, 3) uint8, black to white over the tile's own range."""
    low, high = float(values.min()), float(values.max())
    scaled = (values - low) / (high - low) if high > low else np.zeros_like(values)
    return np.repeat((scaled * 255).astype(np.uint8)[..., None], 3, axis=2)


def weight_grid(weights: np.ndarray, columns: int = 5, scale: int = 4) -> Image.Image:
    """(n, h, w) weights (templates, units or filters) as a grid of diverging tiles."""
    return _tiles([diverging(tile) for tile in weights], columns, scale, (255, 255, 255))


def feature_grid(maps: np.ndarray, columns: int = 8, scale: int = 3, limit: int = 32) -> Image.Image:
    """(h, w, channels) feature maps as a grid of grey tiles (the first `limit` channels)."""
    return _tiles([grey(maps[:, :, channel]) for channel in range(min(limit, maps.shape[2]))], columns, scale,
                  (255, 255, 255))


def saliency_overlay(model_input: np.ndarray, saliency: np.ndarray, scale: int = 6) -> Image.Image:
    """The 28×28 input in grey with the saliency in red over it: where the answer came from."""
    image = np.asarray(model_input, np.float32).reshape(28, 28)
    base = np.repeat((image * 120)[..., None], 3, axis=2)
    heat = np.clip(saliency, 0, 1)[..., None] * np.array([255, 40, 40])
    rgb = np.clip(base + heat, 0, 255).astype(np.uint8)
    return Image.fromarray(rgb).resize((28 * scale, 28 * scale), Image.Resampling.NEAREST)


def digit_strip(images: np.ndarray, columns: int = 12, scale: int = 2) -> Image.Image:
    """uint8 (n, 28, 28) digits, white on black, in a grid."""
    return _tiles([np.repeat(image[..., None], 3, axis=2) for image in images], columns, scale, (40, 40, 40))
