"""core.drawing.inference: every saved model answers each drawing, together, with an ensemble."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from core.drawing.inference import (
    NO_MODELS_MESSAGE,
    DrawingResult,
    InferenceEngine,
    ensemble_probabilities,
    make_answer,
    naive_probabilities,
)
from core.drawing.preprocess import prepare_drawing
from core.drawing.strokes import draw_digit
from core.models.selection import DrawSelection

SMALL_MODELS = ["small-nn-xavier", "small-softmax"]


def a_drawn(digit: int, seed: int = 0) -> np.ndarray:
    return draw_digit(digit, np.random.default_rng(seed), stroke_width=20.0).image


@pytest.fixture(scope="module")
def engine(small_models_dir):
    return InferenceEngine(small_models_dir)


def test_every_model_answers_with_its_card(engine):
    result = engine.predict(a_drawn(3))
    assert not result.blank and result.notes == [] and engine.problems == []
    assert [answer.name for answer in result.answers] == SMALL_MODELS
    for answer in result.answers:
        assert answer.probabilities.shape == (10,)
        assert answer.probabilities.sum() == pytest.approx(1.0, abs=1e-4)
        assert answer.digit == int(np.argmax(answer.probabilities))
        assert answer.confidence == pytest.approx(answer.probabilities.max())
        assert answer.card.kind in ("softmax", "mlp") and 0.0 < answer.card.test_accuracy <= 1.0


def test_the_ensemble_is_the_mean_of_the_models(engine):
    result = engine.predict(a_drawn(5))
    mean = np.mean([answer.probabilities for answer in result.answers], axis=0)
    np.testing.assert_allclose(result.ensemble.probabilities, mean, atol=1e-6)
    assert result.ensemble.digit == int(np.argmax(mean)) and result.ensemble.card is None
    assert result.disagreeing == [a.name for a in result.answers if a.digit != result.headline.digit]


def test_together_gives_the_same_probabilities_as_each_model_alone(engine, small_models_dir):
    from core.models.store import load_model

    inputs = np.stack([prepare_drawing(a_drawn(digit)).image for digit in range(10)])[..., None]
    together = engine.probabilities(inputs)
    assert together.shape == (10, 2, 10)
    models = [load_model(name, small_models_dir) for name in SMALL_MODELS]
    np.testing.assert_allclose(together, naive_probabilities(models, inputs), atol=1e-5)


def test_drawn_digits_are_mostly_recognised(engine):
    answers = [engine.predict(a_drawn(index % 10, seed=index)).answers[0] for index in range(30)]
    assert answers[0].name == "small-nn-xavier"
    assert np.mean([answer.digit == index % 10 for index, answer in enumerate(answers)]) >= 0.6  # 1 epoch, 10k digits


def test_blank_drawing_is_never_sent_to_the_models(engine):
    result = engine.predict(np.zeros((280, 280, 4), np.uint8))
    assert result.blank and result.answers == [] and result.ensemble is None
    assert "draw a digit" in result.drawing.message


def test_corrupt_model_file_is_skipped_with_a_note(models_copy):
    shutil.copy(models_copy / "small-softmax.json", models_copy / "broken.json")
    (models_copy / "broken.keras").write_bytes(b"this is not a keras archive")
    (models_copy / "small-softmax.keras").write_bytes(b"\x00" * 100)  # a damaged real one
    result = InferenceEngine(models_copy).predict(a_drawn(7))
    assert [answer.name for answer in result.answers] == ["small-nn-xavier"]
    assert len(result.notes) == 2
    assert any("broken.keras" in note for note in result.notes)
    assert any("small-softmax.keras" in note and "skipped" in note for note in result.notes)
    assert result.ensemble is not None


def test_unreadable_card_is_a_note_too(models_copy):
    (models_copy / "small-softmax.json").write_text("{not json")
    engine = InferenceEngine(models_copy)
    assert engine.names == ["small-nn-xavier"]
    assert any("small-softmax.json" in note for note in engine.notes)


def test_models_reload_when_files_appear_change_or_disappear(models_copy):
    engine = InferenceEngine(models_copy)
    assert engine.names == SMALL_MODELS and engine.reloads == 1
    assert engine.refresh() is False  # nothing changed: nothing reloaded
    for suffix in (".keras", ".json"):
        shutil.copy(models_copy / f"small-softmax{suffix}", models_copy / f"another{suffix}")
    assert engine.names == ["another", *SMALL_MODELS] and engine.reloads == 2
    assert len(engine.predict(a_drawn(1)).answers) == 3
    (models_copy / "another.json").unlink()
    (models_copy / "another.keras").unlink()
    assert engine.names == SMALL_MODELS and engine.reloads == 3


def test_no_models_says_how_to_get_some(tmp_path):
    result = InferenceEngine(tmp_path / "empty").predict(a_drawn(2))
    assert result.answers == [] and result.ensemble is None
    assert result.notes == [NO_MODELS_MESSAGE]
    assert "python -m core.train --preset cnn-lab" in NO_MODELS_MESSAGE


def test_a_non_finite_model_output_is_left_out_of_the_ensemble():
    stacked = np.array([[[0.1] * 10, [np.nan] * 10, [0.0] * 9 + [1.0]]], np.float32)
    np.testing.assert_allclose(ensemble_probabilities(stacked)[0], [0.05] * 9 + [0.55], atol=1e-6)


def test_disagreeing_lists_the_models_against_the_ensemble():
    drawing = prepare_drawing(a_drawn(4))
    answers = [make_answer("a", np.eye(10)[4]), make_answer("b", np.eye(10)[9]), make_answer("c", np.eye(10)[4])]
    ensemble = make_answer("ensemble", np.mean([a.probabilities for a in answers], axis=0))
    assert DrawingResult(drawing, answers, ensemble, []).disagreeing == ["b"]


def test_the_headline_is_the_mean_of_the_voters(engine):
    result = engine.predict(a_drawn(3))
    assert set(engine.drawn_errors) == set(SMALL_MODELS)  # measured here: the small models' cards have none
    assert all(0.0 <= error <= 1.0 for error in engine.drawn_errors.values())
    assert result.voters and set(result.voters) <= set(SMALL_MODELS)
    by_name = {answer.name: answer for answer in result.answers}
    mean = np.mean([by_name[name].probabilities for name in result.voters], axis=0)
    np.testing.assert_allclose(result.headline.probabilities, mean, atol=1e-6)
    assert result.verdict is not None and result.verdict.candidates[0] == result.headline.digit


def test_a_teachers_selection_decides_who_is_shown_and_who_votes(engine):
    only_softmax = DrawSelection(shown=frozenset({"small-softmax"}), voting=frozenset({"small-nn-xavier"}))
    result = engine.predict(a_drawn(8), only_softmax)
    assert [answer.name for answer in result.answers] == ["small-softmax"]
    assert result.voters == ("small-nn-xavier",)  # a named voter votes even when hidden
    everyone = engine.predict(a_drawn(8), DrawSelection(None, frozenset(SMALL_MODELS)))
    assert everyone.voters == tuple(SMALL_MODELS)
    np.testing.assert_allclose(everyone.headline.probabilities, everyone.ensemble.probabilities, atol=1e-6)
    hiding_all = engine.predict(a_drawn(8), DrawSelection(frozenset({"gone"}), None))
    assert [answer.name for answer in hiding_all.answers] == SMALL_MODELS  # never an empty page


def test_the_folder_is_not_scanned_on_every_drawing(models_copy, monkeypatch):
    from core.drawing import inference

    engine = InferenceEngine(models_copy)
    assert engine.names == SMALL_MODELS
    monkeypatch.setattr(inference, "REFRESH_SECONDS", 3600.0)
    for suffix in (".keras", ".json"):
        shutil.copy(models_copy / f"small-softmax{suffix}", models_copy / f"another{suffix}")
    assert len(engine.predict(a_drawn(1)).answers) == 2  # not looked at yet
    assert engine.refresh(force=True) is True  # the page's own run looks
    assert len(engine.predict(a_drawn(1)).answers) == 3
