"""core.drawing.verdict: the page names a digit only when the models are sure, agree, and the ink could be a digit."""

import numpy as np
import pytest

from core.drawing.preprocess import prepare_drawing
from core.drawing.strokes import draw_digit, render_strokes
from core.drawing.verdict import MAX_ASPECT, SURE_PROBABILITY, Verdict, aspect_of, judge, sure_many


def probabilities(**digits: float) -> np.ndarray:
    """{"d4": 0.7, "d9": 0.3} → a (10,) vector."""
    vector = np.zeros(10)
    for name, value in digits.items():
        vector[int(name[1])] = value
    return vector


def test_a_confident_majority_names_the_digit():
    assert judge(probabilities(d4=0.97, d9=0.03), [4, 4, 4, 9, 4]) == Verdict(True, 4, (4, 9))


def test_a_hesitant_headline_is_not_sure_and_names_two_candidates():
    verdict = judge(probabilities(d4=SURE_PROBABILITY - 0.01, d9=0.2, d1=0.1), [4, 4, 4])
    assert not verdict.sure and verdict.candidates == (4, 9) and verdict.reason == "unsure"


def test_when_most_models_disagree_the_page_is_not_sure():
    verdict = judge(probabilities(d2=0.99, d7=0.01), [2, 7, 7, 3, 2, 8, 1])
    assert not verdict.sure and verdict.reason == "disagree" and verdict.candidates == (2, 7)
    assert judge(probabilities(d2=0.99, d7=0.01), [2, 2, 7, 2]).sure  # 3 of 4 is a majority
    assert not judge(probabilities(d2=0.99, d7=0.01), [2, 7]).sure  # 1 of 2 is not


def test_ink_much_wider_than_tall_is_no_digit():
    line = render_strokes([[(20.0, 140.0), (260.0, 145.0)]], 20.0)
    aspect = aspect_of(prepare_drawing(line))
    assert aspect > MAX_ASPECT
    verdict = judge(probabilities(d4=1.0), [4, 4, 4], aspect)
    assert not verdict.sure and verdict.reason == "shape"


def test_digits_are_taller_than_wide_enough():
    aspects = [aspect_of(prepare_drawing(draw_digit(digit, np.random.default_rng(digit)).image)) for digit in range(10)]
    assert max(aspects) < MAX_ASPECT


def test_a_blank_drawing_has_no_aspect():
    with pytest.raises(ValueError):
        aspect_of(prepare_drawing(np.zeros((280, 280, 4), np.uint8)))


def test_many_at_once_agrees_with_one_at_a_time():
    rng = np.random.default_rng(0)
    headlines = rng.dirichlet(np.full(10, 0.03), size=200)  # mostly peaked
    digits = rng.integers(0, 10, size=(200, 5))
    digits[:100] = headlines[:100].argmax(1)[:, None]  # half of them unanimous
    aspects = rng.uniform(0.2, 3.0, size=200)
    one_by_one = [judge(h, list(d), a).sure for h, d, a in zip(headlines, digits, aspects)]
    assert list(sure_many(headlines, digits, aspects)) == one_by_one
    assert 0 < sum(one_by_one) < 200
