"""A spare worker's trainer before it has a run: get warm, wait for a run, take its log (core.runs.spares).

Getting warm is what a fresh worker would do after Train is pressed: import TensorFlow (3–5 s),
load MNIST, and train a few steps of a tiny MLP and a tiny CNN through the real trainer (Keras'
training loop, tf.data, TensorFlow's thread pools and oneDNN's kernels initialise on first use).
Then the spare polls its row in the run store every POLL_SECONDS. Once a run is handed to it, it
skips whatever warm-up is left; the warm-up's models are cleared from Keras' state first, so the
run builds, names and seeds its model exactly as in a fresh process. A spare idle for
IDLE_SECONDS exits (a server's supervisor starts a new one; with no server left, none).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

from core import settings
from core.lecture.spec import ModelSpec
from core.runs import spares

SPARE_NICENESS = 19  # a spare warms up at the lowest CPU priority, so a run training beside it keeps its pace
POLL_SECONDS = 0.1  # a run handed to a waiting spare starts within this long (waiting costs ~1% of a core)
IDLE_SECONDS = 1800.0  # a spare nobody used for this long exits (an orphan of a stopped server must not linger)
WARM_UP_DIGITS = 2_000
WARM_UP_SPECS = (  # one per kind of layer the lecture trains; 20 steps each
    ModelSpec(hidden_units=(16,), epochs=None, steps=20),
    ModelSpec(conv_filters=(4,), epochs=None, steps=20),
    ModelSpec(conv_filters=(4,), batch_norm=True, mixed_precision=True, epochs=None, steps=20),  # the CNN presets' bfloat16
)


def warm_up(taken: Callable[[], bool]) -> Any:
    """Import TensorFlow, load MNIST and train the warm-up networks (stopping as soon as `taken()`); returns MNIST."""
    settings.quiet_tensorflow()
    from core.datasets.mnist import load_mnist

    data = load_mnist()
    import keras

    from core.training.trainer import train

    for spec in WARM_UP_SPECS:
        if taken():
            break
        train(spec, data, on_progress=lambda event: None, should_stop=taken, train_limit=WARM_UP_DIGITS)
    keras.utils.clear_session(free_memory=True)  # the run's layers get the names and seeds a fresh process gives
    _forget_tracings()
    return data


def _forget_tracings() -> None:
    """Forget the warm-up's tf.function tracings: TensorFlow counts them per Python function (every model's train
    step is one), so the run's own tracings would log a "frequent retracing" warning a fresh worker never logs."""
    with contextlib.suppress(ImportError, AttributeError):  # TensorFlow internals: a later version may differ
        from tensorflow.python.eager.polymorphic_function import polymorphic_function as functions

        functions._frequent_tracing_detector_manager = functions._FrequentTracingDetectorManager()


def yield_the_cpu() -> int | None:
    """Lower this thread, and every thread it starts, to the lowest CPU priority; the niceness before (None: not
    lowered). A spare booting beside a training run took about 6 CPU-seconds from it and threw its ETA off."""
    try:
        before = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, 0, max(before, SPARE_NICENESS))
    except OSError:
        return None
    return before


def take_the_cpu_back(before: int | None) -> bool:
    """Every thread of this process back to the niceness `before` (Linux keeps one per thread: TensorFlow's pools
    were started at the spare's); False where the system does not allow it (raising a priority may need root)."""
    if before is None:
        return True
    tasks = Path("/proc/self/task")
    thread_ids = [int(entry.name) for entry in tasks.iterdir()] if tasks.is_dir() else [0]
    restored = True
    for thread_id in thread_ids:
        try:
            os.setpriority(os.PRIO_PROCESS, thread_id, before)
        except ProcessLookupError:
            continue  # the thread ended meanwhile
        except OSError:
            restored = False
    return restored


def wait_for_run(tag: str, poll_seconds: float = POLL_SECONDS, idle_seconds: float = IDLE_SECONDS) -> int | None:
    """The run handed to this spare, as soon as there is one; None if the spare was retired, forgotten or idle too long."""
    deadline = time.monotonic() + idle_seconds
    while True:
        found = spares.assignment(tag)
        if found is None or found[0] not in ("starting", "ready", "taken"):
            return None
        if found[0] == "taken":
            return int(found[1])
        if time.monotonic() >= deadline:
            spares.retire(tag)  # only while still waiting: a run handed over meanwhile is found below
            found = spares.assignment(tag)
            return int(found[1]) if found and found[0] == "taken" else None
        time.sleep(poll_seconds)


def is_taken(tag: str) -> bool:
    """True once a run has been handed to this spare (or it was retired): its warm-up should stop."""
    found = spares.assignment(tag)
    return found is None or found[0] not in ("starting", "ready")


def write_output_to(path: Any) -> None:
    """From now on this process's stdout and stderr go to `path` (appended): the run's own log."""
    sys.stdout.flush()
    sys.stderr.flush()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    os.close(descriptor)
