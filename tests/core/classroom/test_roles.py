"""core.classroom.roles: the teacher's password, actors, and refusals in the visitor's language."""

import pytest

from core.classroom.roles import Actor, PermissionDenied, Refusal, check_password, password_required, require_teacher
from core.i18n.catalog import set_language


@pytest.fixture(autouse=True)
def no_password(monkeypatch, tmp_path):
    monkeypatch.delenv("MNIST_LAB_TEACHER_PASSWORD", raising=False)
    monkeypatch.setattr("core.settings.SECRETS_FILES", (tmp_path / "secrets.toml",))


def test_without_a_password_the_lab_is_a_desk_app_and_no_password_signs_in():
    assert not password_required()
    assert not check_password("") and not check_password("anything")


def test_the_password_is_checked_exactly(monkeypatch):
    monkeypatch.setenv("MNIST_LAB_TEACHER_PASSWORD", "sejong 1443")
    assert password_required()
    assert check_password("sejong 1443")
    assert not check_password("sejong") and not check_password("sejong 1443 ") and not check_password(None)


def test_only_the_teacher_passes_require_teacher():
    require_teacher(Actor("x", teacher=True))
    require_teacher(Actor.command_line())
    with pytest.raises(PermissionDenied, match="Only the teacher can delete models."):
        require_teacher(Actor("10.0.0.5"), "Only the teacher can delete models.")


def test_a_refusal_is_english_for_logs_and_translated_for_pages():
    refusal = Refusal("A saved model is already called {name}.", name="nn-3f2a")
    assert str(refusal) == "A saved model is already called nn-3f2a."
    set_language("pseudo")
    try:
        assert refusal.localized() == "⟦A saved model is already called nn-3f2a.⟧"
    finally:
        set_language(None)
