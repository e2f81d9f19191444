"""Real training runs through `python -m core.runs.worker`: finished, diverged, cancelled, crashed, killed, failed."""

from __future__ import annotations

import os
import signal
import time

import pytest

from core.classroom.roles import Actor
from core.lecture.presets import get_preset
from core.lecture.spec import ModelSpec
from core.models.insight import CACHE_SUFFIX
from core.models.store import list_cards
from core.runs import dispatcher
from core.runs import store as runs
from core.runs.logger import CRASH_AFTER_STEPS_VARIABLE
from core.runs.records import FINAL_STATUSES, Run

TEACHER = Actor("teacher", teacher=True)

TINY_MLP = ModelSpec(hidden_units=(64,), epochs=1)  # Xavier, Adam 0.001: ~80% after 30 steps of 100
QUICK_DIGITS = 3_000
RUN_TIMEOUT_SECONDS = 150  # a worker imports TensorFlow (3–5 s) and the CPU is shared


@pytest.fixture(autouse=True)
def stores(tmp_path, monkeypatch):
    """Private run store and models folder; the workers inherit them through the environment."""
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.delenv("MNIST_LAB_MAX_PARALLEL_RUNS", raising=False)
    monkeypatch.delenv(CRASH_AFTER_STEPS_VARIABLE, raising=False)
    return tmp_path


def wait_until(condition, timeout: float = RUN_TIMEOUT_SECONDS):
    """Poll `condition` (reconciling the store as a page would) until it returns something true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dispatcher.reconcile()
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s; runs: {[(r.id, r.status, r.error) for r in runs.list_runs()]}")


def wait_final(run_id: int) -> Run:
    """The run once it has a final status."""
    return wait_until(lambda: (run := runs.get_run(run_id)).status in FINAL_STATUSES and run)


def saved_files(stores) -> list[str]:
    folder = stores / "models"
    # the worker may add a cache of the model's answers (<name>.insight.npz) after the run ends
    return sorted(path.name for path in folder.iterdir() if not path.name.endswith(CACHE_SUFFIX)) \
        if folder.exists() else []


def test_a_real_run_finishes_with_metrics_and_a_saved_model(stores):
    run_id = runs.create_run(TINY_MLP, "tiny-mlp", train_limit=QUICK_DIGITS)
    assert dispatcher.dispatch() == [run_id]
    run = wait_final(run_id)
    assert run.status == "finished", run.error
    assert run.result.test_accuracy > 0.7  # chance is 0.1
    assert run.result.saved_model == "tiny-mlp" and run.result.parameters == 784 * 64 + 64 + 64 * 10 + 10
    assert run.result.steps_run == QUICK_DIGITS // 100
    metrics = runs.get_metrics(run_id)
    steps = [m for m in metrics if m["kind"] == "step"]
    epochs = [m for m in metrics if m["kind"] == "epoch"]
    assert [m["step"] for m in steps] == [*range(1, 10), 10, 20, 30]  # every step until the first report
    assert steps[-1]["cost"] < steps[0]["cost"]  # the cost falls
    assert len(epochs) == 1 and epochs[0]["validation_accuracy"] > 0.7 and epochs[0]["logged_at"] > run.started_at
    cards, problems = list_cards(stores / "models")
    assert [card.name for card in cards] == ["tiny-mlp"] and not problems
    assert cards[0].test_accuracy == run.result.test_accuracy
    assert saved_files(stores) == ["tiny-mlp.json", "tiny-mlp.keras"]
    wait_until(lambda: not dispatcher.process_alive(run.pid, run_id))  # it logs its last line after the status
    assert "run 1: finished" in runs.log_path(run_id).read_text()


def test_the_lr_too_high_preset_diverges_and_saves_nothing(stores):
    preset = get_preset("softmax-lr-too-high")
    run_id = runs.create_run(preset.spec.replace(steps=100), preset.name, preset=preset.name, train_limit=10_000)
    dispatcher.dispatch()
    run = wait_final(run_id)
    assert run.status == "diverged", run.error
    step = run.result.diverged_at_step
    assert 0 < step <= 100
    assert run.result.test_accuracy == pytest.approx(0.098, abs=0.02)  # one class for everything
    assert run.result.published_accuracy == 0.098
    last = runs.get_metrics(run_id)[-1]
    assert last["step"] == step and last["cost"] is None  # NaN is stored, and reads back as "no number"
    assert saved_files(stores) == []


def test_a_running_run_can_be_cancelled_and_saves_nothing(stores):
    run_id = runs.create_run(TINY_MLP.replace(epochs=20), "long", train_limit=20_000)
    dispatcher.dispatch()
    wait_until(lambda: runs.get_metrics(run_id))  # it is training
    assert runs.cancel(run_id, TEACHER) == "running"
    run = wait_final(run_id)
    assert run.status == "cancelled"
    assert run.result.epochs_run < 20
    assert saved_files(stores) == []


def test_a_crashing_worker_ends_failed_and_the_next_run_still_trains(stores, monkeypatch):
    monkeypatch.setenv(CRASH_AFTER_STEPS_VARIABLE, "20")  # the worker dies with os._exit at step 20
    crashing = runs.create_run(TINY_MLP, "crashing", train_limit=QUICK_DIGITS)
    dispatcher.dispatch()
    monkeypatch.delenv(CRASH_AFTER_STEPS_VARIABLE)
    following = runs.create_run(TINY_MLP, "following", train_limit=QUICK_DIGITS)
    crashed = wait_final(crashing)
    assert crashed.status == "failed"
    assert crashed.error.startswith("the worker process died (exit code 70): simulated crash after step 20")
    assert crashed.error_info["message"] == "the worker process died (exit code {code}): {last_words}"
    assert saved_files(stores) == []  # no half-written model
    assert wait_final(following).status == "finished"
    assert saved_files(stores) == ["following.json", "following.keras"]


def test_an_error_inside_the_worker_is_recorded_as_failed_with_its_reason(stores, monkeypatch):
    blocker = stores / "not-a-folder"
    blocker.write_text("a file where the models folder should be")
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(blocker))  # saving the model will fail
    run_id = runs.create_run(TINY_MLP, "unsaveable", train_limit=1_000)
    dispatcher.dispatch()
    run = wait_final(run_id)
    assert run.status == "failed"
    assert run.error.startswith(("FileExistsError", "NotADirectoryError")), run.error
    assert "Traceback" in runs.log_path(run_id).read_text()
    assert blocker.read_text() == "a file where the models folder should be"


def test_a_killed_worker_is_noticed_with_no_page_open_and_its_leftovers_removed(stores):
    """kill -9 of the training process: its monitor records the signal at once and starts the next run."""
    killed = runs.create_run(TINY_MLP.replace(epochs=20), "killed", train_limit=20_000)
    following = runs.create_run(TINY_MLP, "following", train_limit=1_000)
    dispatcher.dispatch(max_parallel=1)
    run = wait_until(lambda: (run := runs.get_run(killed)).trainer_pid and runs.get_metrics(killed) and run)
    (stores / "models").mkdir(exist_ok=True)
    leftover = stores / "models" / f".tmp-{run.trainer_pid}-killed.keras"  # as if it died while saving
    leftover.write_bytes(b"half a model")
    os.kill(run.trainer_pid, signal.SIGKILL)
    killed_at = time.monotonic()
    deadline = killed_at + 30
    while runs.get_run(killed).status == "running":  # no reconcile here: no page is open
        assert time.monotonic() < deadline, "nobody noticed the dead worker"
        time.sleep(0.05)
    noticed = time.monotonic() - killed_at
    run = runs.get_run(killed)
    assert run.status == "failed" and run.error == "the worker process was killed by signal 9 (SIGKILL)", run.error
    assert noticed < 10, f"noticed after {noticed:.1f} s"
    print(f"killed worker noticed after {noticed:.2f} s")
    assert not leftover.exists()
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while runs.get_run(following).status not in FINAL_STATUSES:  # the queue moved on, still with no page open
        assert time.monotonic() < deadline, "the queue stalled"
        time.sleep(0.2)
    assert runs.get_run(following).status == "finished"


def test_a_run_never_replaces_a_model_saved_since_it_was_queued(stores):
    first = runs.create_run(TINY_MLP, "same-name", train_limit=1_000)
    second = runs.create_run(TINY_MLP, "same-name", train_limit=1_000)  # the store allows it; admission would not
    dispatcher.dispatch(max_parallel=1)
    assert wait_final(first).result.saved_model == "same-name"
    assert wait_final(second).result.saved_model == "same-name-2"
    cards, _ = list_cards(stores / "models")
    assert {card.name: card.train_limit for card in cards} == {"same-name": 1_000, "same-name-2": 1_000}


@pytest.mark.parametrize("repetition", range(3))
def test_a_cancel_that_races_the_dispatcher_starting_the_run_wins(stores, monkeypatch, repetition):
    """The order that lost it: Cancel pressed while the dispatcher starts the run (it holds the write lock)."""
    import threading

    run_id = runs.create_run(TINY_MLP, "raced", train_limit=1_000, owner="ip:10.0.0.5")
    pressed = []
    real_start_queued = dispatcher.start_queued

    def start_queued_with_a_cancel_pressed(limit, start_worker, boot_id=None, **options):
        def start_and_press(started_run: int) -> int:
            pid = start_worker(started_run)  # the worker process exists; the run is still "queued" for everyone else
            presser = threading.Thread(target=lambda: pressed.append(runs.cancel(started_run, Actor("ip:10.0.0.5"))))
            presser.start()  # waits for the dispatcher's write lock, then sees "running"
            pressed.append(presser)
            return pid
        return real_start_queued(limit, start_and_press, boot_id, **options)

    monkeypatch.setattr(dispatcher, "start_queued", start_queued_with_a_cancel_pressed)
    assert dispatcher.dispatch(max_parallel=1) == [run_id]
    pressed[0].join(timeout=60)
    assert pressed[1] == "running"  # the cancel became the flag the worker reads
    monkeypatch.setattr(dispatcher, "start_queued", real_start_queued)  # the worker's own dispatch: as usual
    run = wait_final(run_id)
    assert run.status == "cancelled", run.error
    assert saved_files(stores) == []
