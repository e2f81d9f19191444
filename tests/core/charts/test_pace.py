"""core.charts.pace: the pace of a running run, the pauses it leaves out and adds back, and the seconds left."""

import pytest

from core.charts.pace import pauses_to_come, probe_pauses, seconds_left, steps_per_second, tail_seconds
from core.charts.progress import progress
from core.lecture.spec import ModelSpec
from core.runs.records import Run

SPEC = ModelSpec(hidden_units=(64,), epochs=2, batch_size=100)


def a_run(spec: ModelSpec = SPEC) -> Run:
    """A running 2-epoch run of 5,000 digits: 50 steps an epoch."""
    return Run(id=7, name="m", spec=spec, preset=None, status="running", phase="training", queued_at=990.0,
               started_at=1_000.0, finished_at=None, pid=None, cancel_requested=False, error=None, result=None,
               options={"train_limit": 5_000})


def step(number: int, logged_at: float) -> dict:
    return {"kind": "step", "step": number, "epoch": (number - 1) // 50 + 1, "member": 0, "cost": 0.5,
            "accuracy": 0.9, "seconds": logged_at - 1_000.0, "logged_at": logged_at}


def epoch_end(number: int, logged_at: float) -> dict:
    """The epoch event: logged when the epoch's validation is done."""
    return {"kind": "epoch", "step": number, "epoch": (number - 1) // 50 + 1, "logged_at": logged_at}


def probe(number: int, logged_at: float) -> dict:
    return {"kind": "layers", "step": number, "epoch": (number - 1) // 50 + 1, "logged_at": logged_at}


def test_the_pace_leaves_out_the_slower_first_epoch_once_a_later_step_is_logged():
    first_epoch = [step(10, 1_002.0), step(50, 1_010.0)]  # 5 steps/s
    assert steps_per_second(first_epoch, per_epoch=50) == pytest.approx(5.0)
    later = [*first_epoch, epoch_end(50, 1_010.5), step(70, 1_011.0), step(90, 1_012.0)]  # then 20 steps/s
    assert steps_per_second(later, per_epoch=50) == pytest.approx(20.0)
    assert progress(a_run(), later, now=1_012.0).eta == pytest.approx(10 / 20 + tail_seconds(a_run(), 20.0))
    # Until a fifth of an epoch is logged after the validation, the first epoch's pace holds: a pace from the
    # step ending the epoch would count the validation's pause, one from the few steps after it swings.
    boundary = [*first_epoch, epoch_end(50, 1_019.0), step(55, 1_020.0)]
    assert steps_per_second(boundary, per_epoch=50) == pytest.approx(5.0)
    assert pauses_to_come(a_run(), boundary, 5.0) == 0.0  # the one validation ahead is the last: the tail's


def test_within_the_first_epoch_the_probes_pauses_are_left_out_of_the_pace_and_added_back_for_those_to_come():
    # 10 steps/s of training; a probe after steps 10, 20 and 30 held training up 0.6, then 0.2 and 0.2 s.
    events = [step(1, 1_000.9), step(10, 1_001.8), probe(10, 1_002.4), step(20, 1_003.4), probe(20, 1_003.6),
              step(30, 1_004.6), probe(30, 1_004.8), step(40, 1_005.8)]
    assert probe_pauses(events) == pytest.approx({10: 0.6, 20: 0.2, 30: 0.2})
    assert steps_per_second(events, per_epoch=50) == pytest.approx(10.0)  # 39 steps in 4.9 s less 1.0 s of probes
    # To come: the probe after step 40 (its median pause, 0.2 s), then one validation (5,000 digits at a quarter of
    # 1,000 trained digits/s) and its probe before the last epoch; the tail counts the last validation.
    assert pauses_to_come(a_run(), events, 10.0) == pytest.approx(0.2 + (1.25 + 0.2) + 0.2)
    left = seconds_left(a_run(), events, now=1_005.8)
    assert left == pytest.approx(60 / 10 + pauses_to_come(a_run(), events, 10.0) + tail_seconds(a_run(), 10.0))
    later = [*events, step(50, 1_006.8), epoch_end(50, 1_008.0), step(60, 1_008.5), step(70, 1_009.5)]
    assert pauses_to_come(a_run(), later, steps_per_second(later, 50)) == 0.0  # the pace carries the pauses now


def test_the_pace_follows_a_machine_that_slows_down_for_good():
    steps = [step(n, 1_000.0 + n / 10) for n in range(10, 510, 10)]  # 10 epochs of 50 steps at 10 steps/s
    steps += [step(n, steps[-1]["logged_at"] + (n - 500) / 5) for n in range(510, 1510, 10)]  # then 5 steps/s
    events = [*steps[:5], epoch_end(50, steps[4]["logged_at"]), *steps[5:]]
    # The last 70% (1,050 steps) are mostly at 5 steps/s: 50 steps at 10, then 1,000 at 5 → 1,050 / 205 s.
    assert steps_per_second(events, per_epoch=50) == pytest.approx(1_050 / 205)
    assert steps_per_second(events[:50], per_epoch=50) == pytest.approx(10.0)


def test_within_the_first_epoch_the_pace_runs_from_the_first_logged_step_after_the_tracing():
    traced = [step(1, 1_004.0), step(10, 1_004.9), step(20, 1_005.9), step(30, 1_006.9), step(40, 1_007.9)]
    # The tracing happened before step 1 was logged (3 s after the start): 39 steps in 3.9 s, not 40 in 7.9 s.
    assert steps_per_second(traced, per_epoch=50) == pytest.approx(10.0)


def test_the_time_left_counts_from_the_moment_the_page_looks_not_from_the_last_logged_step():
    events = [step(10, 1_001.0), step(30, 1_003.0)]
    at_the_step = seconds_left(a_run(), events, now=1_003.0)
    assert seconds_left(a_run(), events, now=1_004.5) == pytest.approx(at_the_step - 1.5)
    assert seconds_left(a_run(), events, now=1_100.0) == 0.0
    assert seconds_left(a_run(), [], now=1_003.0) is None


def test_a_bfloat16_run_tests_its_float32_copy_so_its_tail_is_longer():
    plain, mixed = a_run(), a_run(SPEC.replace(mixed_precision=True))
    assert tail_seconds(mixed, 10.0) - 0.3 == pytest.approx((tail_seconds(plain, 10.0) - 0.3) * 0.38 / 0.25)


def test_an_ensemble_tests_every_member_and_their_average_after_its_last_step():
    single = tail_seconds(a_run(), 10.0)
    ensemble = a_run(SPEC.replace(ensemble_members=3))
    assert tail_seconds(ensemble, 10.0) - 0.3 == pytest.approx((5_000 + 4 * 10_000) / 15_000 * (single - 0.3))
