"""One training run in its own OS process: `python -m core.runs.worker RUN_ID` (or `--spare TAG`).

Started by `core.runs.dispatcher.dispatch`. The process forks at once: the child (the trainer)
loads the run from the store, trains it with `core.training.train`, writes the metrics to SQLite
in small batches (no event waits longer than `FLUSH_SECONDS`, and a few writes a second at most,
so logging never slows training), polls the cancel flag cheaply, saves the model and its card
on success only, and records the final status (finished, diverged, cancelled or failed with the
reason). The parent (the monitor) only waits for it: if the trainer dies without recording a
status (killed, out of memory), the monitor records how (signal or exit code) within a moment,
removes the temporary files it left, and then, in every case, starts the next queued run.

Cancelling is checked before anything starts, after MNIST loads, after TensorFlow loads, while
training, and once more before saving: a cancel that raced the start of the run still wins. A
run never replaces a saved model unless the teacher asked (`replace` option), and never a shipped
one; a name taken since the run was queued gets a suffix (-2, -3, …). A model that would overflow
the teacher's limits on saved models is not saved.

A spare worker (`--spare TAG`, core.runs.spares) forks the same way, but its trainer gets warm
first (TensorFlow, MNIST, a few warm-up steps) and waits for the dispatcher to hand it a run; from
then on it is that run's worker, its output going to the run's log. Its monitor learns the run from
the store when the trainer ends. A spare that ends without a run leaves nothing behind.

MNIST_LAB_WORKER_CRASH_AFTER_STEPS=N makes the worker die hard (os._exit, no clean-up)
after step N: a real crash, for the tests of what a crash leaves behind (core.runs.logger).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
import traceback
from typing import Any

from core import settings
from core.i18n import N_
from core.runs import dispatcher, spare, spares
from core.runs import store as runs
from core.runs.logger import CRASH_AFTER_STEPS_VARIABLE, MetricLogger
from core.runs.records import Run, RunResult, error_info


def looks_inside(spec: Any) -> bool:
    """Whether a run records its layers' statistics (core.training.internals): every single network but the app's
    fast CNNs, whose seconds count (a probe costs about two batches each logged step of the first epoch)."""
    return spec.ensemble_members == 1 and spec.schedule != "one_cycle"


def _run_result(result: Any, preset: Any, saved_name: str | None, logger: MetricLogger) -> RunResult:
    """The run's record: the training summary (rounded for the store) plus what became of the model."""
    summary = dataclasses.replace(result.summary(), seconds=round(result.seconds, 3),
                                  samples_per_second=round(result.samples_per_second, 1))
    return RunResult(**dataclasses.asdict(summary), published_accuracy=preset.published_accuracy if preset else None,
                     saved_model=saved_name, logging_seconds=round(logger.seconds_spent, 4), train_call=logger.train_call)


def _free_name(run: Run) -> str:
    """The name to save under: the run's own unless a model took it since (then name-2, name-3, …)."""
    from core.models.store import is_shipped, model_names

    if run.options.get("replace") and not is_shipped(run.name):
        return run.name
    taken = model_names()
    for candidate in [run.name] + [f"{run.name}-{number}"[:64] for number in range(2, 1000)]:
        if candidate not in taken and not is_shipped(candidate):
            return candidate
    raise RuntimeError(f"no free model name like {run.name}")


def _no_room(parameters: int, replacing: bool) -> dict[str, Any] | None:
    """Why the model store has no room for one more model under the teacher's limits (None: it has)."""
    from core.classroom.limits import current_limits
    from core.models.store import disk_use

    limits, (count, used) = current_limits(), disk_use()
    megabytes = (used + parameters * 4) / 1e6
    if (count + (0 if replacing else 1) > limits.max_models) or megabytes > limits.max_models_megabytes:
        return error_info(N_("training ended but the model was not saved: the saved models would exceed the "
                             "teacher's limit ({max_models} models, {max_megabytes} MB); {count} models use "
                             "{megabytes} MB"), max_models=limits.max_models,
                          max_megabytes=limits.max_models_megabytes, count=count, megabytes=round(used / 1e6, 1))
    return None


def _finish(run: Run, result: Any, preset: Any, logger: MetricLogger) -> str:
    """Record how a trained run ended, saving its model if it trained to its end and nobody cancelled it."""
    from core.models.card import make_card
    from core.models.store import save_model

    current = runs.get_run(run.id)
    if current is None or current.status != "running":  # ended by someone else meanwhile: never save behind it
        return current.status if current else "missing"
    if result.diverged:
        status, saved, problem = "diverged", None, None
    elif result.cancelled or logger.should_stop(force=True):  # a cancel pressed during the test pass still wins
        status, saved, problem = "cancelled", None, None
    else:
        saved = _free_name(run)
        problem = _no_room(result.summary().parameters or 0, replacing=saved == run.name and run.options.get("replace"))
        if problem is None:
            logger.set_phase(N_("saving the model"))
            save_model(result.model, make_card(saved, run.spec, result, preset, train_limit=run.train_limit))
            status = "finished"
        else:
            status, saved = "failed", None
    runs.set_status(run.id, status, result=_run_result(result, preset, saved, logger), error_info=problem)
    return status


def _keep_answers(run_id: int, model: Any, data: Any) -> None:
    from core.models.insight import answers_on_test_digits

    finished = runs.get_run(run_id)
    if finished is not None and finished.result is not None and finished.result.saved_model:
        with contextlib.suppress(Exception):  # a convenience: the page computes them itself otherwise
            answers_on_test_digits(finished.result.saved_model, data.test_images, model=model)


def _cancelled(run_id: int) -> str:
    runs.set_status(run_id, "cancelled")
    return "cancelled"


def run_worker(run_id: int, data: Any = None) -> str:
    """Train run `run_id` to its end and record the outcome; returns the final status.

    `data`: MNIST already loaded (a spare worker's); None loads it.
    """
    runs.wait_for_writers()  # this process may start before its dispatcher has committed "running"
    run = runs.get_run(run_id)
    if run is None or run.status != "running":
        return run.status if run else "missing"  # cancelled before this process started, or not dispatched
    if run.cancel_requested:  # cancelled while the dispatcher started it
        return _cancelled(run_id)
    logger = MetricLogger(run_id, run.total_steps, run.steps_per_epoch)
    try:
        from core.datasets.mnist import load_mnist
        from core.lecture.presets import PRESETS

        if data is None:
            logger.set_phase(N_("loading MNIST"))
            data = load_mnist()
            if logger.should_stop(force=True):
                return _cancelled(run_id)
        logger.set_phase(N_("importing TensorFlow and building the model"))
        import keras  # noqa: F401 - imported before the clock starts: the timings below are the training's own

        from core.training.trainer import train

        if logger.should_stop(force=True):
            return _cancelled(run_id)
        preset = PRESETS.get(run.preset) if run.preset else None
        wall, cpu = time.perf_counter(), time.process_time()
        result = train(run.spec, data, on_progress=logger.on_progress, should_stop=logger.should_stop,
                       train_limit=run.train_limit, probe_layers=looks_inside(run.spec))
        returned = time.monotonic()
        logger.flush()
        logger.train_call = {"wall_seconds": round(time.perf_counter() - wall, 3),
                             "cpu_seconds": round(time.process_time() - cpu, 3)}
        finishing = time.perf_counter()
        status = _finish(run, result, preset, logger)
        after_last = returned - logger.last_event if logger.last_event is not None else 0.0
        print(f"run {run_id}: train() took {logger.train_call['wall_seconds']:.2f} s (returned {after_last:.2f} s "
              f"after its last event; slowest store write {logger.slowest_write:.2f} s), recording and saving "
              f"{time.perf_counter() - finishing:.2f} s", file=sys.stderr, flush=True)
        if status == "finished":  # the Models page's look at it, ready before anyone asks (core.models.insight)
            _keep_answers(run_id, result.model, data)
        return status
    except BaseException as error:  # noqa: BLE001 - every failure must end as a recorded status
        traceback.print_exc()
        with contextlib.suppress(Exception):
            logger.flush()
        reason = (str(error).strip().splitlines() or [""])[-1][:300]
        with contextlib.suppress(Exception):
            runs.set_status(run_id, "failed", error=f"{type(error).__name__}: {reason}" if reason else type(error).__name__)
        return "failed"


def _trainer(run_id: int | None, tag: str | None = None) -> int:
    """The forked child: train and record (a spare: get warm and wait for a run first); its exit code for the monitor."""
    code = 1
    try:
        keeper = runs.hold_open()  # keeps the many small metric writes cheap
        try:
            data = None
            if tag is not None:
                spares.set_trainer(tag, os.getpid())
                niceness = spare.yield_the_cpu()
                data = spare.warm_up(lambda: spare.is_taken(tag))
                spares.mark_ready(tag)
                run_id = spare.wait_for_run(tag)
                if run_id is None:  # retired, or idle too long
                    return 0
                spare.write_output_to(runs.log_path(run_id))
                if not spare.take_the_cpu_back(niceness):
                    print(f"run {run_id}: trains at niceness {spare.SPARE_NICENESS} (the system would not raise it "
                          "back): other busy programs slow it down", file=sys.stderr, flush=True)
            runs.set_trainer_pid(run_id, os.getpid())
            status = run_worker(run_id, data)
            print(f"run {run_id}: {status}", file=sys.stderr, flush=True)
            code = 0 if status in ("finished", "diverged", "cancelled") else 1
        finally:
            keeper.close()
    except BaseException:  # noqa: BLE001 - reported in the log; the monitor records the exit code
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return code


def _spare_run(tag: str, code: int | None) -> int | None:
    """A spare's monitor: the run its trainer had taken; the spare's row and log are removed (kept if it failed:
    its warm-up's error may be there)."""
    failed = code is not None and code > 0
    run_id = spares.settle(tag, failed=failed)
    if run_id is not None:
        spare.write_output_to(runs.log_path(run_id))
    if not failed:
        with contextlib.suppress(OSError):
            spares.log_path(tag).unlink()
    return run_id


def _monitor(run_id: int | None, trainer: int, tag: str | None = None) -> int:
    """The parent: wait for the trainer, record a death it could not record itself, clean up, start the next run."""
    try:
        _, status = os.waitpid(trainer, 0)
        code = os.waitstatus_to_exitcode(status)
    except ChildProcessError:
        code = None
    from core.models.store import remove_stale_temporary_files

    with contextlib.suppress(OSError):  # before the death is recorded: whoever sees "failed" sees no leftovers
        remove_stale_temporary_files(pid=trainer)
    for _attempt in range(3):
        try:
            if tag is not None:
                run_id = _spare_run(tag, code)
            run = runs.get_run(run_id) if run_id is not None else None
            if run is not None and run.status == "running":
                runs.set_status(run_id, "failed", error_info=dispatcher.death_info(code, dispatcher.last_words(run_id)))
                print(f"run {run_id}: failed ({runs.get_run(run_id).error})", file=sys.stderr, flush=True)
            break
        except Exception:  # noqa: BLE001 - a busy store: try again, then leave it to the server's supervisor
            traceback.print_exc()
            time.sleep(1.0)
    if run_id is None:  # a spare that never got a run: whoever runs the queue starts the next spare
        return 0 if code == 0 else 1
    try:
        dispatcher.reconcile()
    except Exception:  # noqa: BLE001 - the run is recorded; the server's supervisor dispatches again
        traceback.print_exc()
    return 0 if code == 0 else 1


def main(argv: list[str] | None = None) -> int:
    """Entry point: fork the trainer, watch it, then start whatever is queued next."""
    argv = sys.argv[1:] if argv is None else argv
    spare_tag = argv[1] if len(argv) == 2 and argv[0] == "--spare" and argv[1].startswith("spare-") else None
    if spare_tag is None and (len(argv) != 1 or not argv[0].isdigit()):
        print("usage: python -m core.runs.worker RUN_ID | --spare TAG", file=sys.stderr)
        return 2
    settings.quiet_tensorflow()  # before TensorFlow's import: its start-up notices would be the log's last line
    run_id = int(argv[0]) if spare_tag is None else None
    sys.stdout.flush()
    sys.stderr.flush()
    trainer = os.fork()  # nothing is open yet: no threads, no database connection
    if trainer == 0:
        os._exit(_trainer(run_id, spare_tag))
    os.environ.pop(CRASH_AFTER_STEPS_VARIABLE, None)  # the crash switch is this run's: not the runs it starts next
    return _monitor(run_id, trainer, spare_tag)


if __name__ == "__main__":
    sys.exit(main())
