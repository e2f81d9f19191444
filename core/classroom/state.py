"""The classroom's own small state: the teacher's limits and the Draw page's choice of models.

One JSON file, `classroom.json`, beside the run store (settings.runs_dir()), kept apart from the
run store's SQLite so a locked or damaged run store never hides the Draw page's models. Writes are
atomic (temporary file, then rename) and serialised by a lock file; a missing or unreadable file
reads as empty, so the defaults apply.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path
from typing import Any, Iterator

from core import settings

STATE_NAME = "classroom.json"


def state_path() -> Path:
    """The classroom state file."""
    return settings.runs_dir() / STATE_NAME


def read_state() -> dict[str, Any]:
    """The whole state ({} if there is none, or the file is unreadable)."""
    try:
        values = json.loads(state_path().read_text())
    except (OSError, ValueError):
        return {}
    return values if isinstance(values, dict) else {}


def read_section(section: str) -> Any:
    """One section of the state, None if absent."""
    return read_state().get(section)


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def write_section(section: str, value: Any) -> None:
    """Replace one section (None removes it), atomically and one writer at a time."""
    with _locked():
        values = read_state()
        if value is None:
            values.pop(section, None)
        else:
            values[section] = value
        path = state_path()
        temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        temporary.write_text(json.dumps(values, indent=2, sort_keys=True) + "\n")
        os.replace(temporary, path)
