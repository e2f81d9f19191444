"""Worker processes for the run store: start queued runs, tell live workers from dead ones, supervise.

`dispatch` starts the oldest queued runs as `python -m core.runs.worker RUN_ID`, each in its own OS
process and session, while at most `settings.max_parallel_runs()` train at once; a waiting spare
worker (`--spare TAG`, core.runs.spares: TensorFlow already imported) takes the run instead when
there is one, and `keep_a_spare` starts the next spare whenever the machine has room for a run. The worker forks:
its parent (the run's `pid`) only watches its child, the trainer (`trainer_pid`), and records how it
died (exit code or signal) within a moment, with no page open (core.runs.worker). A process is
alive only if it exists, is not a zombie and has the run id (a spare: its tag) as its last argument.

`reconcile` (pages, and the server's `Supervisor` thread every second) covers what a monitor cannot:
a run whose worker and monitor are both gone is failed with the exit status this process saw,
if it started the worker, or "died without recording a result". A run is called "interrupted"
only when the computer restarted since it started (its boot id changed).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, Sequence

from core import settings
from core.i18n import N_
from core.runs import spares
from core.runs.records import InvalidTransition, error_info
from core.runs.store import (
    StoreUnavailable,
    database_path,
    has_queued,
    log_path,
    running_workers,
    set_status,
    start_queued,
)

WORKER_COMMAND = (sys.executable, "-m", "core.runs.worker")
BOOT_ID_PATH = Path("/proc/sys/kernel/random/boot_id")
SUPERVISE_SECONDS = 1.0
_children: dict[int, subprocess.Popen] = {}  # workers this process started, reaped so none stays a zombie
_exit_codes: dict[int, int] = {}  # pid → exit code of a reaped worker, until its run is marked
_lock = threading.RLock()  # page threads and the supervisor share the two tables above
_MAX_EXIT_CODES = 1000
EXIT_CODE_WAIT_SECONDS = 2.0
# Lines that are not a worker's last words: TensorFlow's C++ log lines and start-up notices.
_NOISE = re.compile(r"^([IWEF]\d{4} |WARNING: All log messages|.*(tensorflow/|oneDNN|cpu_feature_guard|absl::))")


def boot_id() -> str | None:
    """This boot of the computer (Linux); None where unknown."""
    try:
        return BOOT_ID_PATH.read_text().strip() or None
    except OSError:
        return None


def _worker_environment() -> dict[str, str]:
    return {**os.environ, settings.RUNS_DIR_VARIABLE: str(settings.runs_dir()),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(settings.REPO_ROOT), os.environ.get("PYTHONPATH")]))}


def _start(command: Sequence[str], log: Path) -> int:
    with open(log, "ab") as output:
        process = subprocess.Popen(list(command), cwd=settings.REPO_ROOT, env=_worker_environment(),
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    with _lock:
        _children[process.pid] = process
    return process.pid


def spares_enabled(worker_command: Sequence[str] = WORKER_COMMAND) -> bool:
    """Spare workers serve the real worker only (never a test's stand-in), and only when the setting is on."""
    return tuple(worker_command) == WORKER_COMMAND and settings.warm_worker()


def dispatch(max_parallel: int | None = None, worker_command: Sequence[str] = WORKER_COMMAND) -> list[int]:
    """Start the oldest queued runs while fewer than `max_parallel` run; returns the ids started.

    A run goes to a waiting spare worker (core.runs.spares) when there is one, else to a new worker process.
    """
    limit = settings.max_parallel_runs() if max_parallel is None else max_parallel
    if limit <= 0 or not has_queued():  # a cheap read first: pages call this every second, mostly with nothing queued
        return []
    take = None
    if spares_enabled(worker_command):
        fingerprint = settings.worker_fingerprint()

        def take(connection, run_id: int):
            return spares.take(connection, run_id, fingerprint, lambda pid, tag: process_alive(pid, tag=tag))

    return start_queued(limit, lambda run_id: _start([*worker_command, str(run_id)], log_path(run_id)), boot_id(),
                        take_spare=take)


def keep_a_spare(max_parallel: int | None = None) -> str | None:
    """Start a spare worker if none waits and the machine has room for a run; its tag, or None.

    Spares of dead processes are forgotten, and waiting ones started under other settings retired. A
    spare never boots beside a machine full of training runs, not even for a queued run: booting beside
    a run cost it 30–40% of its pace (nn: 27–31 s instead of 18.5 s, even at niceness 19) and threw its
    ETA off by up to 60%, while the queued run's own start-up, after it, costs 4–7 s (issue 14).
    """
    limit = settings.max_parallel_runs() if max_parallel is None else max_parallel
    fingerprint = settings.worker_fingerprint()
    if spares.tidy(fingerprint, lambda pid, tag: process_alive(pid, tag=tag)):
        return None  # a read-only pass when a spare waits: pages and the supervisor call this every second
    if limit <= 0 or len(running_workers()) >= limit:
        return None
    return spares.start_one(fingerprint, boot_id(),
                            lambda tag: _start([*WORKER_COMMAND, "--spare", tag], spares.log_path(tag)))


def process_alive(pid: int | None, run_id: int | None = None, tag: str | None = None) -> bool:
    """True if `pid` is a live process (not a zombie) and, given `run_id` or `tag`, the worker started for it.

    Workers get the run id as their last argument (a spare worker its tag), so a pid the system has
    since reused for another program does not count. A process whose arguments read empty is in the
    middle of its exec (subprocess returns as soon as the new program replaces the old, before the
    kernel has laid out its arguments): it is alive. Taking it for dead failed just-started runs that
    then trained anyway, which no cancel could stop.
    """
    if not pid:
        return False
    with _lock:
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
        expected = {str(value).encode() for value in (run_id, tag) if value is not None}
        return state not in ("Z", "X") and (not expected or arguments == [b""] or arguments[-1] in expected)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _dead_running_runs() -> list[tuple[int, int | None, str | None]]:
    """(run id, monitor pid, boot id) of running runs whose monitor and trainer are both gone."""
    return [(run_id, pid, boot) for run_id, pid, trainer, boot, tag in running_workers()
            if not process_alive(pid, run_id, tag) and not process_alive(trainer, run_id, tag)]


def mark_interrupted() -> list[int]:
    """Runs left 'running' by an earlier boot of the computer become 'interrupted' (their workers died with it)."""
    now, marked = boot_id(), []
    for run_id, _, boot in _dead_running_runs():
        if now is not None and boot is not None and boot != now:
            with contextlib.suppress(InvalidTransition):
                set_status(run_id, "interrupted", error_info=error_info(
                    N_("the computer restarted while this run trained")))
                marked.append(run_id)
    return marked


def last_words(run_id: int) -> str:
    """The worker log's last meaningful line: its error, not a TensorFlow notice ('' if none)."""
    try:
        text = log_path(run_id).read_text(errors="replace")
    except OSError:
        return ""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not _NOISE.match(line.strip())]
    return lines[-1][:300] if lines else ""


def log_tail(run_id: int, lines: int = 1) -> str:
    """The last non-empty lines of a worker's log ('' if none)."""
    try:
        text = log_path(run_id).read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join([line for line in text.splitlines() if line.strip()][-lines:])


def death_info(code: int | None, words: str = "") -> dict[str, Any]:
    """How a worker died, as a run error: its signal, its exit code (with its last words), or unknown."""
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return error_info(N_("the worker process was killed by signal {signal} ({name})"), signal=-code,
                              name=signal.Signals(-code).name)
        return error_info(N_("the worker process was killed by signal {signal}"), signal=-code)
    if code is not None:
        if words:
            return error_info(N_("the worker process died (exit code {code}): {last_words}"), code=code,
                              last_words=words)
        return error_info(N_("the worker process died (exit code {code})"), code=code)
    if words:
        return error_info(N_("the worker process died without recording a result: {last_words}"), last_words=words)
    return error_info(N_("the worker process died without recording a result"))


def _exit_code(child: subprocess.Popen) -> int | None:
    """The exit code of a worker that looks dead. A multi-threaded process (TensorFlow's) shows as a zombie
    while its last threads still exit, before waitpid can report it: wait a moment for the code."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        return child.wait(timeout=EXIT_CODE_WAIT_SECONDS)
    return None


def mark_dead_workers_failed() -> list[int]:
    """A 'running' run whose monitor and trainer are both gone (same boot) becomes 'failed', with how it died."""
    marked, now = [], boot_id()
    for run_id, pid, boot in _dead_running_runs():
        if now is not None and boot is not None and boot != now:
            continue  # mark_interrupted's
        with _lock:
            child = _children.pop(pid, None) if pid else None
            code = _exit_codes.pop(pid, None) if child is None and pid else None
        if child is not None:
            code = _exit_code(child)
        with contextlib.suppress(InvalidTransition):
            set_status(run_id, "failed", error_info=death_info(code, last_words(run_id)))
            marked.append(run_id)
    return marked


def reap_children() -> None:
    """Collect the exit status of workers this process started, so none lingers as a zombie.

    The exit code is kept: a worker that died after `mark_dead_workers_failed` looked, but before
    this call, still has its run marked failed with its exit code on the next pass.
    """
    with _lock:
        for pid, child in list(_children.items()):
            if child.poll() is not None:
                _children.pop(pid, None)
                _exit_codes[pid] = child.returncode
        while len(_exit_codes) > _MAX_EXIT_CODES:  # finished workers' codes are never asked for: keep the newest
            _exit_codes.pop(next(iter(_exit_codes)))


def reconcile(max_parallel: int | None = None, worker_command: Sequence[str] = WORKER_COMMAND) -> list[int]:
    """Mark runs of an earlier boot interrupted, fail runs whose worker died, start queued runs if there is room,
    then keep a spare worker waiting (when spares are on)."""
    mark_interrupted()
    mark_dead_workers_failed()
    reap_children()
    started = dispatch(max_parallel, worker_command)
    if spares_enabled(worker_command):
        keep_a_spare(max_parallel)
    return started


class Supervisor:
    """A daemon thread in the server that reconciles the run store every `interval` seconds, page or no page.

    It serves the store it was started for: if this process's store changes (tests do that), it stops.
    """

    def __init__(self, interval: float = SUPERVISE_SECONDS, worker_command: Sequence[str] = WORKER_COMMAND):
        self.interval, self.worker_command = interval, tuple(worker_command)
        self.store = database_path()
        self.stopped = threading.Event()
        self.passes = 0
        self.last_problem: str | None = None
        self.thread = threading.Thread(target=self._loop, name="mnist-lab-run-supervisor", daemon=True)

    def start(self) -> "Supervisor":
        """Start watching; returns self."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop after the current pass."""
        self.stopped.set()

    def _loop(self) -> None:
        while not self.stopped.wait(self.interval):
            if database_path() != self.store:
                return
            try:
                reconcile(worker_command=self.worker_command)
                self.last_problem = None
            except StoreUnavailable as error:  # told on the pages; keep watching
                self.last_problem = str(error)
            except Exception:  # noqa: BLE001 - the supervisor must outlive any one bad pass
                self.last_problem = traceback.format_exc(limit=1)
            self.passes += 1
