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
from core.settings import REPO_ROOT
from tests.run_records import add_run, add_three_runs, training_events

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


@pytest.fixture()
def three_runs() -> tuple[int, int, int]:
    """A finished lecture run that overfits a little, one that diverged and one whose worker failed."""
    return add_three_runs()


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
    table = at.table[1].value  # after the side-by-side table
    assert list(table["status"]) == ["finished", "diverged", "failed"]
    assert table["published"][0] == "97.83%" and table["train − test gap"][0] == "+2.11"  # points
    assert table["training time"][1] == "0:01" and table["epochs"][2] == "–"  # no "None" where a value is missing
    assert table["run"][0] == f"#{finished} nn-xavier · MLP 784→256→256→10, relu"
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
    assert list(at.table[-1].value["상태"]) == ["완료"]
    assert "과적합" in at.warning[0].value  # the lesson, in the class notes' own word


def test_two_runs_are_compared_side_by_side_on_their_differing_settings(three_runs):
    finished, diverged, _ = three_runs
    at = open_page({"run": [str(finished), str(diverged)]})
    table = at.table[0].value  # the side-by-side table comes before the results
    settings = list(table["setting"])
    assert "learning rate" in settings and "initial weights" in settings and "batch size" not in settings
    assert "test accuracy" in settings
    at.toggle(key="curves_diff_only").set_value(False).run()
    assert "batch size" in list(at.table[0].value["setting"])


def test_looking_inside_shows_every_layers_gradient_and_names_unbroken_symmetry():
    layers = [{"layer": "dense 1", "gradient_norm": 0.01, "weight_std": 0.0, "dead_fraction": None,
               "units_identical": True},
              {"layer": "output", "gradient_norm": 0.2, "weight_std": 0.1, "dead_fraction": None,
               "units_identical": False}]
    events = training_events(20, 550) + [{"kind": "layers", "step": 20, "epoch": 1, "layers": layers}]
    zeros = add_run(get_preset("nn-zeros").spec, "zeros", "running", events, preset="nn-zeros")
    at = open_page({"run": str(zeros)})
    assert len(at.get("plotly_chart")) == 2  # only the cost and accuracy until asked
    at.toggle(key="curves_inside").set_value(True).run()
    charts = figures(at)
    assert len(charts) == 6
    gradient = next(chart for chart in charts if chart["layout"]["yaxis"].get("type") == "log"
                    and chart["data"][0]["x"] == ["dense 1", "output"])
    assert gradient["data"][0]["y"] == [0.01, 0.2]
    assert any("symmetry was never broken" in warning.value for warning in at.warning)
