"""The teacher's choice of the Draw page's models (core.models.selection), applied to one drawing's answers.

A stop-gap for the Draw page as it is: the rebuilt Draw page (issue 9) applies `draw_selection()`
itself, with its own default rule for who votes; this keeps the current page honest meanwhile.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from core.drawing.inference import DrawingResult, make_answer
from core.models.selection import DrawSelection


def apply_selection(result: DrawingResult, selection: DrawSelection) -> DrawingResult:
    """Only the shown models' answers, and the ensemble of those that vote (all shown ones when none is chosen)."""
    answers = [answer for answer in result.answers if selection.is_shown(answer.name)]
    voters = [answer for answer in answers if selection.voting is None or answer.name in selection.voting] or answers
    ensemble = (make_answer("ensemble", np.mean([answer.probabilities for answer in voters], axis=0))
                if voters and result.ensemble is not None else None)
    return dataclasses.replace(result, answers=answers, ensemble=ensemble)
