"""Keep the catalogues in step with the code: extract the message ids, update a .po, check it.

    python -m core.i18n.messages check [--language ko]                  # exit 1 and list the problems
    python -m core.i18n.messages update [--language ko] [--file NAME]   # new ids (empty) into NAME.po

A language's catalogue is every .po file in its folder (core.i18n.catalog); `update` adds the
ids no file has yet to one file (default `mnist_lab`) and drops, from every file, ids the code no
longer uses.
A message id is the English text inside `_("…")`, `N_("…")` or `ngettext("…", "…", n)` in
`core/`, `ui/`, `pages/` and `app.py`. A translation must keep the id's `{placeholders}`.
"""

from __future__ import annotations

import argparse
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract as extract_file
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from core.i18n.catalog import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE, catalogue_paths, read_catalogue
from core.settings import REPO_ROOT

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
SOURCES = ("core", "ui", "pages")


def extract(root: Path = REPO_ROOT) -> Catalog:
    """Every message id in the code, with where it is used."""
    catalog = Catalog(domain=DOMAIN, project="MNIST lab")
    method_map = [("**.py", "python")]
    for folder in SOURCES:
        for filename, line, message, comments, context in extract_from_dir(
                root / folder, method_map, keywords=KEYWORDS, strip_comment_tags=True):
            catalog.add(message, locations=[(f"{folder}/{filename}", line)], auto_comments=comments, context=context)
    with open(root / "app.py", "rb") as handle:
        for line, message, comments, context in extract_file("python", handle, keywords=KEYWORDS):
            catalog.add(message, locations=[("app.py", line)], auto_comments=comments, context=context)
    return catalog


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a message."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def check(language_code: str, root: Path = REPO_ROOT) -> list[str]:
    """What is wrong with a language's catalogue: missing, untranslated, fuzzy, unused or placeholder-breaking entries."""
    used, catalogue, problems = extract(root), read_catalogue(language_code), []
    for message in used:
        if not message.id:
            continue
        entry = catalogue.get(message.id)
        where = f"{message.locations[0][0]}:{message.locations[0][1]}" if message.locations else "?"
        if entry is None:
            problems.append(f"missing: {message.id!r} ({where})")
            continue
        translated = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
        if not all(translated):
            problems.append(f"untranslated: {message.id!r} ({where})")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        for text in translated:  # a plural's every form keeps the plural id's placeholders
            if text and placeholders(text) != placeholders(ids[-1]):
                problems.append(f"placeholders differ: {ids[0]!r} → {text!r}")
    known = {message.id if isinstance(message.id, str) else message.id[0] for message in used if message.id}
    for entry in catalogue:
        key = entry.id if isinstance(entry.id, str) else entry.id[0]
        if entry.id and key not in known:
            problems.append(f"unused: {key!r}")
    return problems


def _key(message_id: str | tuple) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def duplicates(language_code: str) -> list[str]:
    """Ids that more than one of the language's .po files translate."""
    seen: dict[str, str] = {}
    problems = []
    for path in catalogue_paths(language_code):
        with open(path, "rb") as handle:
            for message in read_po(handle, locale=language_code, domain=DOMAIN):
                if message.id and _key(message.id) in seen:
                    problems.append(f"duplicate: {_key(message.id)!r} in {seen[_key(message.id)]} and {path.name}")
                elif message.id:
                    seen[_key(message.id)] = path.name
    return problems


def update(language_code: str, file_name: str = DOMAIN, root: Path = REPO_ROOT) -> Path:
    """Add the code's new ids to one .po file (empty translations); drop unused ids from every file."""
    used = extract(root)
    known = {_key(message.id) for message in used if message.id}
    elsewhere = set()
    folder = LOCALE_DIR / language_code / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{file_name}.po"
    for path in catalogue_paths(language_code):
        with open(path, "rb") as handle:
            catalogue = read_po(handle, locale=language_code, domain=DOMAIN)
        for message in list(catalogue):
            if message.id and _key(message.id) not in known:
                del catalogue[message.id]
        if path != target:
            elsewhere |= {_key(message.id) for message in catalogue if message.id}
            _write(path, catalogue)
    catalogue = read_po(open(target, "rb"), locale=language_code, domain=DOMAIN) if target.is_file() else \
        Catalog(locale=language_code, domain=DOMAIN, project="MNIST lab")
    for message in used:
        if message.id and _key(message.id) not in elsewhere and message.id not in catalogue:
            catalogue.add(message.id, string=("", "") if not isinstance(message.id, str) else "",
                          locations=message.locations, auto_comments=message.auto_comments)
    for message in list(catalogue):
        if message.id and _key(message.id) not in known:
            del catalogue[message.id]
    _write(target, catalogue)
    return target


def _write(path: Path, catalogue: Catalog) -> None:
    with open(path, "wb") as handle:
        write_po(handle, catalogue, width=100, no_location=True, include_previous=False)


def main(argv: list[str] | None = None) -> int:
    """Developer command: check or update a catalogue."""
    parser = argparse.ArgumentParser(prog="python -m core.i18n.messages", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("check", "update"))
    parser.add_argument("--language", default="ko", choices=[code for code in LANGUAGES if code != SOURCE_LANGUAGE])
    parser.add_argument("--file", default=DOMAIN, help="the .po file (without .po) that receives new ids")
    args = parser.parse_args(argv)
    if args.action == "update":
        print(f"updated {update(args.language, args.file)}")
        return 0
    problems = check(args.language) + duplicates(args.language)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) in the {LANGUAGES[args.language]} catalogue", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
