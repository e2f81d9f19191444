"""core.charts.comparison: runs side by side — the settings that differ, and what each run achieved."""

from core.charts.comparison import result_rows, setting_rows
from core.lecture.presets import get_preset
from core.runs.records import Run, RunResult


def a_run(run_id: int, preset: str, train_limit: int | None = None, result: RunResult | None = None, **changes) -> Run:
    return Run(id=run_id, name=preset, spec=get_preset(preset).spec.replace(**changes), preset=preset,
               status="finished" if result else "running", phase="", queued_at=0.0, started_at=1.0, finished_at=None,
               pid=None, cancel_requested=False, error=None, result=result, options={"train_limit": train_limit})


def test_only_the_settings_that_differ_are_shown_unless_all_are_asked_for():
    xavier, deep = a_run(1, "nn-xavier"), a_run(2, "nn-deep")
    differing = setting_rows([xavier, deep])
    assert [row["setting"] for row in differing] == ["hidden layers (units)"]
    assert differing[0] == {"setting": "hidden layers (units)", "#1 nn-xavier": "256, 256",
                            "#2 nn-deep": "512, 512, 512, 512"}
    everything = setting_rows([xavier, deep], differing_only=False)
    assert len(everything) > 15 and {"setting": "keep_prob", "#1 nn-xavier": "1", "#2 nn-deep": "1"} in everything


def test_a_quick_run_and_a_changed_learning_rate_show_up():
    rows = setting_rows([a_run(1, "nn-xavier"), a_run(2, "nn-xavier", train_limit=5_000, learning_rate=0.01)])
    assert {"setting": "learning rate", "#1 nn-xavier": "0.001", "#2 nn-xavier": "0.01"} in rows
    assert {"setting": "training digits", "#1 nn-xavier": "55,000", "#2 nn-xavier": "5,000"} in rows


def test_results_sit_beside_the_settings_with_a_dash_for_a_run_still_training():
    result = RunResult(test_accuracy=0.9783, train_accuracy=0.9950, validation_accuracy=0.98, diverged_at_step=None,
                       epochs_run=15, steps_run=8_250, seconds=95.0, samples_per_second=9_000.0)
    rows = {row["setting"]: row for row in result_rows([a_run(1, "nn-xavier", result=result), a_run(2, "nn")])}
    assert rows["test accuracy"]["#1 nn-xavier"] == "97.83%" and rows["test accuracy"]["#2 nn"] == "–"
    assert rows["train − test gap"]["#1 nn-xavier"] == "+1.67" and rows["training time"]["#1 nn-xavier"] == "1:35"
