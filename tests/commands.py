"""Run a command line of the lab as a user would: `python -m ...` from the repository root, in a subprocess."""

import os
import subprocess
import sys

from core.settings import REPO_ROOT


def run_module(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    """`python -m ARGS` from the repo root with extra environment variables; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", *arguments], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **environment},
    )
