"""core.drawing.inside: weight templates, filters, feature maps and saliency of loaded models, with the right shapes."""

import numpy as np
import pytest

from core.drawing.inside import Inspector, first_filters, weight_images
from core.drawing.preprocess import prepare_drawing
from core.drawing.strokes import draw_digit
from core.models.store import load_model
from core.settings import REPO_ROOT
from core.training.internals import weight_layers

SHIPPED = REPO_ROOT / "saved_models"


@pytest.fixture(scope="module")
def seven() -> np.ndarray:
    return prepare_drawing(draw_digit(7, np.random.default_rng(4), style="plain").image).model_input()


def test_softmax_shows_ten_templates_and_a_saliency_map(small_models_dir, seven):
    model = load_model("small-softmax", small_models_dir)
    view = Inspector().view(model, seven)
    assert view.templates.shape == (10, 28, 28) and view.filters.shape == (0, 0, 0) and view.feature_maps == []
    assert view.saliency.shape == (28, 28) and view.saliency.max() == pytest.approx(1.0) and view.saliency.min() >= 0
    [dense] = weight_layers(model)
    kernel = np.asarray(dense.kernel)  # (784, 10)
    assert np.allclose(view.templates[7].reshape(-1), kernel[:, 7])  # digit 7's template is its column of W


def test_an_mlp_shows_its_first_layers_units_as_images(small_models_dir):
    model = load_model("small-nn-xavier", small_models_dir)  # 64 hidden units: the first 16 are shown
    assert weight_images(model).shape == (16, 28, 28) and first_filters(model).shape == (0, 0, 0)


def test_a_cnn_shows_its_filters_and_a_feature_map_per_convolution(seven):
    model = load_model("cnn-lab", SHIPPED)  # conv 3×3×32 → pool → conv 3×3×64 → pool
    inspector = Inspector()
    view = inspector.view(model, seven)
    assert [maps.layer for maps in view.feature_maps] == ["conv 1", "conv 2"]
    assert view.feature_maps[0].maps.shape == (28, 28, 32) and view.feature_maps[1].maps.shape == (14, 14, 64)
    assert view.filters.shape == (32, 3, 3) and view.templates.shape == (0, 28, 28)
    assert view.answer == 7 and (view.feature_maps[0].maps >= 0).all()  # after ReLU
    inspector.view(model, seven)  # a second look reuses the traced function of the loaded model
    assert len(inspector._functions) == 1


def test_saliency_is_where_the_ink_matters(seven):
    model = load_model("cnn-lab", SHIPPED)
    saliency = Inspector().view(model, seven).saliency
    ink = seven.reshape(28, 28) > 0.1
    near_ink = np.zeros_like(ink)
    for dy in range(-2, 3):
        for dx in range(-2, 3):
            near_ink |= np.roll(np.roll(ink, dy, 0), dx, 1)
    assert saliency[near_ink].sum() > 0.8 * saliency.sum()  # most of what pushed the answer is on or near the strokes


def test_the_engine_looks_inside_its_loaded_models_without_loading_them_again(small_models_dir, seven, monkeypatch):
    from core.drawing import inference
    from core.drawing.preprocess import PreparedDrawing

    engine = inference.InferenceEngine(small_models_dir)
    engine.refresh(force=True)
    reloads, loads = engine.reloads, []
    monkeypatch.setattr(inference, "load_model", lambda *args, **kwargs: loads.append(args))
    drawing = PreparedDrawing(seven.reshape(28, 28), blank=False)
    view = engine.look_inside("small-softmax", drawing)
    assert view.templates.shape == (10, 28, 28) and view.saliency.shape == (28, 28)
    assert engine.look_inside("small-nn-xavier", drawing).templates.shape == (16, 28, 28)
    assert engine.look_inside("no-such-model", drawing) is None
    assert loads == [] and engine.reloads == reloads
