"""Honest answers: when is the headline answer a digit, and when is the page "not sure"?

Models trained on MNIST always name a digit, even for a scribble or the letter A. The page says
it is not sure — and names the two likeliest digits — when any of these holds:

- the voters' mean probability for their answer is under SURE_PROBABILITY (0.9);
- no majority of the models shown gives that answer (they disagree strongly);
- the ink is more than MAX_ASPECT (2) times wider than tall: a line or a dash. No digit in
  14,000 drawn, re-drawn and pen-drawn ones was wider than 1.9 times its height.

Measured by bench/unsure_rule.py with the shipped models: thresholds chosen on stroke-drawn and
re-drawn MNIST digits against generated non-digits (core.drawing.nondigits) of one seed for at
most ≈3% false alarms; reported on another seed and on real pen-drawn digits (README, "Not sure").
Ink density was measured too and left out: it separated nothing the rest did not.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from core.drawing.preprocess import PreparedDrawing

SURE_PROBABILITY = 0.9  # measured: bench/unsure_rule.py
MIN_AGREEMENT = 0.5  # more than this share of the shown models must give the headline's digit (a majority)
MAX_ASPECT = 2.0  # measured: bench/unsure_rule.py


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What the page may say: a digit when sure, else the likeliest candidates and why not."""

    sure: bool
    digit: int  # the headline's digit (shown only when sure)
    candidates: tuple[int, int]  # the two likeliest digits, likeliest first
    reason: str = ""  # "", "unsure", "disagree" or "shape"


def aspect_of(drawing: PreparedDrawing) -> float:
    """Width / height of a non-blank drawing's ink on the canvas."""
    if drawing.blank or drawing.ink_box is None:
        raise ValueError("a blank drawing has no shape")
    top, left, bottom, right = drawing.ink_box
    return float((right - left) / max(bottom - top, 1))


def judge(headline: np.ndarray, digits: list[int], aspect: float | None = None,
          sure_probability: float = SURE_PROBABILITY, min_agreement: float = MIN_AGREEMENT,
          max_aspect: float = MAX_ASPECT) -> Verdict:
    """The verdict for one drawing: headline (10,) probabilities, every shown model's digit, the ink's aspect."""
    headline = np.nan_to_num(np.asarray(headline, dtype=np.float64))
    order = np.argsort(-headline, kind="stable")
    digit, candidates = int(order[0]), (int(order[0]), int(order[1]))
    agreement = float(np.mean([answer == digit for answer in digits])) if digits else 1.0
    if aspect is not None and aspect > max_aspect:
        return Verdict(False, digit, candidates, "shape")
    if headline[digit] < sure_probability:
        return Verdict(False, digit, candidates, "unsure")
    if agreement <= min_agreement:
        return Verdict(False, digit, candidates, "disagree")
    return Verdict(True, digit, candidates)


def sure_many(headline: np.ndarray, digits: np.ndarray, aspects: np.ndarray | None = None,
              sure_probability: float = SURE_PROBABILITY, min_agreement: float = MIN_AGREEMENT,
              max_aspect: float = MAX_ASPECT) -> np.ndarray:
    """`judge(...).sure` for many drawings at once: (N, 10) headlines, (N, models) digits, (N,) aspects → (N,) bool."""
    headline = np.nan_to_num(np.asarray(headline, dtype=np.float64))
    answer = headline.argmax(axis=1)
    sure = headline.max(axis=1) >= sure_probability
    if np.shape(digits)[1]:
        sure &= (np.asarray(digits) == answer[:, None]).mean(axis=1) > min_agreement
    if aspects is not None:
        sure &= np.asarray(aspects) <= max_aspect
    return sure
