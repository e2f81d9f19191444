"""Which saved models the Draw page shows, and which of them vote in its ensemble: the teacher's choice.

    draw_selection() → DrawSelection(shown, voting)
    shown  None: every saved model is shown; else only these names
    voting None: the Draw page's measured default rule decides who votes; else only these names

Kept in the classroom state (core.classroom.state) per models folder, so a selection made for one
folder never applies to another. Names of models that no longer exist are kept (a model restored
from the trash comes back where it was) and simply match nothing. Only the teacher sets it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Iterable

from core import settings
from core.classroom import state
from core.classroom.roles import Actor, require_teacher
from core.i18n import N_

SECTION = "draw"


@dataclasses.dataclass(frozen=True)
class DrawSelection:
    """The teacher's choice for the Draw page (None: no choice made, the page's default applies)."""

    shown: frozenset[str] | None = None  # None: every saved model is shown
    voting: frozenset[str] | None = None  # None: the Draw page's measured default rule decides who votes

    def is_shown(self, name: str) -> bool:
        """True if the Draw page shows this model."""
        return self.shown is None or name in self.shown

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (sorted lists, or None)."""
        return {key: sorted(value) if value is not None else None for key, value in
                (("shown", self.shown), ("voting", self.voting))}


def _key(directory: Path | None) -> str:
    return str(Path(directory if directory is not None else settings.models_dir()).resolve())


def _names(value: Any) -> frozenset[str] | None:
    if not isinstance(value, list):
        return None
    return frozenset(name for name in value if isinstance(name, str))


def draw_selection(directory: Path | None = None) -> DrawSelection:
    """The Draw page's shown and voting models for the models folder (settings.models_dir() by default)."""
    stored = state.read_section(SECTION)
    chosen = stored.get(_key(directory)) if isinstance(stored, dict) else None
    if not isinstance(chosen, dict):
        return DrawSelection()
    return DrawSelection(shown=_names(chosen.get("shown")), voting=_names(chosen.get("voting")))


def _write(selection: DrawSelection, directory: Path | None) -> None:
    stored = state.read_section(SECTION)
    stored = dict(stored) if isinstance(stored, dict) else {}
    stored[_key(directory)] = selection.to_dict()
    state.write_section(SECTION, stored)


def set_draw_selection(selection: DrawSelection, actor: Actor, directory: Path | None = None) -> None:
    """The teacher chooses which models the Draw page shows and which vote; PermissionDenied for anyone else."""
    require_teacher(actor, N_("Only the teacher can choose the models of the Draw page."))
    _write(DrawSelection(shown=frozenset(selection.shown) if selection.shown is not None else None,
                         voting=frozenset(selection.voting) if selection.voting is not None else None), directory)


def rename_in_selection(old: str, new: str, directory: Path | None = None) -> None:
    """Follow a model's new name (called by core.models.manage.rename_model after its own teacher check)."""
    current = draw_selection(directory)

    def renamed(names: Iterable[str] | None) -> frozenset[str] | None:
        return None if names is None else frozenset(new if name == old else name for name in names)

    if current != DrawSelection():
        _write(DrawSelection(renamed(current.shown), renamed(current.voting)), directory)
