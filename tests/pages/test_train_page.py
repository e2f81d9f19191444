"""The Train page, headless (AppTest): presets fill the controls, errors sit next to them, Train queues a run."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from core.lecture.presets import get_preset
from core.runs import store as runs
from core.settings import REPO_ROOT

APP = str(REPO_ROOT / "app.py")
PAGE = "pages/1_Train.py"


@pytest.fixture(autouse=True)
def stores(tmp_path, monkeypatch):
    """Private stores; the queue is paused (0 parallel runs) so pressing Train starts no TensorFlow."""
    monkeypatch.setenv("MNIST_LAB_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("MNIST_LAB_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("MNIST_LAB_LANGUAGE", "en")  # widgets' labels, as AppTest formats them outside the page
    monkeypatch.setenv("MNIST_LAB_MAX_PARALLEL_RUNS", "0")
    return tmp_path


def open_page(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.switch_page(PAGE)
    at.query_params.update({"lang": "en", **query})
    at.run()
    assert not at.exception
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def test_the_default_preset_shows_its_architecture_and_an_estimate():
    at = open_page()
    assert at.sidebar.selectbox(key="train_preset").value == "softmax"
    assert "0.9035 after 15 epochs" in at.markdown[0].value  # the published accuracy beside the preset
    layers = at.dataframe[0].value
    assert list(layers["layer"]) == ["Input", "Flatten", "Dense 10 (logits)", "Softmax"]
    assert list(layers["output shape"]) == ["28×28×1", "784", "10", "10"]
    values = metric_values(at)
    assert values["Parameters"] == "7,850"
    assert values["Time per epoch (estimate)"].endswith(" s")  # seconds, not minutes, for softmax
    assert not at.button(key="train_start").disabled


def test_choosing_a_preset_fills_the_controls_and_changing_one_makes_a_custom_model():
    at = open_page()
    at.sidebar.selectbox(key="train_preset").set_value("nn-dropout").run()
    assert at.sidebar.radio(key="train_family").value == "mlp"
    assert at.sidebar.slider(key="train_hidden_layers").value == 4
    assert at.sidebar.select_slider(key="train_width").value == 512
    assert at.sidebar.slider(key="train_keep_prob").value == pytest.approx(0.7)
    assert re.fullmatch(r"nn-dropout-[0-9a-f]{4}", at.text_input(key="train_name").value)  # never the shipped one
    assert metric_values(at)["Parameters"] == "1,195,018"
    assert "Custom" not in at.markdown[0].value

    at.sidebar.select_slider(key="train_learning_rate").set_value(0.01).run()
    assert "Custom model" in at.markdown[0].value and "learning rate 0.001 → 0.01" in at.markdown[0].value
    assert re.fullmatch(r"nn-dropout-custom-[0-9a-f]{4}", at.text_input(key="train_name").value)

    at.sidebar.selectbox(key="train_preset").set_value("cnn-lab").run()
    assert at.sidebar.radio(key="train_family").value == "cnn"
    assert at.sidebar.slider(key="train_conv_blocks").value == 2
    assert metric_values(at)["Parameters"] == "50,186"
    assert "Custom" not in at.markdown[0].value


def test_the_lab_10_presets_say_they_start_from_the_lectures_draw_until_the_initialiser_changes():
    at = open_page()  # softmax (lab 10-1)
    assert any("tf.set_random_seed(777)" in caption.value for caption in at.caption)
    at.sidebar.selectbox(key="train_weight_init").set_value("xavier").run()
    assert not at.exception and not at.button(key="train_start").disabled  # a valid custom model
    assert "tf1 draw seed 777 → None" in at.markdown[0].value
    assert not any("tf.set_random_seed" in caption.value for caption in at.caption)
    at.sidebar.selectbox(key="train_preset").set_value("nn").run()  # lab 10-2: random-normal dense net
    assert any("tf.set_random_seed(777)" in caption.value for caption in at.caption)
    at.sidebar.radio(key="train_family").set_value("cnn").run()  # TF1's draw order is a dense net's only
    assert not at.exception and not at.button(key="train_start").disabled
    assert "tf1 draw seed 777 → None" in at.markdown[0].value


def test_an_invalid_setting_is_explained_next_to_its_control_and_disables_train():
    at = open_page()
    at.sidebar.selectbox(key="train_preset").set_value("nn-xavier").run()
    at.sidebar.slider(key="train_keep_prob").set_value(0.0).run()
    assert not at.exception
    assert [error.value for error in at.sidebar.error] == [
        "Not allowed: keep_prob must be in (0, 1]: the fraction of units kept (1.0 = no dropout; 0 would drop every "
        "unit), got 0.0"]
    assert at.button(key="train_start").disabled
    at.sidebar.slider(key="train_keep_prob").set_value(0.5).run()
    assert not at.sidebar.error and not at.button(key="train_start").disabled


def test_a_bad_name_or_a_slice_smaller_than_a_batch_is_refused():
    at = open_page()
    at.text_input(key="train_name").set_value("!!!").run()
    assert "A name needs letters or digits" in at.error[0].value and at.button(key="train_start").disabled
    at.text_input(key="train_name").set_value("My Model").run()
    assert any("my-model" in caption.value for caption in at.caption) and not at.button(key="train_start").disabled
    at.text_input(key="train_name").set_value("내 모델").run()  # Korean names are welcome, stored safely
    assert any("내-모델" in caption.value for caption in at.caption) and not at.button(key="train_start").disabled
    at.toggle(key="train_quick").set_value(True).run()
    at.sidebar.select_slider(key="train_batch_size").set_value(1024).run()
    at.select_slider(key="train_quick_size").set_value(1000).run()
    assert "smaller than one batch" in at.error[0].value and at.button(key="train_start").disabled


def test_train_queues_the_run_with_its_settings_and_links_to_its_curves():
    at = open_page()
    at.sidebar.selectbox(key="train_preset").set_value("nn-xavier").run()
    at.sidebar.slider(key="train_epochs").set_value(2).run()
    at.toggle(key="train_quick").set_value(True).run()
    at.select_slider(key="train_quick_size").set_value(2000).run()
    at.text_input(key="train_name").set_value("Class demo").run()
    at.button(key="train_start").click().run()
    assert not at.exception
    [run] = runs.list_runs()
    assert run.status == "queued" and run.name == "class-demo" and run.train_limit == 2000
    assert run.spec == get_preset("nn-xavier").spec.replace(epochs=2)
    assert run.preset is None and run.options["based_on"] == "nn-xavier"  # custom: no published figure claimed
    assert f"Run #{run.id} class-demo is queued" in at.success[0].value
    assert run.owner.startswith("session:")  # who started it: their device, or here (no address) their session
    assert "place 1 in the queue" in "".join(str(element.proto) for element in at.get("page_link"))


def test_the_address_holds_the_settings_and_a_link_reproduces_them():
    at = open_page(preset="nn-dropout", lr="0.01", layers="3", quick="1", digits="2000")
    assert at.sidebar.selectbox(key="train_preset").value == "nn-dropout"
    assert at.sidebar.select_slider(key="train_learning_rate").value == 0.01
    assert at.sidebar.slider(key="train_hidden_layers").value == 3
    assert at.toggle(key="train_quick").value and at.select_slider(key="train_quick_size").value == 2000
    assert at.sidebar.slider(key="train_keep_prob").value == pytest.approx(0.7)  # the preset's, not in the link
    at.sidebar.slider(key="train_keep_prob").set_value(0.5).run()
    link = {key: at.query_params[key] for key in at.query_params}
    assert link == {"lang": "en", "preset": "nn-dropout", "lr": "0.01", "layers": "3", "keep": "0.5", "quick": "1",
                    "digits": "2000"}
    again = open_page(**{key: value for key, value in link.items() if key != "lang"})  # another machine, same link
    assert {key: value for key, value in metric_values(again).items()} == metric_values(at)
    assert again.markdown[0].value == at.markdown[0].value and "keep prob 0.7 → 0.5" in at.markdown[0].value
    assert again.text_input(key="train_name").value != at.text_input(key="train_name").value  # a name each


def test_a_link_with_values_the_controls_cannot_take_applies_the_rest():
    at = open_page(preset="nn", lr="7", width="256", layers="eleven")
    assert at.sidebar.selectbox(key="train_preset").value == "nn"
    assert at.sidebar.select_slider(key="train_learning_rate").value == 0.001  # the preset's
    assert "left out: layers, lr." in at.warning[0].value


def test_the_train_page_has_no_text_outside_the_catalogue():
    from tests.pages.untranslated import untranslated

    at = open_page(lang="pseudo")
    names = [at.text_input(key="train_name").value, "softmax", "Dense", "Input", "Flatten", "Softmax", "logits"]
    assert untranslated(at, names=names) == []
    at = open_page(lang="pseudo", preset="cnn-lab", quick="1", lr="0.01")  # a custom quick CNN, from a link
    assert untranslated(at, names=names + [at.text_input(key="train_name").value, "cnn-lab", "Conv2D",
                                           "MaxPooling2D", "conv"]) == []


def test_a_shipped_models_name_is_refused_even_for_the_teacher(stores):
    (stores / "models").mkdir()
    (stores / "models" / "SHIPPED").write_text("softmax\n")
    at = open_page()
    at.text_input(key="train_name").set_value("softmax").run()
    assert "softmax is a shipped lecture model" in at.error[0].value and at.button(key="train_start").disabled


def visitor_page(monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("MNIST_LAB_TEACHER_PASSWORD", "class of 2026")
    return open_page(**query)


def test_a_visitor_trains_within_the_teachers_limits(monkeypatch):
    at = visitor_page(monkeypatch, preset="nn-dropout", epochs="50")  # 27,500 steps: over the visitors' 20,000
    assert "visitors' runs may train at most 20,000" in at.error[0].value and at.button(key="train_start").disabled
    at.sidebar.slider(key="train_epochs").set_value(2).run()
    at.button(key="train_start").click().run()
    assert not at.exception and len(runs.list_runs()) == 1
    at.button(key="train_start").click().run()  # a second run while the first waits: over the quota of 1
    assert any("You already have 1 run" in error.value for error in at.error)
    assert len(runs.list_runs()) == 1
    assert "Your runs waiting or training: 1 of 1" in " ".join(caption.value for caption in at.caption)


@pytest.mark.parametrize("page", [PAGE, "pages/2_Curves.py"])
def test_the_pages_do_not_import_tensorflow(page):
    code = (f"import sys; from streamlit.testing.v1 import AppTest; at = AppTest.from_file({APP!r}, default_timeout=60); "
            f"at.switch_page({page!r}); at.run(); assert not at.exception, at.exception; "
            "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "False False"


def test_a_locked_run_store_is_one_line_within_seconds_and_the_page_still_works(stores):
    import sqlite3
    import time

    runs.create_run(get_preset("softmax").spec, "earlier")
    holder = sqlite3.connect(runs.database_path(), isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")  # another program keeps the whole file to itself
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        at = open_page()
        assert time.monotonic() - started < 25  # not 30 s per query: a page waits 2 s at most for the lock
        [trouble] = [warning.value for warning in at.warning if "run store is busy" in warning.value]
        assert "\n" not in trouble and at.button(key="train_start").disabled
        assert metric_values(at)["Parameters"] == "7,850"  # the rest of the page works
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    at.run()
    assert not [warning for warning in at.warning if "run store is busy" in warning.value]
    assert not at.button(key="train_start").disabled
