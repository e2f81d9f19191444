"""Worker processes for the run store: start queued runs, tell live workers from dead ones.

`dispatch` starts the oldest queued runs as `python -m core.runs.worker RUN_ID`, each in its own
OS process and session, while at most `settings.max_parallel_runs()` train at once. A worker is
alive only if its process exists, is not a zombie and has the run id as its last argument.
At server start, runs left "running" without a live worker become "interrupted"; while the
server runs, a worker that dies makes its run "failed" with its log's last line.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from core import settings
from core.runs.records import InvalidTransition
from core.runs.store import has_queued, log_path, running_workers, set_status, start_queued

WORKER_COMMAND = (sys.executable, "-m", "core.runs.worker")
_children: dict[int, subprocess.Popen] = {}  # workers this process started, reaped so none stays a zombie
_exit_codes: dict[int, int] = {}  # pid → exit code of a reaped worker, until its run is marked
_MAX_EXIT_CODES = 1000
EXIT_CODE_WAIT_SECONDS = 2.0


def dispatch(max_parallel: int | None = None, worker_command: Sequence[str] = WORKER_COMMAND) -> list[int]:
    """Start the oldest queued runs while fewer than `max_parallel` run; returns the ids started."""
    limit = settings.max_parallel_runs() if max_parallel is None else max_parallel
    if limit <= 0 or not has_queued():  # a cheap read first: pages call this every second, mostly with nothing queued
        return []
    environment = {**os.environ, settings.RUNS_DIR_VARIABLE: str(settings.runs_dir()),
                   "PYTHONPATH": os.pathsep.join(filter(None, [str(settings.REPO_ROOT), os.environ.get("PYTHONPATH")]))}

    def start_worker(run_id: int) -> int:
        with open(log_path(run_id), "ab") as log:
            process = subprocess.Popen([*worker_command, str(run_id)], cwd=settings.REPO_ROOT, env=environment,
                                       stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        _children[process.pid] = process
        return process.pid

    return start_queued(limit, start_worker)


def process_alive(pid: int | None, run_id: int | None = None) -> bool:
    """True if `pid` is a live process (not a zombie) and, given `run_id`, the worker started for that run.

    Workers get the run id as their last argument, so a pid the system has since reused for
    another program does not count.
    """
    if not pid:
        return False
    child = _children.get(pid)
    if child is not None and child.poll() is not None:
        return False
    proc = Path(f"/proc/{pid}")
    if proc.parent.is_dir():
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            arguments = (proc / "cmdline").read_bytes().rstrip(b"\0").split(b"\0")
        except (OSError, IndexError):
            return False
        return state not in ("Z", "X") and arguments != [b""] and (
            run_id is None or arguments[-1] == str(run_id).encode())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _dead_running_runs() -> list[tuple[int, int | None]]:
    return [(run_id, pid) for run_id, pid in running_workers() if not process_alive(pid, run_id)]


def mark_interrupted() -> list[int]:
    """At server start: runs left 'running' whose worker process is gone become 'interrupted'."""
    marked = []
    for run_id, _ in _dead_running_runs():
        with contextlib.suppress(InvalidTransition):
            set_status(run_id, "interrupted", error="the server restarted and this run's worker process was gone")
            marked.append(run_id)
    return marked


def log_tail(run_id: int, lines: int = 1) -> str:
    """The last non-empty lines of a worker's log ('' if none)."""
    try:
        text = log_path(run_id).read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join([line for line in text.splitlines() if line.strip()][-lines:])


def _exit_code(child: subprocess.Popen) -> int | None:
    """The exit code of a worker that looks dead. A multi-threaded process (TensorFlow's) shows as a zombie
    while its last threads still exit, before waitpid can report it: wait a moment for the code."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        return child.wait(timeout=EXIT_CODE_WAIT_SECONDS)
    return None


def mark_dead_workers_failed() -> list[int]:
    """While the server runs: a 'running' run whose worker died becomes 'failed', with the log's last line."""
    marked = []
    for run_id, pid in _dead_running_runs():
        child = _children.pop(pid, None)
        code = _exit_code(child) if child is not None else _exit_codes.pop(pid, None)
        how = f" (exit code {code})" if code is not None and code >= 0 else (f" (killed by signal {-code})" if code else "")
        reason = log_tail(run_id) or "no message"
        with contextlib.suppress(InvalidTransition):
            set_status(run_id, "failed", error=f"the worker process died{how}: {reason}")
            marked.append(run_id)
    return marked


def reap_children() -> None:
    """Collect the exit status of workers this process started, so none lingers as a zombie.

    The exit code is kept: a worker that died after `mark_dead_workers_failed` looked, but before
    this call, still has its run marked failed with its exit code on the next pass.
    """
    for pid, child in list(_children.items()):
        if child.poll() is not None:
            _children.pop(pid, None)
            _exit_codes[pid] = child.returncode
    while len(_exit_codes) > _MAX_EXIT_CODES:  # finished workers' codes are never asked for: keep the newest
        _exit_codes.pop(next(iter(_exit_codes)))


def reconcile(max_parallel: int | None = None, worker_command: Sequence[str] = WORKER_COMMAND) -> list[int]:
    """Fail runs whose worker died, then start queued runs if there is room; returns the ids started."""
    mark_dead_workers_failed()
    reap_children()
    return dispatch(max_parallel, worker_command)
