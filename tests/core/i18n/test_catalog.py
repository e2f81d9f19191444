"""core.i18n.catalog: Korean by default, English on request, per visitor; plural forms; a pseudo language for tests."""

import threading

import pytest

from core.i18n import catalog
from core.i18n.catalog import N_, _, language, ngettext, set_language, use_language_source


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    monkeypatch.delenv("MNIST_LAB_LANGUAGE", raising=False)
    set_language(None)
    use_language_source(None)
    yield
    set_language(None)
    use_language_source(None)


def test_korean_is_the_default_and_english_is_the_message_id():
    assert language() == "ko" and _("Presentation mode") == "발표 모드"
    set_language("en")
    assert _("Presentation mode") == "Presentation mode"


def test_the_teacher_can_make_english_the_default(monkeypatch):
    monkeypatch.setenv("MNIST_LAB_LANGUAGE", "en")
    assert language() == "en"
    monkeypatch.setenv("MNIST_LAB_LANGUAGE", "klingon")  # not a language of the app: the default stays Korean
    assert language() == "ko"


def test_each_visitor_gets_their_own_language_from_the_source():
    visitor = threading.local()
    use_language_source(lambda: getattr(visitor, "language", None))
    seen = {}

    def visit(code: str) -> None:
        visitor.language = code
        seen[code] = _("Presentation mode")

    threads = [threading.Thread(target=visit, args=(code,)) for code in ("en", "ko")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"en": "Presentation mode", "ko": "발표 모드"}


def test_a_process_choice_wins_over_the_source():
    use_language_source(lambda: "ko")
    set_language("en")
    assert _("Language") == "Language"


def test_an_unknown_id_falls_back_to_english_and_n_marks_without_translating():
    assert _("A sentence nobody translated") == "A sentence nobody translated"
    assert N_("Presentation mode") == "Presentation mode"


def test_plural_forms_follow_the_catalogue():
    set_language("en")
    assert ngettext("{count} model", "{count} models", 1) == "{count} model"
    assert ngettext("{count} model", "{count} models", 3) == "{count} models"


def test_the_pseudo_language_marks_every_translated_string():
    set_language(catalog.PSEUDO_LANGUAGE)
    assert _("Language") == "⟦Language⟧"
    assert ngettext("{count} model", "{count} models", 2) == "⟦{count} models⟧"


def test_the_catalogue_is_compiled_from_the_po_files_in_the_repository():
    paths = catalog.catalogue_paths("ko")
    assert paths and all(path.suffix == ".po" for path in paths)
    merged = catalog.read_catalogue("ko")
    assert merged.get("Presentation mode").string == "발표 모드"


@pytest.mark.parametrize(("argv", "locale", "expected"), [
    ([], "", "en"), ([], "C.UTF-8", "en"), ([], "ko_KR.UTF-8", "ko"), (["--lang", "ko"], "en_US.UTF-8", "ko"),
    (["--lang", "en"], "ko_KR.UTF-8", "en"),
])
def test_a_command_line_speaks_english_unless_asked_or_the_locale_is_korean(argv, locale, expected, monkeypatch):
    import argparse

    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", locale)
    parser = argparse.ArgumentParser()
    catalog.add_language_option(parser)
    try:
        assert catalog.use_command_line_language(parser.parse_args(argv)) == expected == language()
    finally:
        set_language(None)


@pytest.mark.parametrize(("flag", "expected"), [([], "must be a whole number"), (["--lang", "ko"], "정수여야")])
def test_the_train_command_answers_in_the_language_asked(flag, expected):
    import os
    import subprocess
    import sys

    from core.settings import REPO_ROOT

    environment = {key: value for key, value in os.environ.items() if key not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    environment.pop("MNIST_LAB_LANGUAGE", None)  # the app's default (Korean) is not a command line's
    done = subprocess.run([sys.executable, "-m", "core.train", "--preset", "nn", "--epochs", "0", *flag],
                          cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and expected in done.stderr + done.stdout
