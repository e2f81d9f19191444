"""The run store: every training run, its status, its metrics and the queue, in SQLite (WAL).

A run is one training job. The page creates it (`create_run`, status "queued");
`core.runs.dispatcher` starts the oldest queued runs, each in its own OS process
(`python -m core.runs.worker RUN_ID`), while at most `settings.max_parallel_runs()` train at
once; the worker writes metrics and the final status. Any tab, page or server can read any
run. Connections are short-lived (one per call) so many processes can share the file; WAL
lets readers watch while a worker writes. This module owns the schema and every SQL
statement on it; the life cycle it enforces is described in core.runs.records.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from core import settings
from core.datasets.mnist import LECTURE_TRAIN_SIZE
from core.lecture.spec import ModelSpec
from core.models.store import sanitize_name
from core.runs.records import ALLOWED_FROM, FINAL_STATUSES, InvalidTransition, Run, RunResult

DATABASE_NAME = "runs.sqlite3"

_SCHEMA = """
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
"""
_METRIC_COLUMNS = ("kind", "step", "epoch", "member", "cost", "accuracy", "validation_cost", "validation_accuracy",
                   "seconds", "logged_at")
_initialised: set[Path] = set()


def database_path() -> Path:
    """The SQLite file of the run store."""
    return settings.runs_dir() / DATABASE_NAME


def log_path(run_id: int) -> Path:
    """The worker's stdout/stderr for one run (tracebacks land here)."""
    return settings.runs_dir() / f"run-{run_id}.log"


@contextlib.contextmanager
def connect(immediate: bool = False) -> Iterator[sqlite3.Connection]:
    """A short-lived connection in one transaction (IMMEDIATE: take the write lock first); always closes."""
    path = database_path()
    if path not in _initialised:
        path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA busy_timeout = 30000")
        if path not in _initialised:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.executescript(_SCHEMA)
            _initialised.add(path)
        connection.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable enough, no fsync per write
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
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
    connection = sqlite3.connect(database_path(), timeout=30, isolation_level=None, check_same_thread=False)
    connection.execute("SELECT COUNT(*) FROM runs").fetchall()  # attach to the WAL; read to the end: no snapshot kept
    return connection


def _decode(row: sqlite3.Row) -> Run:
    return Run(
        id=row["id"], name=row["name"], spec=ModelSpec.from_dict(json.loads(row["spec"])), preset=row["preset"],
        status=row["status"], phase=row["phase"], queued_at=row["queued_at"], started_at=row["started_at"],
        finished_at=row["finished_at"], pid=row["pid"], cancel_requested=bool(row["cancel_requested"]),
        error=row["error"], result=RunResult.from_dict(json.loads(row["result"])) if row["result"] else None,
        options=json.loads(row["options"] or "{}"),
    )


def create_run(spec: ModelSpec, name: str, preset: str | None = None, train_limit: int | None = None,
               **options: Any) -> int:
    """Queue a new run (the spec is validated, the name sanitised); returns its id."""
    spec.validate()
    if train_limit is not None and not (spec.batch_size <= train_limit <= LECTURE_TRAIN_SIZE):
        raise ValueError(f"train_limit must be from the batch size ({spec.batch_size}) to {LECTURE_TRAIN_SIZE:,}, "
                         f"got {train_limit!r}")
    all_options = {**options, "train_limit": train_limit}
    with connect() as connection:
        cursor = connection.execute(
            "INSERT INTO runs (name, spec, preset, status, queued_at, options) VALUES (?, ?, ?, 'queued', ?, ?)",
            (sanitize_name(name), spec.to_json(), preset, time.time(), json.dumps(all_options)),
        )
        return int(cursor.lastrowid)


def get_run(run_id: int) -> Run | None:
    """One run, or None if there is no such id."""
    with connect() as connection:
        row = connection.execute("SELECT * FROM runs WHERE id = ?", (int(run_id),)).fetchone()
    return _decode(row) if row else None


def list_runs(limit: int = 200) -> list[Run]:
    """The newest runs first."""
    with connect() as connection:
        rows = connection.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [_decode(row) for row in rows]


def queue_positions() -> dict[int, int]:
    """{run id: place in the queue (1 = next to start)} for every queued run."""
    with connect() as connection:
        rows = connection.execute("SELECT id FROM runs WHERE status = 'queued' ORDER BY id").fetchall()
    return {row["id"]: place for place, row in enumerate(rows, start=1)}


def set_status(run_id: int, status: str, *, error: str | None = None, result: RunResult | None = None,
               pid: int | None = None) -> None:
    """Move a run to `status`; InvalidTransition if its life cycle does not allow it from where it is."""
    if status not in ALLOWED_FROM:
        raise InvalidTransition(f"cannot set status {status!r}; one of {', '.join(ALLOWED_FROM)}")
    now = time.time()
    with connect() as connection:
        _transition(connection, run_id, status, now, error=error, result=result, pid=pid)


def _transition(connection: sqlite3.Connection, run_id: int, status: str, now: float, *, error: str | None = None,
                result: RunResult | None = None, pid: int | None = None) -> None:
    allowed = ALLOWED_FROM[status]
    final = status in FINAL_STATUSES
    cursor = connection.execute(
        f"UPDATE runs SET status = ?, error = COALESCE(?, error), result = COALESCE(?, result), pid = COALESCE(?, pid), "
        f"started_at = CASE WHEN ? = 'running' THEN ? ELSE started_at END, "
        f"finished_at = CASE WHEN ? THEN ? ELSE finished_at END, phase = CASE WHEN ? THEN '' ELSE phase END "
        f"WHERE id = ? AND status IN ({', '.join('?' * len(allowed))})",
        (status, error, json.dumps(result.to_dict()) if result is not None else None, pid, status, now, final, now, final,
         int(run_id), *allowed),
    )
    if cursor.rowcount == 0:
        row = connection.execute("SELECT status FROM runs WHERE id = ?", (int(run_id),)).fetchone()
        current = row["status"] if row else "missing"
        raise InvalidTransition(f"run {run_id} is {current}: it cannot become {status} "
                                f"(only from {' or '.join(allowed)})")


def set_phase(run_id: int, phase: str) -> None:
    """What a running worker is doing now (e.g. 'loading MNIST', 'training'), for the page."""
    with connect() as connection:
        connection.execute("UPDATE runs SET phase = ? WHERE id = ? AND status = 'running'", (phase, int(run_id)))


def add_metrics(run_id: int, events: Sequence[dict[str, Any]]) -> None:
    """Append training events ({"kind": "step"|"epoch", step, epoch, cost, ...}) in one transaction."""
    if not events:
        return
    rows = [(int(run_id), *({"member": 0, **event}.get(column) for column in _METRIC_COLUMNS)) for event in events]
    with connect() as connection:
        connection.executemany(
            f"INSERT INTO metrics (run_id, {', '.join(_METRIC_COLUMNS)}) VALUES ({', '.join('?' * (len(_METRIC_COLUMNS) + 1))})",
            rows,
        )


def get_metrics(run_id: int) -> list[dict[str, Any]]:
    """Every logged event of a run in logging order (a NaN cost reads back as None)."""
    with connect() as connection:
        rows = connection.execute(
            f"SELECT {', '.join(_METRIC_COLUMNS)} FROM metrics WHERE run_id = ? ORDER BY rowid", (int(run_id),)
        ).fetchall()
    return [dict(row) for row in rows]


def cancel(run_id: int) -> str:
    """Cancel a run: a queued one at once, a running one at its worker's next check; returns its status."""
    with connect(immediate=True) as connection:
        row = connection.execute("SELECT status FROM runs WHERE id = ?", (int(run_id),)).fetchone()
        if row is None:
            raise ValueError(f"no run {run_id}")
        if row["status"] == "queued":
            _transition(connection, run_id, "cancelled", time.time())
            return "cancelled"
        if row["status"] == "running":
            connection.execute("UPDATE runs SET cancel_requested = 1 WHERE id = ?", (int(run_id),))
        return row["status"]


def is_cancel_requested(run_id: int) -> bool:
    """True once someone pressed Cancel for this run (the worker polls this)."""
    with connect() as connection:
        row = connection.execute("SELECT cancel_requested FROM runs WHERE id = ?", (int(run_id),)).fetchone()
    return bool(row and row["cancel_requested"])


def has_queued() -> bool:
    """True if any run waits in the queue (a cheap read: pages ask about every second)."""
    with connect() as connection:
        return connection.execute("SELECT 1 FROM runs WHERE status = 'queued' LIMIT 1").fetchone() is not None


def running_workers() -> list[tuple[int, int | None]]:
    """(run id, worker pid) of every run marked running."""
    with connect() as connection:
        rows = connection.execute("SELECT id, pid FROM runs WHERE status = 'running'").fetchall()
    return [(row["id"], row["pid"]) for row in rows]


def start_queued(limit: int, start_worker: Callable[[int], int]) -> list[int]:
    """Start the oldest queued runs while fewer than `limit` run; returns the ids started.

    `start_worker(run_id)` starts the run's process and returns its pid, or raises OSError: the
    run then fails with the reason. The write lock is held while the processes start, so two
    dispatchers never start the same run.
    """
    started = []
    with connect(immediate=True) as connection:
        running = connection.execute("SELECT COUNT(*) FROM runs WHERE status = 'running'").fetchone()[0]
        rows = connection.execute("SELECT id FROM runs WHERE status = 'queued' ORDER BY id LIMIT ?",
                                  (max(0, limit - running),)).fetchall()
        for row in rows:
            run_id = row["id"]
            try:
                pid = start_worker(run_id)
            except OSError as error:
                _transition(connection, run_id, "failed", time.time(), error=f"could not start the worker: {error}")
                continue
            _transition(connection, run_id, "running", time.time(), pid=pid)
            connection.execute("UPDATE runs SET phase = 'starting' WHERE id = ?", (run_id,))
            started.append(run_id)
    return started
