"""The Models page's look at a model (AppTest): its layers, confusion matrix, per-digit accuracy, mistakes, a rival."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.models import insight
from core.settings import REPO_ROOT
from tests.pages.untranslated import untranslated

APP = str(REPO_ROOT / "app.py")
PAGE = "pages/4_Models.py"


@pytest.fixture()
def models(models_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(models_copy))
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("MNIST_LAB_MAX_PARALLEL_RUNS", "0")
    monkeypatch.setenv("MNIST_LAB_LANGUAGE", "en")
    return models_copy


def open_page(language: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(PAGE)
    at.query_params["lang"] = language
    return at.run()


def test_the_chosen_model_shows_its_confusions_and_keeps_its_answers_beside_it(models, mnist):
    at = open_page()
    assert not at.exception, at.exception
    assert at.selectbox(key="models_chosen").value == "small-nn-xavier"
    assert insight.cache_path("small-nn-xavier", models).is_file()  # computed once, kept for the next visit
    answers = insight.cached_probabilities("small-nn-xavier", models)
    right = int(np.sum(np.argmax(answers, axis=1) == mnist.test_labels))
    assert any(f"**{right:,}** of 10,000 test digits read right" in text.value for text in at.markdown)
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    matrix = next(chart for chart in charts if chart["data"][0]["type"] == "heatmap")
    cells = next(trace for trace in matrix["data"] if trace.get("name") == "cells")
    assert sum(int(count) for count in cells["text"]) == 10_000
    layers = [table.value for table in at.table if "layer" in getattr(table.value, "columns", [])]
    assert layers and list(layers[0]["layer"])[1] == "Flatten"


def test_a_second_model_is_compared_where_they_disagree(models):
    at = open_page()
    at.selectbox(key="models_compare_small-nn-xavier").set_value("small-softmax").run()
    [summary] = [text.value for text in at.markdown if text.value.startswith("They disagree on")]
    assert "small-nn-xavier is right on" in summary and "small-softmax on" in summary


def test_every_text_of_the_look_inside_comes_from_the_catalogue(models):
    at = open_page("pseudo")
    assert untranslated(at, names=["small-softmax", "small-nn-xavier"]) == []
