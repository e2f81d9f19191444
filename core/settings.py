"""Every setting the lab reads from the environment, in one place.

The lab is configured by `MNIST_LAB_*` environment variables (README, "Settings"); no other
module reads them. Each is read when asked for, not at import, so a test or a worker process
can set one and see it at once. Paths default to folders in the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

DATA_DIR_VARIABLE = "MNIST_LAB_DATA_DIR"
MODELS_DIR_VARIABLE = "MNIST_LAB_MODELS_DIR"
RUNS_DIR_VARIABLE = "MNIST_LAB_RUNS_DIR"
MAX_PARALLEL_RUNS_VARIABLE = "MNIST_LAB_MAX_PARALLEL_RUNS"
WORKER_CRASH_VARIABLE = "MNIST_LAB_WORKER_CRASH_AFTER_STEPS"
LANGUAGE_VARIABLE = "MNIST_LAB_LANGUAGE"
TEACHER_PASSWORD_VARIABLE = "MNIST_LAB_TEACHER_PASSWORD"
ADDRESS_VARIABLE = "MNIST_LAB_ADDRESS"
WARM_WORKER_VARIABLE = "MNIST_LAB_WARM_WORKER"
MIXED_PRECISION_VARIABLE = "MNIST_LAB_MIXED_PRECISION"
SECRETS_PASSWORD_KEY = "teacher_password"  # the same password in .streamlit/secrets.toml

DEFAULT_DATA_DIR = REPO_ROOT / "data" / "mnist"
DEFAULT_MODELS_DIR = REPO_ROOT / "saved_models"
DEFAULT_RUNS_DIR = REPO_ROOT / "runs"
DEFAULT_MAX_PARALLEL_RUNS = 1  # a 2-core machine trains one model at a time at full speed
DEFAULT_ADDRESS = "127.0.0.1"  # `make run` serves this machine only unless the teacher opens it to the classroom
LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")
SECRETS_FILES = (REPO_ROOT / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml")


def _text(variable: str) -> str:
    return os.environ.get(variable, "").strip()


def data_dir() -> Path:
    """Where the MNIST IDX files are cached: $MNIST_LAB_DATA_DIR or data/mnist in the repo."""
    return Path(_text(DATA_DIR_VARIABLE) or DEFAULT_DATA_DIR)


def models_dir() -> Path:
    """The folder of saved models: $MNIST_LAB_MODELS_DIR or saved_models/ in the repo."""
    return Path(_text(MODELS_DIR_VARIABLE) or DEFAULT_MODELS_DIR)


def runs_dir() -> Path:
    """Where the run store and the workers' logs live: $MNIST_LAB_RUNS_DIR or runs/ in the repo."""
    return Path(_text(RUNS_DIR_VARIABLE) or DEFAULT_RUNS_DIR).resolve()


def max_parallel_runs() -> int:
    """How many runs may train at once: $MNIST_LAB_MAX_PARALLEL_RUNS (0 pauses the queue), default 1."""
    value = _text(MAX_PARALLEL_RUNS_VARIABLE)
    try:
        return max(0, int(value)) if value else DEFAULT_MAX_PARALLEL_RUNS
    except ValueError:
        return DEFAULT_MAX_PARALLEL_RUNS


def worker_crash_after_steps() -> int | None:
    """$MNIST_LAB_WORKER_CRASH_AFTER_STEPS: a worker dies hard after this step (for the crash tests); None: never."""
    value = _text(WORKER_CRASH_VARIABLE)
    return int(value) if value.isdigit() else None


def warm_worker() -> bool:
    """$MNIST_LAB_WARM_WORKER: keep a spare worker ready (TensorFlow imported, MNIST loaded) for the next run.

    On unless set to 0, false, no or off (the tests switch it off; only the spare's own tests turn it on).
    """
    return _text(WARM_WORKER_VARIABLE).lower() not in ("0", "false", "no", "off")


def mixed_precision_allowed() -> bool:
    """$MNIST_LAB_MIXED_PRECISION: presets that ask for bfloat16 arithmetic get it where the CPU has it (default);
    0, false, no or off trains everything in float32."""
    return _text(MIXED_PRECISION_VARIABLE).lower() not in ("0", "false", "no", "off")


def worker_fingerprint() -> str:
    """The settings a worker's behaviour depends on (its folders, the crash switch), as one short hash: a spare
    started under other settings must not take this server's runs."""
    import hashlib

    values = [str(data_dir().resolve()), str(models_dir().resolve()), str(runs_dir()), str(worker_crash_after_steps()),
              str(mixed_precision_allowed())]
    return hashlib.sha256("\n".join(values).encode()).hexdigest()[:16]


def default_language() -> str:
    """$MNIST_LAB_LANGUAGE: the language visitors see first ('ko' or 'en'; checked by core.i18n), default 'ko'."""
    return _text(LANGUAGE_VARIABLE).lower() or "ko"


def system_locale() -> str:
    """The locale the shell asks for (LC_ALL, then LC_MESSAGES, then LANG; '' if none): a command line's language."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if _text(variable):
            return _text(variable)
    return ""


def teacher_password(secrets_files: tuple[Path, ...] | None = None) -> str | None:
    """The teacher's password: $MNIST_LAB_TEACHER_PASSWORD, else `teacher_password` in a Streamlit secrets file.

    None (nothing set): the lab is a single-user desk app and whoever uses it is the teacher.
    The secrets files are Streamlit's own (the repository's .streamlit/ first, then the home folder's).
    """
    value = os.environ.get(TEACHER_PASSWORD_VARIABLE, "")
    if value.strip():
        return value
    import tomllib

    for path in SECRETS_FILES if secrets_files is None else secrets_files:
        try:
            secrets = tomllib.loads(Path(path).read_text())
        except (OSError, ValueError):
            continue
        found = secrets.get(SECRETS_PASSWORD_KEY)
        if isinstance(found, str) and found.strip():
            return found
    return None


def listen_address() -> str:
    """Where `make run` listens: $MNIST_LAB_ADDRESS (0.0.0.0: the classroom network), default 127.0.0.1 (this machine)."""
    return _text(ADDRESS_VARIABLE) or DEFAULT_ADDRESS


def is_local_address(address: str) -> bool:
    """True for an address only this machine can reach."""
    return address.strip().lower() in LOCAL_ADDRESSES or address.strip().startswith("127.")


def serve_address(requested: str = "") -> tuple[str, str | None]:
    """(address `make run` listens on, a one-line reason to refuse it or None): `requested`, else listen_address().

    Beyond this machine only with a teacher password: otherwise every visitor could delete models.
    """
    address = requested.strip() or listen_address()
    if is_local_address(address) or teacher_password() is not None:
        return address, None
    return address, (f"make run: listening on {address} opens the lab to the network, where every visitor could "
                     f"delete models: set a teacher password first ({TEACHER_PASSWORD_VARIABLE} or "
                     f"{SECRETS_PASSWORD_KEY} in .streamlit/secrets.toml; README, 'A classroom server')")


def quiet_tensorflow() -> None:
    """Ask TensorFlow's C++ side to log only errors: entry points call this before TensorFlow is imported.

    Without it, every worker log and command line starts with oneDNN and CPU-feature notices.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
