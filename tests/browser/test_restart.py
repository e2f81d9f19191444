"""Real processes: restarting the server loses no run, no model and no drawing on an open Draw page."""

from __future__ import annotations

import time

import pytest

from core.drawing.strokes import mouse_strokes
from core.lecture.spec import ModelSpec
from core.models.store import list_cards
from core.runs import dispatcher
from core.runs import store as runs
from core.runs.records import FINAL_STATUSES
from core.settings import REPO_ROOT
from harness.browser import StreamlitServer, wait_until_settled
from tests.browser.test_draw import answer_for, draw_strokes, model_answers

pytestmark = pytest.mark.browser

LONG = ModelSpec(hidden_units=(64,), epochs=30)  # 1,500 steps of a 5,000-digit quick run: spans the restart
SHORT = ModelSpec(hidden_units=(32,), epochs=1)


def wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}; runs: "
                         f"{[(run.id, run.status, run.error) for run in runs.list_runs()]}")


def test_a_restart_loses_no_run_model_or_drawing(browser, models_copy, tmp_path, monkeypatch):
    environment = {"MNIST_LAB_RUNS_DIR": str(tmp_path / "runs"), "MNIST_LAB_MODELS_DIR": str(models_copy),
                   "MNIST_LAB_LANGUAGE": "en", "MNIST_LAB_MAX_PARALLEL_RUNS": "1"}
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    names = sorted(card.name for card in list_cards(models_copy)[0])
    first = StreamlitServer(REPO_ROOT, environment, log_path=tmp_path / "first.log")
    second = StreamlitServer(REPO_ROOT, environment, log_path=tmp_path / "second.log")
    second.port = first.port  # the same address: the open page reconnects to the new server
    try:
        url = first.start()
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(90_000)
        page.goto(f"{url}/Draw?lang=en")  # a visitor draws…
        canvas = page.locator("canvas.upper-canvas")
        canvas.wait_for(timeout=90_000)
        strokes = mouse_strokes(2, "printed", 0)
        draw_strokes(page, canvas, strokes)
        answer_for(page, len(strokes), 90)
        before = model_answers(page, names)
        training = runs.create_run(LONG, "spans-the-restart", train_limit=5_000)
        waiting = runs.create_run(SHORT, "waits-through-it", train_limit=1_000)
        home = browser.new_page()
        home.goto(f"{url}/?lang=en")  # …while another tab starts the server's run service
        wait(lambda: runs.get_metrics(training), 150, "the first run to train")

        first.stop()  # the server goes down; the workers run in their own sessions
        assert runs.get_run(training).status == "running"
        time.sleep(1.0)
        run = runs.get_run(training)
        assert run.status == "running" and dispatcher.process_alive(run.trainer_pid, training)
        second.start()

        wait_until_settled(page, timeout=120)  # the page reconnected to the new server and reran
        assert model_answers(page, names) == before  # the drawing is still there, answered again
        finished = wait(lambda: (run := runs.get_run(waiting)).status in FINAL_STATUSES and run, 300,
                        "both runs to end")
        assert runs.get_run(training).status == "finished" and finished.status == "finished", finished.error
        saved = sorted(card.name for card in list_cards(models_copy)[0])
        assert saved == sorted(names + ["spans-the-restart", "waits-through-it"])
        page.close()
        home.close()
    finally:
        first.stop()
        second.stop()
