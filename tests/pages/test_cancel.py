"""Cancel on the Curves page: always works for the run's owner and the teacher, in the orders that used to lose it."""

from __future__ import annotations

import os
import signal
import sys

import pytest
from streamlit.testing.v1 import AppTest

from core.lecture.spec import ModelSpec
from core.runs import dispatcher
from core.runs import store as runs
from core.settings import REPO_ROOT

APP = str(REPO_ROOT / "app.py")
SLEEPER = (sys.executable, "-c", "import time; time.sleep(60)")  # stands in for a live worker
SPEC = ModelSpec(hidden_units=(16,), epochs=1)
PASSWORD = "sejong 1443"


@pytest.fixture(autouse=True)
def stores(tmp_path, monkeypatch):
    """Private stores; the queue is paused so only the test starts (stand-in) workers."""
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("MNIST_LAB_MAX_PARALLEL_RUNS", "0")
    monkeypatch.setenv("MNIST_LAB_LANGUAGE", "en")  # widgets' labels, as AppTest formats them outside the page
    monkeypatch.delenv("MNIST_LAB_TEACHER_PASSWORD", raising=False)
    yield tmp_path
    for run in runs.list_runs():
        if run.status == "running" and run.pid and dispatcher.process_alive(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
    dispatcher.reap_children()


def curves(at: AppTest, *run_ids: int) -> AppTest:
    at.switch_page("pages/2_Curves.py")
    at.query_params.update({"lang": "en", "run": [str(run_id) for run_id in run_ids]})
    at.run()
    assert not at.exception, at.exception
    return at


def queue_from_the_train_page() -> tuple[AppTest, int]:
    """A visitor's run, queued from the Train page (so it is theirs)."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.switch_page("pages/1_Train.py")
    at.query_params.update({"lang": "en", "quick": "1", "digits": "1000"})
    at.run()
    at.button(key="train_start").click().run()
    assert not at.exception, at.exception
    return at, runs.list_runs()[0].id


@pytest.mark.parametrize("repetition", range(5))
def test_a_cancel_pressed_as_the_dispatcher_starts_the_run_still_cancels_it(repetition):
    """The order that lost it: the page shows the run queued, the dispatcher starts it, then Cancel arrives."""
    at, run_id = queue_from_the_train_page()
    curves(at, run_id)
    assert runs.get_run(run_id).status == "queued" and at.button(key=f"curves_cancel_{run_id}")
    dispatcher.dispatch(max_parallel=1, worker_command=SLEEPER)  # …meanwhile the run starts
    assert runs.get_run(run_id).status == "running"
    at.button(key=f"curves_cancel_{run_id}").click().run()  # the click from the page drawn while it waited
    assert not at.exception
    assert runs.is_cancel_requested(run_id)  # the worker reads it before it trains and before it saves
    assert at.multiselect(key="curves_runs").value == [run_id]  # the picker keeps the run
    assert [bar.proto.text for bar in at.get("progress")], (runs.get_run(run_id), [e.value for e in list(at.error) + list(at.warning) + list(at.info)])
    assert "cancelling" in at.get("progress")[0].proto.text


def test_a_visitor_cancels_their_own_run_but_not_anothers_until_the_teacher_signs_in(monkeypatch):
    monkeypatch.setenv("MNIST_LAB_TEACHER_PASSWORD", PASSWORD)
    others = runs.create_run(SPEC, "someone-elses", owner="ip:10.0.0.99")
    at, mine = queue_from_the_train_page()
    curves(at, mine, others)
    assert at.button(key=f"curves_cancel_{mine}") and f"curves_cancel_{others}" not in {b.key for b in at.button}
    at.button(key=f"curves_cancel_{mine}").click().run()
    assert runs.get_run(mine).status == "cancelled" and runs.get_run(others).status == "queued"
    at.text_input(key="teacher_password_input").set_value(PASSWORD)
    next(button for button in at.button if button.label == "Sign in").click().run()
    at.button(key=f"curves_cancel_{others}").click().run()
    assert runs.get_run(others).status == "cancelled"
