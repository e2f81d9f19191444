"""core.models.selection: the Draw page's choice of models, and its defaults."""

import dataclasses

import pytest

from core.models.selection import DrawSelection, draw_selection


def test_without_a_stored_choice_every_model_is_shown_and_the_default_rule_votes():
    assert draw_selection() == DrawSelection(shown=None, voting=None)


def test_a_selection_is_a_frozen_pair_of_name_sets():
    selection = DrawSelection(shown=frozenset({"cnn-deep", "softmax"}), voting=frozenset({"cnn-deep"}))
    assert "softmax" in selection.shown and selection.voting == {"cnn-deep"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        selection.voting = None
