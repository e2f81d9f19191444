"""core.settings: every MNIST_LAB_* variable, read when asked for, with the repository's folders as defaults."""

import os

import pytest

from core import settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for variable in (settings.DATA_DIR_VARIABLE, settings.MODELS_DIR_VARIABLE, settings.RUNS_DIR_VARIABLE,
                     settings.MAX_PARALLEL_RUNS_VARIABLE, settings.WORKER_CRASH_VARIABLE):
        monkeypatch.delenv(variable, raising=False)


def test_folders_default_to_the_repository_and_follow_the_environment(monkeypatch, tmp_path):
    assert settings.data_dir() == settings.REPO_ROOT / "data" / "mnist"
    assert settings.models_dir() == settings.REPO_ROOT / "saved_models"
    assert settings.runs_dir() == settings.REPO_ROOT / "runs"
    monkeypatch.setenv("MNIST_LAB_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(tmp_path / "m"))
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "r"))
    assert (settings.data_dir(), settings.models_dir(), settings.runs_dir()) == (tmp_path / "d", tmp_path / "m",
                                                                                  tmp_path / "r")


def test_the_runs_folder_is_absolute_so_workers_started_elsewhere_find_it(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", "relative-runs")
    assert settings.runs_dir() == tmp_path / "relative-runs"


@pytest.mark.parametrize("value, expected", [("", 1), ("3", 3), ("0", 0), ("-2", 0), ("many", 1)])
def test_the_parallel_limit_is_read_leniently(monkeypatch, value, expected):
    monkeypatch.setenv("MNIST_LAB_MAX_PARALLEL_RUNS", value)
    assert settings.max_parallel_runs() == expected


def test_the_crash_switch_is_off_unless_set_to_a_step(monkeypatch):
    assert settings.worker_crash_after_steps() is None
    monkeypatch.setenv("MNIST_LAB_WORKER_CRASH_AFTER_STEPS", "30")
    assert settings.worker_crash_after_steps() == 30
    monkeypatch.setenv("MNIST_LAB_WORKER_CRASH_AFTER_STEPS", "soon")
    assert settings.worker_crash_after_steps() is None


def test_quiet_tensorflow_sets_a_default_but_respects_a_choice(monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    settings.quiet_tensorflow()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "2"
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    settings.quiet_tensorflow()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0"


def test_the_teacher_password_comes_from_the_environment_or_the_streamlit_secrets(monkeypatch, tmp_path):
    monkeypatch.delenv("MNIST_LAB_TEACHER_PASSWORD", raising=False)
    secrets = tmp_path / "secrets.toml"
    assert settings.teacher_password((secrets,)) is None  # no password: a single-user desk app
    secrets.write_text('teacher_password = "from secrets"\n')
    assert settings.teacher_password((tmp_path / "missing.toml", secrets)) == "from secrets"
    monkeypatch.setenv("MNIST_LAB_TEACHER_PASSWORD", "from the environment")
    assert settings.teacher_password((secrets,)) == "from the environment"
    monkeypatch.setenv("MNIST_LAB_TEACHER_PASSWORD", "   ")
    secrets.write_text("not toml [")
    assert settings.teacher_password((secrets,)) is None


def test_the_app_listens_on_this_machine_only_unless_told(monkeypatch):
    monkeypatch.delenv("MNIST_LAB_ADDRESS", raising=False)
    assert settings.listen_address() == "127.0.0.1" and settings.is_local_address(settings.listen_address())
    monkeypatch.setenv("MNIST_LAB_ADDRESS", "0.0.0.0")
    assert settings.listen_address() == "0.0.0.0" and not settings.is_local_address("0.0.0.0")
    assert settings.is_local_address("localhost") and not settings.is_local_address("192.168.0.10")


def test_make_run_opens_the_lab_to_the_network_only_with_a_teacher_password(monkeypatch, tmp_path):
    monkeypatch.delenv("MNIST_LAB_TEACHER_PASSWORD", raising=False)
    monkeypatch.delenv("MNIST_LAB_ADDRESS", raising=False)
    monkeypatch.setattr(settings, "SECRETS_FILES", (tmp_path / "none.toml",))
    assert settings.serve_address() == ("127.0.0.1", None)
    address, problem = settings.serve_address("0.0.0.0")
    assert address == "0.0.0.0" and "set a teacher password first" in problem and "\n" not in problem
    monkeypatch.setenv("MNIST_LAB_TEACHER_PASSWORD", "sejong 1443")
    assert settings.serve_address("0.0.0.0") == ("0.0.0.0", None)
