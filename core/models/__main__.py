"""Command line: the saved models, managed from the server's terminal (whoever runs it is the teacher).

    python -m core.models list [--json]              every model: shipped, quick, on the Draw page, voting
    python -m core.models delete NAME...             to the trash (shipped models are read-only)
    python -m core.models trash [--json]             what the trash holds
    python -m core.models restore NAME_OR_ID [--as NEW_NAME]
    python -m core.models rename OLD NEW
    python -m core.models empty-trash
    python -m core.models draw [--show NAME... | --show-all] [--vote NAME... | --vote-default]
    python -m core.models export NAME [--to DIR]     NAME.zip: the .keras file and its card

A model whose card is wrong or unreadable is skipped with a note on stderr; the others are listed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from core.classroom.roles import Actor, Refusal
from core.i18n.catalog import add_language_option, use_command_line_language
from core.models import manage
from core.models.selection import DrawSelection, draw_selection, set_draw_selection


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core.models", description="Manage the saved models.")
    parser.add_argument("--models-dir", type=Path, default=None, help="default: saved_models/")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every saved model").add_argument("--json", action="store_true")
    commands.add_parser("delete", help="move models to the trash").add_argument("names", nargs="+")
    commands.add_parser("trash", help="list the trash").add_argument("--json", action="store_true")
    restore = commands.add_parser("restore", help="bring a model back from the trash")
    restore.add_argument("item", help="its name, or its id from `trash`")
    restore.add_argument("--as", dest="new_name", default=None, help="restore it under another name")
    rename = commands.add_parser("rename", help="rename a model")
    rename.add_argument("old")
    rename.add_argument("new")
    commands.add_parser("empty-trash", help="delete the trash for good")
    draw = commands.add_parser("draw", help="show or set the Draw page's models")
    shown = draw.add_mutually_exclusive_group()
    shown.add_argument("--show", nargs="+", metavar="NAME", help="show only these models")
    shown.add_argument("--show-all", action="store_true", help="show every saved model")
    voting = draw.add_mutually_exclusive_group()
    voting.add_argument("--vote", nargs="+", metavar="NAME", help="only these models vote in the ensemble")
    voting.add_argument("--vote-default", action="store_true", help="the Draw page's own rule decides who votes")
    export = commands.add_parser("export", help="write NAME.zip (the model and its card)")
    export.add_argument("name")
    export.add_argument("--to", type=Path, default=Path("."), help="folder for the zip (default: here)")
    add_language_option(parser)
    return parser


def _list(directory: Path | None, as_json: bool) -> None:
    entries, problems = manage.list_models(directory)
    for problem in problems:
        print(f"skipped: {problem}", file=sys.stderr)
    if as_json:
        print(json.dumps({"models": [{"name": entry.name, "shipped": entry.shipped, "quick": entry.card.is_quick,
                                      "shown": entry.shown, "voting": entry.voting, "size_bytes": entry.size_bytes,
                                      "card": dataclasses.asdict(entry.card)} for entry in entries],
                          "problems": problems}))
        return
    for entry in entries:
        marks = [mark for mark, on in (("shipped", entry.shipped), ("quick run", entry.card.is_quick),
                                        ("hidden from Draw", not entry.shown), ("votes", entry.voting is True),
                                        ("does not vote", entry.voting is False)) if on]
        print(f"{entry.name:32s} {entry.card.test_accuracy:.4f}  {entry.size_bytes / 1e6:7.2f} MB  "
              f"{entry.card.description}" + (f"  [{', '.join(marks)}]" if marks else ""))


def _trash(directory: Path | None, as_json: bool) -> None:
    items = manage.list_trash(directory)
    if as_json:
        print(json.dumps([{"id": item.id, "name": item.name, "deleted_at": item.deleted_at,
                           "size_bytes": item.size_bytes} for item in items]))
        return
    for item in items:
        print(f"{item.id:48s} {item.name}")
    if not items:
        print("the trash is empty", file=sys.stderr)


def _draw(arguments: argparse.Namespace, actor: Actor) -> None:
    current = draw_selection(arguments.models_dir)
    shown = (frozenset(arguments.show) if arguments.show else None if arguments.show_all else current.shown)
    voting = (frozenset(arguments.vote) if arguments.vote else None if arguments.vote_default else current.voting)
    if (shown, voting) != (current.shown, current.voting):
        set_draw_selection(DrawSelection(shown, voting), actor, arguments.models_dir)
    print(json.dumps(draw_selection(arguments.models_dir).to_dict()))


def _run(arguments: argparse.Namespace) -> None:
    actor, directory = Actor.command_line(), arguments.models_dir
    if arguments.command == "list":
        _list(directory, arguments.json)
    elif arguments.command == "delete":
        for name in arguments.names:
            print(f"{name} → trash: {manage.move_to_trash(name, actor, directory).id}")
    elif arguments.command == "trash":
        _trash(directory, arguments.json)
    elif arguments.command == "restore":
        print(f"restored {manage.restore(arguments.item, actor, directory, arguments.new_name)}")
    elif arguments.command == "rename":
        print(f"renamed {arguments.old} → {manage.rename_model(arguments.old, arguments.new, actor, directory)}")
    elif arguments.command == "empty-trash":
        print(f"deleted {manage.empty_trash(actor, directory)} model(s) for good")
    elif arguments.command == "draw":
        _draw(arguments, actor)
    elif arguments.command == "export":
        arguments.to.mkdir(parents=True, exist_ok=True)
        target = arguments.to / f"{arguments.name}.zip"
        target.write_bytes(manage.export_model(arguments.name, directory))
        print(str(target))


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: exit 1 with a one-line reason when an action is refused."""
    arguments = _parser().parse_args(argv)
    use_command_line_language(arguments)
    try:
        _run(arguments)
    except (Refusal, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
