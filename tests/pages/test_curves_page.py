"""The Curves page, headless (AppTest), on a real run store: selection in the URL, progress, curves, lessons."""

from __future__ import annotations

import json
import os
import signal
import sys

import pytest
from streamlit.testing.v1 import AppTest

from core.lecture.presets import get_preset
from core.lecture.spec import ModelSpec
from core.runs import dispatcher
from core.runs import store as runs
from core.runs.records import RunResult
from core.settings import REPO_ROOT

APP = str(REPO_ROOT / "app.py")
PAGE = "pages/2_Curves.py"
SLEEPER = (sys.executable, "-c", "import time; time.sleep(60)")  # stands in for a live worker


@pytest.fixture(autouse=True)
def stores(tmp_path, monkeypatch):
    """Private stores; the queue is paused so the page never starts a real worker."""
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("MNIST_LAB_MAX_PARALLEL_RUNS", "0")
    yield tmp_path
    for run in runs.list_runs():
        if run.status == "running" and run.pid not in (None, os.getpid()) and dispatcher.process_alive(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
    dispatcher.reap_children()


def training_events(steps: int, per_epoch: int, start_cost: float = 2.0, nan_at: int | None = None) -> list[dict]:
    """Events shaped like core.training.trainer's: a step every 10 batches, an epoch event at each epoch's end."""
    events = []
    for step in range(10, steps + 1, 10):
        cost = float("nan") if step == nan_at else start_cost / (1 + step / 50)
        events.append({"kind": "step", "step": step, "epoch": (step - 1) // per_epoch + 1, "cost": cost,
                       "accuracy": 1 - cost / 3, "seconds": step / 100, "logged_at": 1000 + step / 100})
        if step % per_epoch == 0:
            events.append({"kind": "epoch", "step": step, "epoch": step // per_epoch, "cost": cost, "accuracy": 1 - cost / 3,
                           "validation_cost": cost * 1.1, "validation_accuracy": 1 - cost / 2.5, "seconds": step / 100})
    return events


def add_run(spec: ModelSpec, name: str, status: str, events: list[dict], result: dict | None = None,
            preset: str | None = None, error: str | None = None, train_limit: int | None = None) -> int:
    """A run that went through the store's life cycle and logged `events`."""
    run_id = runs.create_run(spec, name, preset=preset, train_limit=train_limit)
    runs.set_status(run_id, "running", pid=os.getpid())
    runs.add_metrics(run_id, events)
    if status != "running":
        summary = {"train_accuracy": None, "validation_accuracy": None, "diverged_at_step": None, "epochs_run": 1,
                   "samples_per_second": 1000.0, **result} if result else None
        runs.set_status(run_id, status, result=RunResult.from_dict(summary) if summary else None, error=error)
    return run_id


@pytest.fixture()
def three_runs() -> tuple[int, int, int]:
    """A finished lecture run that overfits a little, one that diverged and one whose worker failed."""
    xavier = get_preset("nn-xavier")
    finished = add_run(xavier.spec.replace(epochs=2), "nn-xavier", "finished", training_events(1100, 550),
                       result={"test_accuracy": 0.9701, "train_accuracy": 0.9912, "published_accuracy": 0.9783,
                               "epochs_run": 2, "steps_run": 1100, "seconds": 12.5, "saved_model": "nn-xavier"},
                       preset=xavier.name)
    too_high = get_preset("softmax-lr-too-high")
    diverged = add_run(too_high.spec, "lr-too-high", "diverged", training_events(30, 550, nan_at=30),
                       result={"test_accuracy": 0.098, "diverged_at_step": 30, "published_accuracy": 0.098,
                               "steps_run": 30, "seconds": 1.0}, preset=too_high.name)
    failed = add_run(ModelSpec(hidden_units=(8,)), "broken", "failed", training_events(20, 550),
                     error="the worker process died (exit code 70): simulated crash after step 20")
    return finished, diverged, failed


def open_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.switch_page(PAGE)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, at.exception
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_with_no_runs_it_points_to_the_train_page():
    at = open_page()
    assert "No runs yet" in at.info[0].value
    assert any(link.proto.label == "Go to the Train page" for link in at.get("page_link"))


def test_runs_named_in_the_url_are_overlaid_with_their_lessons(three_runs):
    finished, diverged, failed = three_runs
    at = open_page({"run": [str(finished), str(diverged), str(failed)]})
    assert at.multiselect(key="curves_runs").value == [finished, diverged, failed]
    cost, accuracy = figures(at)
    names = [trace["name"] for trace in cost["data"]]
    assert f"#{finished} nn-xavier · training" in names and f"#{finished} nn-xavier · validation" in names
    marker = next(trace for trace in cost["data"] if trace["name"] == f"#{diverged} lr-too-high · cost became NaN")
    assert marker["x"] == [30] and marker["text"] == ["NaN at step 30"]
    assert any(trace["name"] == f"#{finished} nn-xavier · test" and trace["y"] == [0.9701] for trace in accuracy["data"])
    table = at.table[0].value
    assert list(table["status"]) == ["finished", "diverged", "failed"]
    assert table["published"][0] == "97.83%" and table["train − test gap"][0] == "+2.11"  # points
    assert table["training time"][1] == "0:01" and table["epochs"][2] == "–"  # no "None" where a value is missing
    assert "lecture printed **97.83%**" in at.success[0].value
    assert "Overfitting" in at.warning[0].value
    errors = [error.value for error in at.error]
    assert "diverged at step 30" in errors[0] and "learning rate" in errors[0] and "9.8%" in errors[0]
    assert "simulated crash after step 20" in errors[1]


def test_without_a_url_it_shows_the_newest_run_and_puts_it_in_the_url(three_runs):
    at = open_page()
    assert at.multiselect(key="curves_runs").value == [three_runs[-1]]
    assert at.query_params["run"] in (str(three_runs[-1]), [str(three_runs[-1])])
    at.multiselect(key="curves_runs").set_value([three_runs[0], three_runs[1]]).run()
    assert at.query_params["run"] == [str(three_runs[0]), str(three_runs[1])]


def test_epoch_axis_shows_the_lecture_epoch_costs(three_runs):
    at = open_page({"run": str(three_runs[0])})
    at.button_group(key="curves_axis").set_value("epoch").run()
    cost, _ = figures(at)
    training = next(trace for trace in cost["data"] if trace["name"].endswith("training"))
    assert training["x"] == [1, 2] and cost["layout"]["xaxis"]["title"]["text"] == "epoch"


def test_a_lecture_preset_run_is_drawn_beside_the_costs_its_lecture_printed(three_runs):
    softmax = get_preset("softmax")
    lecture = add_run(softmax.spec, "softmax", "running", training_events(1100, 550), preset=softmax.name)
    quick = add_run(softmax.spec, "softmax-quick", "running", training_events(100, 50), preset=softmax.name,
                    train_limit=5_000)
    at = open_page({"run": [str(lecture), str(quick), str(three_runs[2])]})
    at.button_group(key="curves_axis").set_value("epoch").run()
    cost, accuracy = figures(at)
    [printed] = [trace for trace in cost["data"] if trace["name"] == "lab-10-1 as printed in the lecture"]
    assert printed["x"] == list(range(1, 16)) and printed["y"][0] == 5.88885 and printed["y"][-1] == 0.406491
    assert not any("printed" in trace["name"] for trace in accuracy["data"])
    at.button_group(key="curves_axis").set_value("step").run()
    [printed] = [trace for trace in figures(at)[0]["data"] if "printed" in trace["name"]]  # once: the quick run adds none
    assert printed["x"][:2] == [550, 1100]  # each epoch's end, in steps


def test_a_running_run_shows_progress_and_can_be_cancelled_and_a_queued_one_its_place():
    running = runs.create_run(ModelSpec(hidden_units=(16,), epochs=1), "live")
    queued = runs.create_run(ModelSpec(), "next")
    dispatcher.dispatch(max_parallel=1, worker_command=SLEEPER)
    runs.add_metrics(running, training_events(200, 550))
    at = open_page({"run": [str(running), str(queued)]})
    [bar] = at.get("progress")
    assert bar.proto.value == 36  # 200 of 550 steps
    assert "step 200 of 550" in bar.proto.text and "left" in bar.proto.text
    assert "place **1** in the queue" in at.info[0].value
    assert figures(at)[0]["data"][0]["x"][-1] == 200
    at.button(key=f"curves_cancel_{running}").click().run()
    assert runs.is_cancel_requested(running)
    at.button(key=f"curves_cancel_{queued}").click().run()
    assert runs.get_run(queued).status == "cancelled"


def test_every_text_on_the_curves_page_comes_from_the_catalogue(three_runs):
    from tests.pages.untranslated import untranslated

    finished, diverged, failed = three_runs
    at = open_page({"run": [str(finished), str(diverged), str(failed)], "lang": "pseudo"})
    assert untranslated(at, names=["nn-xavier", "lr-too-high", "broken"]) == []


def test_the_curves_page_speaks_korean(three_runs, monkeypatch):
    monkeypatch.delenv("MNIST_LAB_LANGUAGE")
    at = open_page({"run": str(three_runs[0])})
    assert at.title[0].value == "비용 곡선 (cost)"
    assert list(at.table[0].value["상태"]) == ["완료"]
    assert "과적합" in at.warning[0].value  # the lesson, in the class notes' own word
