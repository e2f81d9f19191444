"""Who votes for the Draw page's headline answer, and how the votes are counted.

The mean of *every* saved model is worse than its best member on real handwriting: on pen-drawn
digits by writers the models never saw, the lecture's softmax (≈0.77) and small nets drag the
mean of all seven down to ≈0.94 while the best CNN reads ≈0.97 (README, "The headline answer").
So only the models that deserve a vote vote:

- a model's *drawn error* is 1 − its accuracy on drawn digits (the card's `drawn_accuracy`, the
  held-out stroke-drawn set; measured by the inference engine for a model whose card lacks it);
- the voters are the models whose drawn error is at most VOTE_ERROR_RATIO × the best model's;
- the headline probabilities are the plain mean of the voters' probabilities.

VOTE_ERROR_RATIO was chosen by bench/headline_rule.py: over every subset of the shipped models
(a class's folder varies), the rule that most often matched or beat the subset's best model on
real pen-drawn digits. The teacher may name the voters instead (core.models.selection); names
that are not loaded are ignored, and an empty choice falls back to the rule.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np

VOTE_ERROR_RATIO = 1.5  # measured: bench/headline_rule.py (README, "The headline answer")
MIN_ERROR = 0.002  # a perfect score on 1,000 drawings is not a zero error: keeps the ratio meaningful


def default_voters(errors: Mapping[str, float | None], ratio: float = VOTE_ERROR_RATIO) -> frozenset[str]:
    """The models whose drawn error is within `ratio` × the best one's; models without an error never vote."""
    known = {name: max(float(error), MIN_ERROR) for name, error in errors.items()
             if error is not None and np.isfinite(error)}
    if not known:
        return frozenset(errors)  # nothing measured: everyone votes alike
    best = min(known.values())
    return frozenset(name for name, error in known.items() if error <= ratio * best + 1e-12)


def choose_voters(names: Iterable[str], errors: Mapping[str, float | None],
                  chosen: frozenset[str] | None = None, ratio: float = VOTE_ERROR_RATIO) -> frozenset[str]:
    """The teacher's voters among the loaded `names`, or the default rule's when there is no (usable) choice."""
    names = list(names)
    if chosen is not None and (picked := frozenset(chosen) & frozenset(names)):
        return picked
    return default_voters({name: errors.get(name) for name in names}, ratio)


def vote(stacked: np.ndarray, voting: np.ndarray) -> np.ndarray:
    """(N, models, 10) probabilities and a (models,) bool mask of voters → (N, 10): the voters' mean.

    A voter whose output is not finite (a diverged model) is left out; if no voter is left, every
    finite model votes, so the page always has a headline.
    """
    stacked = np.asarray(stacked, dtype=np.float32)
    voting = np.asarray(voting, dtype=bool)
    finite = np.isfinite(stacked).all(axis=-1)  # (N, models)
    weights = finite & voting[None, :]
    fallback = ~weights.any(axis=1, keepdims=True)
    weights = np.where(fallback, finite, weights).astype(np.float32)
    counts = np.maximum(weights.sum(axis=1, keepdims=True), 1.0)
    return np.einsum("nm,nmk->nk", weights, np.nan_to_num(stacked, nan=0.0, posinf=0.0, neginf=0.0)) / counts
