"""core.drawing.voting: only the models that deserve a vote decide the headline; the teacher may name them."""

import numpy as np
import pytest

from core.drawing.voting import MIN_ERROR, VOTE_ERROR_RATIO, choose_voters, default_voters, vote

# The shipped models' drawn errors (1 − drawn_accuracy on their cards).
SHIPPED = {"cnn-deep": 0.008, "cnn-drawn": 0.016, "cnn-lab": 0.014, "nn-dropout": 0.026, "nn-xavier": 0.041,
           "nn": 0.078, "softmax": 0.162}


def test_the_weak_models_do_not_vote():
    assert default_voters(SHIPPED) == {"cnn-deep"}


def test_models_about_as_good_as_the_best_vote_together():
    errors = {"a": 0.010, "b": 0.010 * VOTE_ERROR_RATIO, "c": 0.010 * VOTE_ERROR_RATIO * 1.01, "d": 0.2}
    assert default_voters(errors) == {"a", "b"}
    assert default_voters(errors, ratio=float("inf")) == set(errors)  # ∞: the mean of all


def test_a_perfect_score_does_not_shut_everyone_else_out():
    assert default_voters({"perfect": 0.0, "nearly": MIN_ERROR * 1.2, "weak": 0.05}) == {"perfect", "nearly"}


def test_models_without_a_measured_error_vote_only_when_nothing_is_measured():
    assert default_voters({"measured": 0.02, "unknown": None}) == {"measured"}
    assert default_voters({"x": None, "y": float("nan")}) == {"x", "y"}


def test_the_teachers_choice_wins_among_the_loaded_models_and_falls_back_when_empty():
    names = list(SHIPPED)
    assert choose_voters(names, SHIPPED, frozenset({"softmax", "nn"})) == {"softmax", "nn"}
    assert choose_voters(names, SHIPPED, frozenset({"softmax", "deleted-model"})) == {"softmax"}
    assert choose_voters(names, SHIPPED, frozenset({"deleted-model"})) == {"cnn-deep"}
    assert choose_voters(names, SHIPPED, None) == {"cnn-deep"}
    assert choose_voters(["nn", "softmax"], SHIPPED, None) == {"nn"}  # the rule among what is there


def test_the_headline_is_the_voters_mean_and_a_diverged_voter_is_left_out():
    stacked = np.array([[np.eye(10)[3], np.eye(10)[3] * 0.5 + np.eye(10)[5] * 0.5, np.eye(10)[7]]], np.float32)
    np.testing.assert_allclose(vote(stacked, np.array([True, True, False]))[0],
                               np.eye(10)[3] * 0.75 + np.eye(10)[5] * 0.25, atol=1e-6)
    stacked[0, 1] = np.nan
    np.testing.assert_allclose(vote(stacked, np.array([True, True, False]))[0], np.eye(10)[3], atol=1e-6)


def test_without_a_finite_voter_every_finite_model_answers():
    stacked = np.array([[[np.nan] * 10, np.eye(10)[2], np.eye(10)[4]]], np.float32)
    headline = vote(stacked, np.array([True, False, False]))[0]
    assert headline == pytest.approx(np.eye(10)[2] * 0.5 + np.eye(10)[4] * 0.5)
