"""Who may do what: the teacher and the visitors, checked on the server for every action.

With a teacher password set (core.settings.teacher_password), a visitor draws, watches curves and
trains within the teacher's limits; only the teacher deletes, renames and pins models, cancels
other visitors' runs, clears the queue and changes the limits. With none set the lab is a
single-user desk app and whoever uses it is the teacher. Every action that needs the teacher
takes an `Actor` and calls `require_teacher`, whatever buttons the page showed.

Refusals carry an English message id and its values (`Refusal.localized()` translates them),
so a command line prints English and a page shows the visitor's language.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from typing import Any

from core import settings
from core.i18n import N_, _

COMMAND_LINE_OWNER = "command line"


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who asks: `owner` identifies a visitor (their device or browser session); `teacher` is checked, not claimed."""

    owner: str
    teacher: bool = False

    @classmethod
    def command_line(cls) -> "Actor":
        """Whoever runs a command on the server's own terminal: the teacher."""
        return cls(COMMAND_LINE_OWNER, teacher=True)


class Refusal(Exception):
    """An action the lab refuses, in words any language can show: an English message id and its values."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message.format(**params) if params else message)
        self.message, self.params = message, params

    def localized(self) -> str:
        """The reason in the language in use (the visitor's on a page)."""
        return _(self.message).format(**self.params) if self.params else _(self.message)


class PermissionDenied(Refusal):
    """Only the teacher may do this (or only the visitor who started the run)."""


def password_required() -> bool:
    """True when the teacher set a password: visitors then have limits, and teacher actions need signing in."""
    return settings.teacher_password() is not None


def check_password(given: str) -> bool:
    """True if `given` is the teacher's password (compared in constant time); False when none is set."""
    expected = settings.teacher_password()
    if expected is None or not isinstance(given, str):
        return False
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(expected.encode()).digest())


def require_teacher(actor: Actor, message: str = N_("Only the teacher can do this.")) -> None:
    """Raise PermissionDenied (with `message`, an English message id) unless the actor is the teacher."""
    if not actor.teacher:
        raise PermissionDenied(message)
