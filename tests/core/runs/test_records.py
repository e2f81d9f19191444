"""core.runs.records: the run life cycle as data, a run's typed result, and its length in steps and epochs."""

from core.lecture.spec import ModelSpec
from core.runs.records import ACTIVE_STATUSES, ALLOWED_FROM, FINAL_STATUSES, Run, RunResult

RESULT = RunResult(test_accuracy=0.95, train_accuracy=0.97, validation_accuracy=0.96, diverged_at_step=None,
                   epochs_run=2, steps_run=100, seconds=3.5, samples_per_second=1428.6, parameters=50_890,
                   published_accuracy=0.9783, saved_model="quick", logging_seconds=0.01,
                   train_call={"wall_seconds": 4.0, "cpu_seconds": 7.5})


def a_run(spec: ModelSpec, train_limit: int | None = None, status: str = "running") -> Run:
    return Run(id=3, name="nn-xavier", spec=spec, preset="nn-xavier", status=status, phase="", queued_at=0.0,
               started_at=None, finished_at=None, pid=None, cancel_requested=False, error=None, result=None,
               options={"train_limit": train_limit})


def test_every_status_has_a_way_in_and_the_final_ones_have_no_way_out():
    assert set(ALLOWED_FROM) == set(FINAL_STATUSES) | {"running"}
    for sources in ALLOWED_FROM.values():
        assert set(sources) <= set(ACTIVE_STATUSES)


def test_a_result_round_trips_and_tolerates_other_versions_keys():
    assert RunResult.from_dict(RESULT.to_dict()) == RESULT
    older = {key: value for key, value in RESULT.to_dict().items() if key not in ("parameters", "train_call")}
    decoded = RunResult.from_dict({**older, "something_newer": True})
    assert decoded.parameters is None and decoded.train_call == {} and decoded.test_accuracy == 0.95


def test_a_quick_run_is_shorter_and_says_so():
    spec = ModelSpec(hidden_units=(64,), epochs=3, batch_size=100)
    quick, full = a_run(spec, train_limit=5_000), a_run(spec)
    assert (quick.steps_per_epoch, quick.total_steps, quick.total_epochs) == (50, 150, 3)
    assert (full.steps_per_epoch, full.total_steps, full.train_size) == (550, 1_650, 55_000)
    assert quick.label == "#3 nn-xavier" and quick.is_active and not a_run(spec, status="finished").is_active
