"""Start the app on a free port and drive Debian's Chromium with Playwright (docs/TESTING.md)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM_PATH = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
START_TIMEOUT_SECONDS = 60


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def launch_chromium():
    """A Playwright Browser on Debian's chromium; raises if chromium is missing (the tests must not skip)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM_PATH).exists():
        raise RuntimeError(f"chromium not found at {CHROMIUM_PATH}: run `make test`, which installs it (root + apt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class StreamlitServer:
    """`streamlit run app.py` in a subprocess, with its own port and environment."""

    def __init__(self, repo_root: Path, environment: dict[str, str], log_path: Path):
        self.repo_root, self.environment, self.log_path = repo_root, environment, log_path
        self.process: subprocess.Popen | None = None
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        environment = {**os.environ, "PYTHONPATH": str(self.repo_root), **self.environment}
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false"],  # the rest from .streamlit/config.toml, as `make run`
            cwd=self.repo_root, env=environment, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return self.url
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not answer /_stcore/health within {START_TIMEOUT_SECONDS} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
        if getattr(self, "log", None):
            self.log.close()


# Elements past the window's right edge that no scrollable box lets a visitor reach, and text cut off with an ellipsis.
OVERFLOW_SCRIPT = """() => {
    const width = document.documentElement.clientWidth;
    const found = [];
    if (document.documentElement.scrollWidth > width + 1) found.push('the page scrolls sideways');
    for (const element of document.querySelectorAll('[data-testid="stMain"] *')) {
        const style = getComputedStyle(element);
        if (style.textOverflow === 'ellipsis' && element.scrollWidth > element.clientWidth + 1) {
            found.push('cut off with "…": ' + (element.innerText || '').trim().slice(0, 40));
            continue;
        }
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || box.right <= width + 1) continue;
        let parent = element.parentElement, reachable = false;
        while (parent && parent !== document.body) {
            const style = getComputedStyle(parent);
            if (['auto', 'scroll', 'hidden'].includes(style.overflowX) && parent.getBoundingClientRect().right <= width + 1) {
                reachable = true; break;
            }
            parent = parent.parentElement;
        }
        if (!reachable) found.push((element.getAttribute('data-testid') || element.tagName) + ': '
                                   + (element.innerText || '').trim().slice(0, 40));
    }
    return [...new Set(found)].slice(0, 10);
}"""


def overflowing_elements(page) -> list[str]:
    """Descriptions of the content a visitor cannot see because it sticks out past the window's right edge."""
    return page.evaluate(OVERFLOW_SCRIPT)


def wait_until_settled(page, timeout: float = 60, quiet: float = 1.0) -> None:
    """Wait until the page's script has stopped running for `quiet` seconds (fragments may still refresh)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout * 1000)
    deadline, calm_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        running = page.get_attribute('[data-testid="stApp"]', "data-test-script-state") == "running"
        calm_since = None if running else (calm_since or time.monotonic())
        if calm_since and time.monotonic() - calm_since >= quiet:
            return
        time.sleep(0.1)
    raise TimeoutError(f"the page was still running after {timeout} s")


def full_screenshot(page, path: str, max_height: int = 6000) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main box, so the window grows to fit it first."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    content = page.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                            "[data-testid=stAppViewContainer]')].map(e => e.scrollHeight), 0)")
    page.set_viewport_size({"width": width, "height": min(max_height, max(height, int(content)))})
    try:
        time.sleep(0.5)  # let the layout follow the new height
        page.screenshot(path=path)
    finally:
        page.set_viewport_size({"width": width, "height": height})
