"""Which saved models the Draw page shows, and which of them vote for its headline answer.

The teacher's choice (stored and edited on the Models page) comes back as a `DrawSelection`:
`shown` None means every saved model is shown; `voting` None means the measured default rule
(core.drawing.voting) decides who votes. This branch has no stored choice yet: the defaults.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class DrawSelection:
    """The teacher's choice of models for the Draw page; None in a field means "the default"."""

    shown: frozenset[str] | None  # None: every saved model is shown
    voting: frozenset[str] | None  # None: the measured default rule decides who votes


def draw_selection() -> DrawSelection:
    """The current choice for the Draw page (no stored choice here: every model shown, the default rule votes)."""
    return DrawSelection(None, None)
