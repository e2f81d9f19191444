"""core.i18n.formats: numbers, percentages and durations as each language writes them."""

import pytest

from core.i18n.catalog import set_language
from core.i18n.formats import clock, duration, number, percent


@pytest.fixture(params=["en", "ko"])
def language(request):
    set_language(request.param)
    yield request.param
    set_language(None)


def test_numbers_and_percentages_group_alike_in_both_languages(language):
    assert number(12345.678) == "12,346" and number(0.97834, 4) == "0.9783"
    assert percent(0.97834) == "97.8%" and percent(0.97834, 2) == "97.83%" and percent(1.0, 0) == "100%"


@pytest.mark.parametrize("seconds, english, korean", [
    (0.42, "0.4 s", "0.4초"), (12.4, "12 s", "12초"), (185, "3:05", "3분 5초"), (120, "2:00", "2분"),
    (3_723, "1:02:03", "1시간 2분"),
])
def test_durations(language, seconds, english, korean):
    assert duration(seconds) == (english if language == "en" else korean)


def test_a_clock_reads_the_same_everywhere(language):
    assert clock(65) == "1:05" and clock(3_723) == "1:02:03" and clock(-3) == "0:00"
