"""Spare workers in the run store: a worker process started before it has a run, waiting warm for the next one.

A spare (`python -m core.runs.worker --spare TAG`, started by core.runs.dispatcher) has imported
TensorFlow, loaded MNIST and trained a few steps of a tiny network before anyone presses Train, so
a run handed to it draws its first point within a second or two instead of after TensorFlow's
import. Its row in the `spares` table is its life cycle:

    starting ──► ready ──► taken (run_id set; the run's pid is the spare's monitor)
        └─────────┴──► retired (another settings fingerprint, or idle too long: it exits) | failed

Only a dispatcher takes a spare, inside the write transaction that starts the run
(core.runs.store.start_queued), so one spare never gets two runs. A spare still "starting" may be
taken too: it skips the rest of its warm-up. A spare killed before it got a run leaves no row
(its monitor removes it); one that failed by itself is kept as "failed" for a while, so a broken
installation does not start a new spare every second. Still one run per process: a spare trains
one run and exits; the dispatcher starts the next spare when the machine has room for a run.
"""

from __future__ import annotations

import dataclasses
import secrets
import sqlite3
import time
from pathlib import Path
from typing import Callable

from core import settings
from core.runs.database import connect

SPARE_RETRY_SECONDS = 60.0  # after a spare failed by itself, wait this long before starting another
WAITING_STATUSES = ("starting", "ready")


@dataclasses.dataclass(frozen=True)
class Spare:
    """One row of the spares table."""

    tag: str
    pid: int  # the spare's monitor (the process the dispatcher started)
    trainer_pid: int | None  # its forked trainer, which waits warm and then trains
    status: str
    run_id: int | None
    fingerprint: str  # core.settings.worker_fingerprint() of the settings it was started with
    boot_id: str | None
    started_at: float
    ready_at: float | None


def new_tag() -> str:
    """A fresh spare tag: the spare's last command-line argument, which tells its process from any other."""
    return f"spare-{secrets.token_hex(4)}"


def _spare(row: sqlite3.Row) -> Spare:
    return Spare(**{field.name: row[field.name] for field in dataclasses.fields(Spare)})


def get(tag: str) -> Spare | None:
    """The spare with this tag, or None when it has no row (never registered, or forgotten)."""
    with connect() as connection:
        row = connection.execute("SELECT * FROM spares WHERE tag = ?", (tag,)).fetchone()
    return _spare(row) if row else None


def all_spares() -> list[Spare]:
    """Every spare row, oldest first."""
    with connect() as connection:
        return [_spare(row) for row in connection.execute("SELECT * FROM spares ORDER BY started_at").fetchall()]


def set_trainer(tag: str, pid: int) -> None:
    """The spare's trainer records its pid as it starts."""
    with connect() as connection:
        connection.execute("UPDATE spares SET trainer_pid = ? WHERE tag = ?", (int(pid), tag))


def mark_ready(tag: str) -> None:
    """The spare has warmed up (a run taken meanwhile stays taken)."""
    with connect() as connection:
        connection.execute("UPDATE spares SET status = 'ready', ready_at = ? WHERE tag = ? AND status = 'starting'",
                           (time.time(), tag))


def assignment(tag: str) -> tuple[str, int | None] | None:
    """(status, run id) of a spare, as it polls while it waits; None once its row is gone."""
    with connect() as connection:
        row = connection.execute("SELECT status, run_id FROM spares WHERE tag = ?", (tag,)).fetchone()
    return (row["status"], row["run_id"]) if row else None


def take(connection: sqlite3.Connection, run_id: int, fingerprint: str,
         alive: Callable[[int | None, str], bool]) -> tuple[int, int | None, str] | None:
    """Hand `run_id` to the oldest waiting spare started with these settings whose processes are alive.

    Runs inside core.runs.store.start_queued's write transaction (`connection`); returns the spare's
    (monitor pid, trainer pid, tag), or None when no spare can take it.
    """
    rows = connection.execute("SELECT * FROM spares WHERE status IN ('starting', 'ready') AND fingerprint = ? "
                              "ORDER BY status = 'ready' DESC, started_at", (fingerprint,)).fetchall()
    for spare in map(_spare, rows):
        if not alive(spare.pid, spare.tag) or (spare.trainer_pid is not None and not alive(spare.trainer_pid, spare.tag)):
            continue
        connection.execute("UPDATE spares SET status = 'taken', run_id = ? WHERE tag = ?", (int(run_id), spare.tag))
        return spare.pid, spare.trainer_pid, spare.tag
    return None


def settle(tag: str, failed: bool) -> int | None:
    """The spare's monitor, after its trainer ended: the run it had taken (its row goes), or None.

    An unused spare leaves no row, unless it `failed` by itself (an error, not a kill): that row stays,
    "failed", so no new spare starts for SPARE_RETRY_SECONDS. One transaction: a dispatcher cannot take
    the spare between the monitor's look and its clean-up.
    """
    with connect(immediate=True) as connection:
        row = connection.execute("SELECT status, run_id FROM spares WHERE tag = ?", (tag,)).fetchone()
        if row is not None and row["status"] == "taken":
            connection.execute("DELETE FROM spares WHERE tag = ?", (tag,))
            return int(row["run_id"])
        if failed and row is not None:
            connection.execute("UPDATE spares SET status = 'failed', ready_at = ? WHERE tag = ?", (time.time(), tag))
        else:
            connection.execute("DELETE FROM spares WHERE tag = ?", (tag,))
    return None


def retire(tag: str) -> None:
    """Ask a waiting spare to exit (it polls its row); a spare already taken keeps its run."""
    with connect() as connection:
        connection.execute("UPDATE spares SET status = 'retired' WHERE tag = ? AND status IN ('starting', 'ready')",
                           (tag,))


def retire_waiting() -> list[str]:
    """Ask every waiting spare to exit (a server starting: an older server's spare may run older code); their tags."""
    with connect(immediate=True) as connection:
        tags = [row["tag"] for row in connection.execute(
            "SELECT tag FROM spares WHERE status IN ('starting', 'ready')").fetchall()]
        connection.execute("UPDATE spares SET status = 'retired' WHERE status IN ('starting', 'ready')")
    return tags


def forget(tag: str) -> None:
    """Remove a spare's row (its processes are gone)."""
    with connect() as connection:
        connection.execute("DELETE FROM spares WHERE tag = ?", (tag,))


def tidy(fingerprint: str, alive: Callable[[int | None, str], bool]) -> bool:
    """Forget spares whose monitor is gone, retire waiting ones started under other settings; returns True
    if a live spare with these settings still waits (or one failed lately: then none should start yet)."""
    waiting = False
    for spare in all_spares():
        if spare.status == "failed":
            waiting = waiting or (spare.ready_at or 0) > time.time() - SPARE_RETRY_SECONDS
        elif not alive(spare.pid, spare.tag):
            forget(spare.tag)  # killed together with its monitor, or from an earlier boot
        elif spare.status in WAITING_STATUSES and spare.fingerprint != fingerprint:
            retire(spare.tag)
        elif spare.status in WAITING_STATUSES:
            waiting = True
    return waiting


def start_one(fingerprint: str, boot_id: str | None, start: Callable[[str], int]) -> str | None:
    """Start a spare (`start(tag)` returns its pid) unless one with these settings waits or one failed lately;
    returns its tag. One write transaction: two dispatchers never start two."""
    now = time.time()
    with connect(immediate=True) as connection:
        connection.execute("DELETE FROM spares WHERE status = 'failed' AND ready_at < ?", (now - SPARE_RETRY_SECONDS,))
        if connection.execute("SELECT 1 FROM spares WHERE (status IN ('starting', 'ready') AND fingerprint = ?) "
                              "OR status = 'failed' LIMIT 1", (fingerprint,)).fetchone():
            return None
        tag = new_tag()
        connection.execute("INSERT INTO spares (tag, pid, status, fingerprint, boot_id, started_at) "
                           "VALUES (?, ?, 'starting', ?, ?, ?)", (tag, int(start(tag)), fingerprint, boot_id, now))
    return tag


def log_path(tag: str) -> Path:
    """The spare's own log until it gets a run (then the run's log takes over)."""
    return settings.runs_dir() / f"{tag}.log"
