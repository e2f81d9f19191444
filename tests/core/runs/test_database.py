"""core.runs.database: a locked or damaged run store is a one-line message and a way out, never a traceback."""

import sqlite3
import time

import pytest

from core.classroom.roles import Actor, PermissionDenied
from core.runs import database
from core.runs import store as runs
from tests.core.runs.conftest import SMALL_SPEC


@pytest.fixture()
def short_wait():
    database.set_busy_timeout(0.5)
    yield
    database.set_busy_timeout(database.DEFAULT_BUSY_TIMEOUT_SECONDS)


def test_a_locked_store_answers_busy_within_the_pages_wait(short_wait):
    runs.create_run(SMALL_SPEC, "a")
    holder = sqlite3.connect(database.database_path(), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the lock
    try:
        started = time.monotonic()
        with pytest.raises(database.StoreBusy, match="The run store is busy"):
            runs.create_run(SMALL_SPEC, "b")
        assert time.monotonic() - started < 5
        assert [run.name for run in runs.list_runs()] == ["a"]  # WAL: the pages still read while it waits
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [run.name for run in runs.list_runs()] == ["a"]


def test_a_damaged_store_is_one_line_and_the_teacher_moves_it_aside(run_store):
    runs.create_run(SMALL_SPEC, "a")
    path = database.database_path()
    path.write_bytes(b"this is not a database" * 100)  # the header is gone
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    database._initialised.discard(path)
    with pytest.raises(database.StoreDamaged) as error:
        runs.list_runs()
    assert "cannot be read" in str(error.value) and "\n" not in str(error.value)
    with pytest.raises(PermissionDenied):
        database.move_damaged_store_aside(Actor("10.0.0.3"))
    aside = database.move_damaged_store_aside(Actor("t", teacher=True))
    assert aside.read_bytes().startswith(b"this is not a database")
    assert runs.list_runs() == []  # a fresh store
    assert runs.create_run(SMALL_SPEC, "b") == 1
