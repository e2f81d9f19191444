"""core.i18n.messages: the Korean catalogue covers every message the code uses, with the same placeholders."""

from core.i18n.messages import check, duplicates, extract, placeholders


def test_every_message_of_the_code_is_translated_into_korean():
    problems = check("ko") + duplicates("ko")
    assert not problems, "\n".join(problems[:40]) + "\nrun: python -m core.i18n.messages update, then translate"


def test_extraction_finds_the_messages_of_pages_ui_and_core():
    ids = {message.id if isinstance(message.id, str) else message.id[0] for message in extract() if message.id}
    assert {"Home", "Presentation mode"} <= ids


def test_placeholders():
    assert placeholders("{count} models in {seconds:.1f} s") == {"count", "seconds"}
    assert placeholders("no fields") == set()
