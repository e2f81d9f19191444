"""`python -m core.data` (docs/COMMANDS.md), run as a real subprocess."""

from tests.commands import run_module


def test_core_data_verifies_and_says_where_mnist_is(mnist):
    completed = run_module("core.data")
    assert completed.returncode == 0, completed.stderr
    assert "MNIST verified in" in completed.stdout and "60,000 train + 10,000 test" in completed.stdout


def test_core_data_fails_with_one_clear_line_when_nothing_is_available(tmp_path):
    completed = run_module("core.data", "--dir", str(tmp_path / "nowhere"), "--source", "npm",
                           PATH=str(tmp_path))  # no npm on PATH: the last source fails too
    assert completed.returncode == 1
    error_lines = [line for line in completed.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and "npm: RuntimeError: npm is not installed" in error_lines[0]
