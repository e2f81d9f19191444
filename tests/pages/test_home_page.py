"""The home page: lists the trained models, never imports TensorFlow, works in a real browser."""

import os
import subprocess
import sys

import pytest

from core.settings import REPO_ROOT  # noqa: E402

SHIPPED = ("softmax", "nn", "nn-xavier", "nn-dropout", "cnn-lab")


def test_home_page_lists_the_models_without_importing_tensorflow(small_models_dir):
    script = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('app.py').run(timeout=30)\n"
        "assert not at.exception, at.exception\n"
        "text = ' '.join(str(t.value) for t in at.table)\n"
        "assert 'small-softmax' in text and 'small-nn-xavier' in text, text\n"
        "print('tensorflow' in sys.modules)\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
                               env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "MNIST_LAB_MODELS_DIR": str(small_models_dir)})
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip().splitlines()[-1] == "False", "the home page must not import TensorFlow"


def test_home_page_with_no_models_says_how_to_get_some(tmp_path):
    from streamlit.testing.v1 import AppTest

    os.environ["MNIST_LAB_MODELS_DIR"] = str(tmp_path)
    try:
        at = AppTest.from_file(str(REPO_ROOT / "app.py")).run(timeout=30)
    finally:
        del os.environ["MNIST_LAB_MODELS_DIR"]
    assert not at.exception
    assert any("python -m core.train --preset cnn-lab" in info.value for info in at.info)


def test_home_page_warns_about_a_broken_card(models_copy):
    from streamlit.testing.v1 import AppTest

    (models_copy / "broken.json").write_text("{")
    os.environ["MNIST_LAB_MODELS_DIR"] = str(models_copy)
    try:
        at = AppTest.from_file(str(REPO_ROOT / "app.py")).run(timeout=30)
    finally:
        del os.environ["MNIST_LAB_MODELS_DIR"]
    assert any("broken.json" in warning.value for warning in at.warning)


@pytest.mark.browser
def test_home_page_in_a_real_browser_shows_the_shipped_models(browser, start_app, tmp_path):
    url = start_app()  # the real saved_models/ folder, as a teacher gets it
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.get_by_text("Trained models").wait_for(timeout=30_000)
    table = page.locator("[data-testid=stTable]").first
    table.wait_for(timeout=30_000)
    text = table.inner_text()
    for name in SHIPPED:
        assert name in text.split(), f"{name} missing from the home page"
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    page.close()


def open_home(models_dir, monkeypatch, query: dict | None = None):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(models_dir))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=30)
    at.query_params.update(query or {})
    return at.run()


def test_the_home_page_is_korean_by_default_and_english_on_request(small_models_dir, monkeypatch):
    monkeypatch.delenv("MNIST_LAB_LANGUAGE")  # as a teacher starts it: Korean unless they say otherwise
    at = open_home(small_models_dir, monkeypatch)
    assert at.header[0].value == "여기서 시작하세요" and at.query_params["lang"] in ("ko", ["ko"])
    at = open_home(small_models_dir, monkeypatch, {"lang": "en"})
    assert at.header[0].value == "Start here"


def test_every_text_on_the_home_page_comes_from_the_catalogue(small_models_dir, monkeypatch):
    from core.lecture.presets import PRESETS
    from tests.pages.untranslated import untranslated

    at = open_home(small_models_dir, monkeypatch, {"lang": "pseudo"})
    assert not at.exception
    assert untranslated(at, names=["small-softmax", "small-nn-xavier", *PRESETS]) == []


def test_each_step_of_the_lecture_path_links_to_its_preset_on_the_train_page(small_models_dir, monkeypatch):
    from core.lecture.presets import PRESETS

    at = open_home(small_models_dir, monkeypatch, {"lang": "en"})
    links = [link.proto for link in at.get("page_link") if link.proto.label == "Train it"]
    assert len(links) == len(PRESETS)
    assert all(link.page.endswith("1_Train.py") or "Train" in link.page for link in links)
    assert [link.query_string for link in links][4] == "lang=en&preset=nn-xavier"  # the fifth step: lab 10-3


def home(monkeypatch, models, runs, language: str = "en"):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(models))
    monkeypatch.setenv("MNIST_LAB_LANGUAGE", "en")  # widgets' labels, as AppTest formats them outside the page
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(runs))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"))
    at.query_params["lang"] = language
    return at.run(timeout=30)


def test_a_card_that_says_very_high_is_skipped_and_the_table_stays(models_copy, tmp_path, monkeypatch):
    import json

    card = json.loads((models_copy / "small-softmax.json").read_text())
    (models_copy / "small-softmax.json").write_text(json.dumps({**card, "test_accuracy": "very high"}))
    at = home(monkeypatch, models_copy, tmp_path / "runs")
    assert not at.exception
    assert any("small-softmax.json: a wrong model card (test_accuracy" in warning.value for warning in at.warning)
    text = " ".join(str(table.value) for table in at.table)
    assert "small-nn-xavier" in text and "small-softmax" not in text


def test_a_damaged_run_store_is_one_line_and_the_models_still_show(models_copy, tmp_path, monkeypatch):
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "runs.sqlite3").write_bytes(b"SQLite format 2\x00" + b"\xff" * 4000)  # a corrupt header
    at = home(monkeypatch, models_copy, runs)
    assert not at.exception
    [trouble] = [warning.value for warning in at.warning if "run store" in warning.value]
    assert "cannot be read" in trouble and "\n" not in trouble
    text = " ".join(str(table.value) for table in at.table)
    assert "small-softmax" in text and "small-nn-xavier" in text
    assert at.button(key="run_store_move_aside")  # desk mode: the user is the teacher, with the way out
    at.button(key="run_store_move_aside").click().run()
    assert not [warning for warning in at.warning if "run store" in warning.value]
    assert len(list(runs.glob("runs.sqlite3.damaged-*"))) == 1


def test_the_model_table_shows_real_handwriting_beside_test_accuracy(models_copy, tmp_path, monkeypatch):
    from core.models.store import update_card

    update_card(models_copy / "small-nn-xavier.json", {"handwriting_accuracy": 0.7456})
    at = home(monkeypatch, models_copy, tmp_path / "runs")
    [table] = [table.value for table in at.table]
    columns = list(table.columns)
    assert columns.index("real handwriting") == columns.index("test accuracy") + 1
    by_model = dict(zip(table["model"], table["real handwriting"]))
    assert by_model == {"small-nn-xavier": "74.6%", "small-softmax": "–"}
