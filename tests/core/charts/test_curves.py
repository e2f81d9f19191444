"""core.charts.curves: the cost and accuracy figures, several runs overlaid, the lecture's marks and NaN shown."""

import pytest

from core.charts.curves import curve_figures, published_costs
from core.lecture.presets import get_preset
from core.runs.records import Run, RunResult


def a_run(run_id: int, preset: str, status: str = "finished", train_limit: int | None = None,
          result: RunResult | None = None) -> Run:
    return Run(id=run_id, name=preset, spec=get_preset(preset).spec, preset=preset, status=status, phase="",
               queued_at=0.0, started_at=1.0, finished_at=2.0, pid=None, cancel_requested=False, error=None,
               result=result, options={"train_limit": train_limit})


def events(epochs: int, per_epoch: int, first_cost: float) -> list[dict]:
    found = []
    for epoch in range(1, epochs + 1):
        cost = first_cost / epoch
        for step in range((epoch - 1) * per_epoch + 10, epoch * per_epoch + 1, 10):
            found.append({"kind": "step", "step": step, "epoch": epoch, "member": 0, "cost": cost, "accuracy": 0.9})
        found.append({"kind": "epoch", "step": epoch * per_epoch, "epoch": epoch, "member": 0, "cost": cost,
                      "accuracy": 0.9, "validation_cost": cost, "validation_accuracy": 0.91})
    return found


def test_two_runs_are_overlaid_with_training_solid_and_validation_dashed():
    data = [(a_run(1, "nn-xavier"), events(2, 550, 0.3)), (a_run(2, "nn-deep"), events(2, 550, 0.26))]
    cost, accuracy = curve_figures(data, axis="epoch")
    names = [trace.name for trace in cost.data]
    assert "#1 nn-xavier · training" in names and "#2 nn-deep · validation" in names
    assert {trace.line.dash for trace in cost.data if trace.name.endswith("validation")} == {"dash"}
    assert list(cost.data[0].x) == [1.0, 2.0]  # epochs on the x axis
    assert accuracy.layout.yaxis.title.text == "accuracy" and cost.layout.xaxis.title.text == "epoch"


def test_a_lecture_run_gets_the_costs_its_file_printed_but_a_quick_run_does_not():
    cost, _ = curve_figures([(a_run(1, "nn"), events(1, 550, 140.0))], axis="epoch", log_cost=True)
    marks = [trace for trace in cost.data if trace.name.endswith("as printed in the lecture")]
    assert len(marks) == 1 and list(marks[0].y) == list(get_preset("nn").published_costs)
    assert cost.layout.yaxis.type == "log"
    assert published_costs(a_run(1, "nn", train_limit=5_000)) == ()


def test_a_diverged_run_is_marked_where_the_cost_became_nan():
    metrics = [{"kind": "step", "step": 10, "epoch": 1, "member": 0, "cost": 40.0, "accuracy": 0.3},
               {"kind": "step", "step": 20, "epoch": 1, "member": 0, "cost": float("nan"), "accuracy": 0.1}]
    result = RunResult(test_accuracy=0.098, train_accuracy=None, validation_accuracy=None, diverged_at_step=20,
                       epochs_run=1, steps_run=20, seconds=1.0, samples_per_second=1.0)
    cost, accuracy = curve_figures([(a_run(3, "softmax-lr-too-high", "diverged", result=result), metrics)])
    [marker] = [trace for trace in cost.data if trace.name.endswith("cost became NaN")]
    assert list(marker.x) == [20] and list(marker.text) == ["NaN at step 20"]
    assert [trace.name for trace in accuracy.data if trace.name.endswith("test")] == ["#3 softmax-lr-too-high · test"]
    assert pytest.approx(list(accuracy.data[-1].y)) == [0.098]
