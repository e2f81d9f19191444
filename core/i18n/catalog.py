"""The message catalogues and the language in use.

A language's catalogue is the gettext `.po` files in `locales/<language>/LC_MESSAGES/` (one per
area of the app, so that people working on different pages do not edit the same file), merged
and compiled in memory when first used: Babel writes the `.mo`, the standard library's gettext
reads it. The `.po` files in the repository are the only source. The language in use is asked of a *source*: the Streamlit side registers one that reads
the visitor's session, a command line sets one for its whole process with `set_language`.
`PSEUDO_LANGUAGE` wraps every translated string in ⟦ ⟧, so a test can find text that skipped the
catalogue.
"""

from __future__ import annotations

import functools
import gettext
import io
import threading
from pathlib import Path
from typing import Any, Callable

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core import settings

LANGUAGES = {"ko": "한국어", "en": "English"}  # language code → its own name, as the switch shows it
SOURCE_LANGUAGE = "en"
DEFAULT_LANGUAGE = "ko"
PSEUDO_LANGUAGE = "pseudo"
DOMAIN = "mnist_lab"
LOCALE_DIR = Path(__file__).resolve().parent / "locales"

_process = threading.local()
_source: Callable[[], str | None] | None = None


class PseudoTranslations(gettext.NullTranslations):
    """English wrapped in ⟦ ⟧: text on a page without the brackets never went through the catalogue."""

    def gettext(self, message: str) -> str:
        """The message, marked."""
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural message, marked."""
        return f"⟦{singular if n == 1 else plural}⟧"


def catalogue_paths(language_code: str) -> list[Path]:
    """The .po files of a language, in name order."""
    return sorted((LOCALE_DIR / language_code / "LC_MESSAGES").glob("*.po"))


def read_catalogue(language_code: str) -> Catalog:
    """Every .po file of a language merged into one catalogue (empty if there is none)."""
    merged = Catalog(locale=language_code, domain=DOMAIN)
    for path in catalogue_paths(language_code):
        with open(path, "rb") as handle:
            for message in read_po(handle, locale=language_code, domain=DOMAIN):
                if message.id:
                    merged[message.id] = message
    return merged


@functools.lru_cache(maxsize=None)
def translations(language_code: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language (English and unknown languages: the message ids themselves)."""
    if language_code == PSEUDO_LANGUAGE:
        return PseudoTranslations()
    if language_code == SOURCE_LANGUAGE or not catalogue_paths(language_code):
        return gettext.NullTranslations()
    compiled = io.BytesIO()
    write_mo(compiled, read_catalogue(language_code))
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def default_language() -> str:
    """The language a visitor sees first: the teacher's choice (settings), Korean unless set."""
    chosen = settings.default_language()
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def command_line_language(choice: str | None) -> str:
    """A command line's language: `--lang` if given, else the shell's locale (ko_KR… → Korean), else English."""
    if choice in LANGUAGES:
        return choice
    return "ko" if settings.system_locale().lower().startswith("ko") else SOURCE_LANGUAGE


def add_language_option(parser: Any) -> None:
    """Give a command line `--lang en|ko` (default: English, or Korean when the shell's locale is Korean)."""
    parser.add_argument("--lang", choices=sorted(LANGUAGES),
                        help="language of the output: en or ko (default: the locale's, else English)")


def use_command_line_language(arguments: Any) -> str:
    """Fix this process's language from a parsed `--lang` (see add_language_option); returns it."""
    chosen = command_line_language(getattr(arguments, "lang", None))
    set_language(chosen)
    return chosen


def use_language_source(source: Callable[[], str | None] | None) -> None:
    """Register where the language in use comes from (the UI: the visitor's session); None forgets it."""
    global _source
    _source = source


def set_language(language_code: str | None) -> None:
    """Fix the language for this thread (a command line's whole run); None goes back to the source."""
    _process.language = language_code


def language() -> str:
    """The language in use now: this thread's choice, else the source's, else the default."""
    chosen = getattr(_process, "language", None)
    if chosen is None and _source is not None:
        chosen = _source()
    if chosen in LANGUAGES or chosen == PSEUDO_LANGUAGE:
        return chosen
    return default_language()


def _(message: str) -> str:
    """`message` (an English message id) in the language in use."""
    return translations(language()).gettext(message)


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it now (module constants): translate where shown."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, in the language in use (Korean has one form)."""
    return translations(language()).ngettext(singular, plural, count)
