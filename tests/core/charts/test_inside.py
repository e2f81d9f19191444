"""core.charts.inside: each layer's gradient and units as figures, runs overlaid, symmetry named."""

import pytest

from core.charts.inside import by_layer, gradient_ratio_over_time, has_layers, identical_layers
from core.lecture.spec import ModelSpec
from core.runs.records import Run


def a_run(run_id: int, name: str) -> Run:
    return Run(id=run_id, name=name, spec=ModelSpec(hidden_units=(8, 8)), preset=None, status="finished", phase="",
               queued_at=0.0, started_at=1.0, finished_at=2.0, pid=None, cancel_requested=False, error=None,
               result=None, options={})


def probe(step: int, norms: list[float], identical: bool = False) -> dict:
    names = [f"dense {i}" for i in range(1, len(norms))] + ["output"]
    return {"kind": "layers", "step": step, "epoch": 1, "layers": [
        {"layer": name, "gradient_norm": norm, "weight_std": 0.1, "dead_fraction": 0.2 if name != "output" else None,
         "units_identical": identical and name != "output"} for name, norm in zip(names, norms)]}


SIGMOID = (a_run(1, "sigmoid"), [{"kind": "step", "step": 10}, probe(10, [1e-5, 1e-3, 0.3]), probe(20, [1e-4, 1e-2, 0.3])])
RELU = (a_run(2, "relu"), [probe(10, [0.5, 0.6, 0.4])])


def test_the_gradient_per_layer_at_the_latest_probe_one_line_per_run():
    figure = by_layer([SIGMOID, RELU], "gradient_norm", log=True)
    sigmoid, relu = figure.data
    assert list(sigmoid.x) == ["dense 1", "dense 2", "output"] and list(sigmoid.y) == [1e-4, 1e-2, 0.3]
    assert sigmoid.name == "#1 sigmoid · step 20" and figure.layout.yaxis.type == "log"
    assert list(by_layer([SIGMOID], "dead_fraction").data[0].x) == ["dense 1", "dense 2"]  # no dead units to count at the output


def test_the_first_to_last_ratio_shows_the_vanishing_over_time():
    sigmoid, relu = gradient_ratio_over_time([SIGMOID, RELU]).data
    assert list(sigmoid.x) == [10, 20] and sigmoid.y[0] == pytest.approx(1e-5 / 0.3)
    assert relu.y[0] == pytest.approx(1.25)


def test_identical_units_are_named_and_runs_without_probes_are_skipped():
    zeros = (a_run(3, "zeros"), [probe(10, [0.1, 0.1, 0.2], identical=True)])
    assert identical_layers(*zeros) == ["dense 1", "dense 2"] and identical_layers(*RELU) == []
    plain = (a_run(4, "plain"), [{"kind": "step", "step": 10}])
    assert has_layers([plain, RELU]) and not has_layers([plain])
    assert len(by_layer([plain, RELU], "gradient_norm").data) == 1
