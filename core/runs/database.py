"""The run store's SQLite file: where it is, its schema, short-lived connections, and trouble told in one line.

Connections are short-lived (one per call) so many processes can share the file; WAL lets readers
watch while a worker writes. A busy or damaged file never surfaces as a raw `sqlite3` error: it
becomes `StoreBusy` or `StoreDamaged` (both `StoreUnavailable`, a Refusal with a one-line,
translatable reason). Pages wait for a lock a few seconds at most (`set_busy_timeout`); workers
wait longer. A damaged file can be moved aside by the teacher (`move_damaged_store_aside`), and
a fresh store starts; the models and the Draw page never depend on this file.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path
from typing import Iterator

from core import settings
from core.classroom.roles import Actor, Refusal, require_teacher
from core.i18n import N_

DATABASE_NAME = "runs.sqlite3"
DEFAULT_BUSY_TIMEOUT_SECONDS = 30.0  # a worker waits this long for the write lock
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    spec TEXT NOT NULL,
    preset TEXT,
    status TEXT NOT NULL,
    phase TEXT NOT NULL DEFAULT '',
    queued_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    pid INTEGER,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    result TEXT,
    options TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS metrics (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    step INTEGER NOT NULL,
    epoch INTEGER NOT NULL,
    member INTEGER NOT NULL DEFAULT 0,
    cost REAL,
    accuracy REAL,
    validation_cost REAL,
    validation_accuracy REAL,
    seconds REAL,
    logged_at REAL
);
CREATE INDEX IF NOT EXISTS metrics_by_run ON metrics (run_id, kind, step);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status, id);
CREATE TABLE IF NOT EXISTS spares (
    tag TEXT PRIMARY KEY,
    pid INTEGER NOT NULL,
    trainer_pid INTEGER,
    status TEXT NOT NULL,
    run_id INTEGER,
    fingerprint TEXT NOT NULL,
    boot_id TEXT,
    started_at REAL NOT NULL,
    ready_at REAL
);
"""
# Columns added after the first release: (name, type). A store made before them gets them on first use.
ADDED_COLUMNS = (("owner", "TEXT"), ("trainer_pid", "INTEGER"), ("boot_id", "TEXT"), ("error_info", "TEXT"),
                 ("worker_tag", "TEXT"))  # worker_tag: the spare worker's last argument, when a spare trains the run
ADDED_METRIC_COLUMNS = (("layers", "TEXT"),)  # a "layers" event's per-layer statistics (JSON)
_initialised: set[Path] = set()
_busy_timeout = DEFAULT_BUSY_TIMEOUT_SECONDS


class StoreUnavailable(Refusal):
    """The run store cannot be used now: the reason in one line."""


class StoreBusy(StoreUnavailable):
    """Another program holds the run store's lock for longer than this process waits."""


class StoreDamaged(StoreUnavailable):
    """The run store's file is not a database any more (or cannot be opened)."""


def database_path() -> Path:
    """The SQLite file of the run store."""
    return settings.runs_dir() / DATABASE_NAME


def set_busy_timeout(seconds: float) -> None:
    """How long this process waits for another's write lock before saying StoreBusy (pages: a few seconds)."""
    global _busy_timeout
    _busy_timeout = max(0.1, float(seconds))


def translate_error(error: sqlite3.Error) -> StoreUnavailable:
    """The one-line StoreBusy or StoreDamaged for a raw sqlite3 error."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return StoreBusy(N_("The run store is busy: another program holds its lock ({path}). Runs cannot be shown or "
                            "started for a moment; the models and the Draw page still work. Try again shortly."),
                         path=str(database_path()))
    return StoreDamaged(N_("The run store {path} cannot be read ({reason}). Runs cannot be shown or started; the "
                           "models and the Draw page still work. The teacher can move the damaged file aside and "
                           "start a new store."), path=str(database_path()), reason=str(error))


def _migrate(connection: sqlite3.Connection) -> None:
    connection.executescript(SCHEMA)
    present = {row[1] for row in connection.execute("PRAGMA table_info(runs)").fetchall()}
    for name, kind in ADDED_COLUMNS:
        if name not in present:
            connection.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")
    present = {row[1] for row in connection.execute("PRAGMA table_info(metrics)").fetchall()}
    for name, kind in ADDED_METRIC_COLUMNS:
        if name not in present:
            connection.execute(f"ALTER TABLE metrics ADD COLUMN {name} {kind}")


def _open(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=_busy_timeout, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout = {int(_busy_timeout * 1000)}")
    return connection


@contextlib.contextmanager
def connect(immediate: bool = False) -> Iterator[sqlite3.Connection]:
    """A short-lived connection in one transaction (IMMEDIATE: take the write lock first); always closes.

    Raises StoreBusy or StoreDamaged (never a raw sqlite3 error) when the file is locked or unreadable.
    """
    path = database_path()
    connection = None
    try:
        if path not in _initialised:
            path.parent.mkdir(parents=True, exist_ok=True)
        connection = _open(path)
        if path not in _initialised:
            connection.execute("PRAGMA journal_mode = WAL")
            _migrate(connection)
            _initialised.add(path)
        connection.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable enough, no fsync per write
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        yield connection
        connection.execute("COMMIT")
    except BaseException as error:
        if connection is not None and connection.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        if isinstance(error, sqlite3.DatabaseError):
            raise translate_error(error) from error
        raise
    finally:
        if connection is not None:
            connection.close()


def wait_for_writers() -> None:
    """Block until no process holds the write lock: a dispatcher commits the runs it started before releasing it."""
    with connect(immediate=True):
        pass


def hold_open() -> sqlite3.Connection:
    """An idle connection for a long-lived process (worker, server) to keep until it exits.

    When the last connection to a WAL database closes, SQLite checkpoints and deletes the WAL,
    and the next write recreates and syncs it: ~3 ms per short-lived write instead of ~0.1 ms.
    One connection held open avoids that; it holds no transaction, so checkpoints still run.
    """
    with connect():  # creates the store and its schema if needed
        pass
    try:
        connection = _open(database_path())
        connection.execute("SELECT COUNT(*) FROM runs").fetchall()  # attach to the WAL; read to the end: no snapshot
    except sqlite3.DatabaseError as error:
        raise translate_error(error) from error
    return connection


def move_damaged_store_aside(actor: Actor) -> Path:
    """The teacher's way out of a damaged store: rename its files aside (kept for inspection); a new store starts."""
    require_teacher(actor, N_("Only the teacher can replace the run store."))
    path = database_path()
    target = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(Path(f"{target}{suffix}"))
    _initialised.discard(path)
    return target
