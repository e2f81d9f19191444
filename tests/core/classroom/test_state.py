"""core.classroom.state: one small JSON file beside the run store, atomic, and harmless when damaged."""

import threading

import pytest

from core.classroom import state


@pytest.fixture(autouse=True)
def private_state(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    return tmp_path / "runs"


def test_sections_are_written_and_read_back_and_none_removes_one(private_state):
    assert state.read_state() == {} and state.read_section("limits") is None
    state.write_section("limits", {"runs_per_visitor": 2})
    state.write_section("draw", {"x": 1})
    assert state.read_section("limits") == {"runs_per_visitor": 2}
    state.write_section("draw", None)
    assert state.read_state() == {"limits": {"runs_per_visitor": 2}}
    assert state.state_path() == private_state / "classroom.json"
    assert not list(private_state.glob(".tmp-*"))


def test_a_damaged_file_reads_as_empty_and_the_next_write_repairs_it(private_state):
    private_state.mkdir(parents=True)
    state.state_path().write_text("{not json")
    assert state.read_state() == {}
    state.write_section("limits", {"max_models": 5})
    assert state.read_state() == {"limits": {"max_models": 5}}


def test_concurrent_writers_lose_no_section():
    threads = [threading.Thread(target=state.write_section, args=(f"section-{number}", number)) for number in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert state.read_state() == {f"section-{number}": number for number in range(20)}
