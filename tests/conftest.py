"""Shared fixtures: real MNIST, small really-trained models, a running app and a real Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The tests read the app's English message ids; Korean (the app's default) is tested where a test asks for it.
os.environ["MNIST_LAB_LANGUAGE"] = "en"
# No spare workers (TensorFlow processes waiting for a run) behind the tests' backs; the spare's own tests turn it on.
os.environ["MNIST_LAB_WARM_WORKER"] = "0"

from core.settings import REPO_ROOT  # noqa: E402
from harness import browser as browser_support  # noqa: E402

SHIPPED_MODELS_DIR = REPO_ROOT / "saved_models"


@pytest.fixture(scope="session")
def mnist():
    """The real, verified MNIST data set (fetched on first use)."""
    from core.datasets.mnist import load_mnist

    return load_mnist()


@pytest.fixture(scope="session")
def small_models_dir(tmp_path_factory, mnist) -> Path:
    """A models folder with two really trained small models (softmax and a 64-unit MLP, 1 epoch on 10k digits)."""
    from core.lecture.presets import get_preset
    from core.models.card import make_card
    from core.models.store import save_model
    from core.training.trainer import train

    directory = tmp_path_factory.mktemp("models")
    for preset_name, spec_changes in [("softmax", {}), ("nn-xavier", {"hidden_units": (64,)})]:
        preset = get_preset(preset_name)
        spec = preset.spec.replace(epochs=1, **spec_changes)
        result = train(spec, mnist, train_limit=10_000)
        save_model(result.model, make_card(f"small-{preset_name}", spec, result, preset), directory)
    return directory


@pytest.fixture()
def models_copy(tmp_path, small_models_dir) -> Path:
    """A private copy of the small models folder that a test may damage."""
    target = tmp_path / "models"
    shutil.copytree(small_models_dir, target)
    return target


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (fails, never skips, when it is missing)."""
    with browser_support.launch_chromium() as chromium:
        yield chromium


@pytest.fixture()
def start_app(tmp_path):
    """Factory: start `streamlit run app.py` with extra environment variables; returns its base URL."""
    servers = []

    def start(**environment: str) -> str:
        server = browser_support.StreamlitServer(REPO_ROOT, environment, log_path=tmp_path / f"streamlit-{len(servers)}.log")
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
