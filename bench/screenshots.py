"""Screenshots of every page at the projector, laptop and phone sizes, in Korean and English, to look at.

    python -m bench.screenshots [--out test-artifacts/screenshots] [--pages app,pages/2_Curves.py]

Starts the app with the configuration `make run` uses, opens each page in Chromium at
1024×768 (projector), 1280×800 and 390×844 (phone), waits for it to settle and saves two
PNGs per page, size and language: the window as it opens (the fold) and the whole page. It also prints, per screenshot, any element that
sticks out past the right edge of the window (content a visitor cannot see).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from core.settings import REPO_ROOT
from harness.browser import StreamlitServer, full_screenshot, launch_chromium, overflowing_elements, wait_until_settled

SIZES = {"projector": (1024, 768), "laptop": (1280, 800), "phone": (390, 844)}
PAGES = {"home": "", "train": "Train", "curves": "Curves", "draw": "Draw", "models": "Models", "class": "Class_digits"}


def main(argv: list[str] | None = None) -> int:
    """CLI: save the screenshots and report overflowing content."""
    parser = argparse.ArgumentParser(prog="python -m bench.screenshots", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "test-artifacts" / "screenshots")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated: " + ", ".join(PAGES))
    parser.add_argument("--languages", default="ko,en")
    parser.add_argument("--present", action="store_true", help="also take them in presentation mode")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    server = StreamlitServer(REPO_ROOT, {}, Path(tempfile.mkdtemp()) / "streamlit.log")
    url, problems = server.start(), 0
    try:
        with launch_chromium() as browser:
            for size, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                for name in args.pages.split(","):
                    for language in args.languages.split(","):
                        for present in ([False, True] if args.present else [False]):
                            query = f"?lang={language}" + ("&present=1" if present else "")
                            page.goto(f"{url}/{PAGES[name]}{query}")
                            wait_until_settled(page)
                            target = args.out / f"{name}-{size}-{language}{'-present' if present else ''}.png"
                            page.screenshot(path=str(target))  # what the window shows: the fold
                            outside = overflowing_elements(page)
                            full_screenshot(page, str(target.with_name(target.stem + "-full.png")))
                            problems += bool(outside)
                            print(f"{target.name}: " + ("; ".join(outside) if outside else "fits"))
                page.close()
    finally:
        server.stop()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
