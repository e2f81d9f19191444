"""The run store: every training run, its status, its metrics and the queue, in SQLite (WAL).

A run is one training job. The page creates it (`core.runs.admission.submit_run` checks the
visitor's limits, then `create_run`, status "queued"); `core.runs.dispatcher` starts the oldest
queued runs, each in its own OS process (`python -m core.runs.worker RUN_ID`), while at most
`settings.max_parallel_runs()` train at once; the worker writes metrics and the final status. Any
tab, page or server can read any run. The file, its schema and its errors are
core.runs.database's; this module holds every SQL statement on runs and metrics. The life cycle
it enforces is described in core.runs.records. Cancelling is the run's owner's or the teacher's.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from core import settings
from core.classroom.roles import Actor, PermissionDenied, require_teacher
from core.datasets.mnist import LECTURE_TRAIN_SIZE
from core.i18n import N_
from core.lecture.spec import ModelSpec
from core.models.store import sanitize_name
from core.runs.database import (  # noqa: F401 - the store's public face: callers need only this module
    DATABASE_NAME,
    StoreBusy,
    StoreDamaged,
    StoreUnavailable,
    connect,
    database_path,
    hold_open,
    set_busy_timeout,
    wait_for_writers,
)
from core.runs.records import ALLOWED_FROM, FINAL_STATUSES, InvalidTransition, Run, RunResult, english_error

_METRIC_COLUMNS = ("kind", "step", "epoch", "member", "cost", "accuracy", "validation_cost", "validation_accuracy",
                   "seconds", "logged_at", "layers")  # layers: a "layers" event's statistics per layer, as JSON


@dataclasses.dataclass(frozen=True)
class QueueCounts:
    """The queue as one transaction sees it, for an admission check that no other tab can race past."""

    active: int  # runs queued or running, everyone's
    active_for_owner: int  # of those, the asking visitor's
    active_names: frozenset[str]  # names of the active runs (a new run must not share one)


def log_path(run_id: int) -> Path:
    """The worker's stdout/stderr for one run (tracebacks land here)."""
    return settings.runs_dir() / f"run-{run_id}.log"


def _decode(row: sqlite3.Row) -> Run:
    return Run(
        id=row["id"], name=row["name"], spec=ModelSpec.from_dict(json.loads(row["spec"])), preset=row["preset"],
        status=row["status"], phase=row["phase"], queued_at=row["queued_at"], started_at=row["started_at"],
        finished_at=row["finished_at"], pid=row["pid"], cancel_requested=bool(row["cancel_requested"]),
        error=row["error"], result=RunResult.from_dict(json.loads(row["result"])) if row["result"] else None,
        options=json.loads(row["options"] or "{}"), owner=row["owner"], trainer_pid=row["trainer_pid"],
        boot_id=row["boot_id"], error_info=json.loads(row["error_info"]) if row["error_info"] else None,
        worker_tag=row["worker_tag"],
    )


def create_run(spec: ModelSpec, name: str, preset: str | None = None, train_limit: int | None = None, *,
               owner: str | None = None, admit: Callable[[QueueCounts], None] | None = None, **options: Any) -> int:
    """Queue a new run (the spec is validated, the name sanitised); returns its id.

    `admit(counts)`, if given, sees the queue inside the same write transaction and may raise to refuse
    the run: two tabs pressing Train at once cannot both slip under a limit.
    """
    spec.validate()
    if train_limit is not None and not (spec.batch_size <= train_limit <= LECTURE_TRAIN_SIZE):
        raise ValueError(f"train_limit must be from the batch size ({spec.batch_size}) to {LECTURE_TRAIN_SIZE:,}, "
                         f"got {train_limit!r}")
    all_options = {**options, "train_limit": train_limit}
    with connect(immediate=True) as connection:
        if admit is not None:
            rows = connection.execute("SELECT name, owner FROM runs WHERE status IN ('queued', 'running')").fetchall()
            admit(QueueCounts(len(rows), sum(1 for row in rows if owner is not None and row["owner"] == owner),
                              frozenset(row["name"] for row in rows)))
        cursor = connection.execute(
            "INSERT INTO runs (name, spec, preset, status, queued_at, options, owner) VALUES (?, ?, ?, 'queued', ?, ?, ?)",
            (sanitize_name(name), spec.to_json(), preset, time.time(), json.dumps(all_options), owner),
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
               pid: int | None = None, error_info: dict[str, Any] | None = None) -> None:
    """Move a run to `status`; InvalidTransition if its life cycle does not allow it from where it is.

    `error_info` (core.runs.records.error_info) is the error as a translatable message; `error` defaults to its English.
    """
    if status not in ALLOWED_FROM:
        raise InvalidTransition(f"cannot set status {status!r}; one of {', '.join(ALLOWED_FROM)}")
    now = time.time()
    with connect() as connection:
        _transition(connection, run_id, status, now, error=error, result=result, pid=pid, error_info=error_info)


def _transition(connection: sqlite3.Connection, run_id: int, status: str, now: float, *, error: str | None = None,
                result: RunResult | None = None, pid: int | None = None, error_info: dict[str, Any] | None = None,
                boot_id: str | None = None) -> None:
    allowed = ALLOWED_FROM[status]
    final = status in FINAL_STATUSES
    if error_info is not None and error is None:
        error = english_error(error_info)
    cursor = connection.execute(
        f"UPDATE runs SET status = ?, error = COALESCE(?, error), result = COALESCE(?, result), pid = COALESCE(?, pid), "
        f"error_info = COALESCE(?, error_info), boot_id = COALESCE(?, boot_id), "
        f"started_at = CASE WHEN ? = 'running' THEN ? ELSE started_at END, "
        f"finished_at = CASE WHEN ? THEN ? ELSE finished_at END, phase = CASE WHEN ? THEN '' ELSE phase END "
        f"WHERE id = ? AND status IN ({', '.join('?' * len(allowed))})",
        (status, error, json.dumps(result.to_dict()) if result is not None else None, pid,
         json.dumps(error_info) if error_info is not None else None, boot_id, status, now, final, now, final,
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


def _column_value(event: dict[str, Any], column: str) -> Any:
    value = {"member": 0, **event}.get(column)
    return json.dumps(value) if column == "layers" and value is not None else value


def add_metrics(run_id: int, events: Sequence[dict[str, Any]]) -> None:
    """Append training events ({"kind": "step"|"epoch"|"layers", step, epoch, cost, …}) in one transaction."""
    if not events:
        return
    rows = [(int(run_id), *(_column_value(event, column) for column in _METRIC_COLUMNS)) for event in events]
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
    events = [dict(row) for row in rows]
    for event in events:
        event["layers"] = json.loads(event["layers"]) if event["layers"] else None
    return events


def set_trainer_pid(run_id: int, pid: int) -> None:
    """The training process's pid, written by itself as it starts (its monitor's pid is the run's `pid`)."""
    with connect() as connection:
        connection.execute("UPDATE runs SET trainer_pid = ? WHERE id = ?", (int(pid), int(run_id)))


def cancel(run_id: int, actor: Actor) -> str:
    """Cancel a run: a queued one at once, a running one at its worker's next check; returns its status.

    Only the visitor who started the run, or the teacher, may cancel it (PermissionDenied otherwise).
    Cancelling a run that has already ended changes nothing. The status is read and changed under the
    write lock, so a cancel racing the dispatcher that starts the run still takes effect: it then
    becomes the cancel flag, which the worker reads before it trains and again before it saves.
    """
    with connect(immediate=True) as connection:
        row = connection.execute("SELECT status, owner FROM runs WHERE id = ?", (int(run_id),)).fetchone()
        if row is None:
            raise ValueError(f"no run {run_id}")
        if not actor.teacher and (row["owner"] is None or row["owner"] != actor.owner):
            raise PermissionDenied(N_("Only the teacher can cancel another visitor's run."))
        if row["status"] == "queued":
            _transition(connection, run_id, "cancelled", time.time())
            return "cancelled"
        if row["status"] == "running":
            connection.execute("UPDATE runs SET cancel_requested = 1 WHERE id = ?", (int(run_id),))
        return row["status"]


def clear_queue(actor: Actor) -> list[int]:
    """The teacher cancels every queued run at once (running ones keep training); returns their ids."""
    require_teacher(actor, N_("Only the teacher can clear the queue."))
    with connect(immediate=True) as connection:
        ids = [row["id"] for row in connection.execute("SELECT id FROM runs WHERE status = 'queued'").fetchall()]
        for run_id in ids:
            _transition(connection, run_id, "cancelled", time.time())
    return ids


def is_cancel_requested(run_id: int) -> bool:
    """True once someone pressed Cancel for this run (the worker polls this)."""
    with connect() as connection:
        row = connection.execute("SELECT cancel_requested FROM runs WHERE id = ?", (int(run_id),)).fetchone()
    return bool(row and row["cancel_requested"])


def has_queued() -> bool:
    """True if any run waits in the queue (a cheap read: pages ask about every second)."""
    with connect() as connection:
        return connection.execute("SELECT 1 FROM runs WHERE status = 'queued' LIMIT 1").fetchone() is not None


def running_workers() -> list[tuple[int, int | None, int | None, str | None, str | None]]:
    """(run id, monitor pid, trainer pid, boot id, spare worker's tag or None) of every run marked running."""
    with connect() as connection:
        rows = connection.execute("SELECT id, pid, trainer_pid, boot_id, worker_tag FROM runs WHERE status = 'running'"
                                  ).fetchall()
    return [(row["id"], row["pid"], row["trainer_pid"], row["boot_id"], row["worker_tag"]) for row in rows]


SpareTaker = Callable[[sqlite3.Connection, int], "tuple[int, int | None, str] | None"]


def start_queued(limit: int, start_worker: Callable[[int], int], boot_id: str | None = None,
                 take_spare: SpareTaker | None = None) -> list[int]:
    """Start the oldest queued runs while fewer than `limit` run; returns the ids started.

    `take_spare(connection, run_id)`, if given, hands the run to a ready spare worker inside this transaction
    and returns its (monitor pid, trainer pid, tag), or None when there is none. Otherwise
    `start_worker(run_id)` starts the run's process and returns its pid, or raises OSError: the
    run then fails with the reason. The write lock is held while the processes start, so two
    dispatchers never start the same run (nor hand two runs to one spare).
    """
    started = []
    with connect(immediate=True) as connection:
        running = connection.execute("SELECT COUNT(*) FROM runs WHERE status = 'running'").fetchone()[0]
        rows = connection.execute("SELECT id FROM runs WHERE status = 'queued' ORDER BY id LIMIT ?",
                                  (max(0, limit - running),)).fetchall()
        for row in rows:
            run_id = row["id"]
            spare = take_spare(connection, run_id) if take_spare is not None else None
            pid, trainer, tag = spare if spare is not None else (None, None, None)
            if spare is None:
                try:
                    pid = start_worker(run_id)
                except OSError as error:
                    _transition(connection, run_id, "failed", time.time(), error_info={
                        "message": N_("could not start the worker: {reason}"), "params": {"reason": str(error)}})
                    continue
            _transition(connection, run_id, "running", time.time(), pid=pid, boot_id=boot_id)
            connection.execute("UPDATE runs SET phase = 'starting', worker_tag = ?, trainer_pid = COALESCE(?, trainer_pid) "
                               "WHERE id = ?", (tag, trainer, run_id))
            started.append(run_id)
    return started
