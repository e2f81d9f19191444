"""bench.whole_lecture's account of the CPU time the host took (the VM's 'steal'), beside the lecture's timings."""

import sys

import pytest

from bench.whole_lecture import lecture_presets, stolen_between, stolen_cpu_seconds


def test_stolen_time_is_counted_from_the_sample_before_a_run_to_the_sample_after_it():
    samples = [(0.0, 1.0), (5.0, 2.0), (10.0, 4.5), (15.0, 9.0)]
    assert stolen_between(samples, 6.0, 9.0) == pytest.approx(2.5)  # 5 s → 10 s brackets the run
    assert stolen_between(samples, 5.0, 15.0) == pytest.approx(7.0)
    assert stolen_between(samples, 6.0, 16.0) is None  # no sample after the end yet
    assert stolen_between([(0.0, None), (9.0, None)], 1.0, 2.0) is None  # a machine that does not say


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/stat is Linux's")
def test_the_stolen_time_is_read_from_proc_stat_and_never_goes_back():
    first = stolen_cpu_seconds()
    assert first is not None and first >= 0.0
    assert stolen_cpu_seconds() >= first


def test_the_lecture_is_every_course_row_but_the_ensemble():
    names = lecture_presets()
    assert "softmax" in names and "cnn-deep" in names
    assert "ensemble" not in names and "cnn-fast" not in names and "cnn-handwriting" not in names
