"""Managing the saved models: list, rename, delete to a trash that can be restored, export (.keras + card).

Every change is the teacher's (checked here, whatever the page showed): `move_to_trash`,
`restore`, `rename_model` and `empty_trash` take an `Actor` and raise PermissionDenied for a
visitor. The shipped lecture models (core.models.store.shipped_names) are read-only. The trash
is the folder's `.trash/`, one folder per deleted model holding its two files as they were.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import time
import zipfile
from pathlib import Path

from core import settings
from core.classroom.roles import Actor, Refusal, require_teacher
from core.i18n import N_
from core.models.card import ModelCard
from core.models.selection import draw_selection, rename_in_selection
from core.models.store import (
    ModelLoadError,
    list_cards,
    model_names,
    read_card,
    refuse_if_shipped,
    sanitize_name,
    shipped_names,
)

TRASH_FOLDER = ".trash"


@dataclasses.dataclass(frozen=True)
class ModelEntry:
    """One saved model as the Models page and `python -m core.models list` show it."""

    card: ModelCard
    shipped: bool
    shown: bool  # on the Draw page
    voting: bool | None  # None: the Draw page's default rule decides
    size_bytes: int

    @property
    def name(self) -> str:
        """The model's name."""
        return self.card.name


@dataclasses.dataclass(frozen=True)
class TrashItem:
    """A deleted model, restorable: `id` names it in the trash."""

    id: str
    name: str
    deleted_at: float
    card: ModelCard | None
    size_bytes: int


def _folder(directory: Path | None) -> Path:
    return Path(directory) if directory is not None else settings.models_dir()


def _size(*paths: Path) -> int:
    return sum(path.stat().st_size for path in paths if path.is_file())


def list_models(directory: Path | None = None) -> tuple[list[ModelEntry], list[str]]:
    """(every saved model with a valid card, problems with the others), by name."""
    directory = _folder(directory)
    cards, problems = list_cards(directory) if directory.is_dir() else ([], [])
    shipped, selection = shipped_names(directory), draw_selection(directory)
    entries = [ModelEntry(card, card.name in shipped, selection.is_shown(card.name),
                          None if selection.voting is None else card.name in selection.voting,
                          _size(directory / f"{card.name}.keras", directory / f"{card.name}.json")) for card in cards]
    return entries, problems


def _existing(name: str, directory: Path) -> str:
    stem = sanitize_name(name)
    if stem not in model_names(directory):
        raise Refusal(N_("There is no saved model called {name}."), name=stem)
    return stem


def move_to_trash(name: str, actor: Actor, directory: Path | None = None) -> TrashItem:
    """The teacher deletes a model: its files go to the trash (the card first, so it is never listed half-moved)."""
    require_teacher(actor, N_("Only the teacher can delete models."))
    directory = _folder(directory)
    stem = _existing(name, directory)
    refuse_if_shipped(stem, directory)
    item_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 1_000_000:06d}-{stem}"
    target = directory / TRASH_FOLDER / item_id
    target.mkdir(parents=True)
    for suffix in (".json", ".keras"):
        if (directory / f"{stem}{suffix}").exists():
            os.replace(directory / f"{stem}{suffix}", target / f"{stem}{suffix}")
    return _trash_item(target)


def _trash_item(folder: Path) -> TrashItem:
    name = folder.name.split("-", 3)[-1]
    try:
        card = read_card(folder / f"{name}.json")
    except ModelLoadError:
        card = None
    return TrashItem(folder.name, name, folder.stat().st_mtime, card,
                     _size(folder / f"{name}.keras", folder / f"{name}.json"))


def list_trash(directory: Path | None = None) -> list[TrashItem]:
    """The deleted models, newest first."""
    trash = _folder(directory) / TRASH_FOLDER
    folders = [folder for folder in trash.iterdir() if folder.is_dir()] if trash.is_dir() else []
    return sorted((_trash_item(folder) for folder in folders), key=lambda item: item.id, reverse=True)


def _find_in_trash(item: str, directory: Path) -> Path:
    """A trash folder by its id, or the newest one holding a model of that name."""
    trash = directory / TRASH_FOLDER
    if item and (trash / item).is_dir() and "/" not in item and not item.startswith("."):
        return trash / item
    for entry in list_trash(directory):
        if entry.name == item:
            return trash / entry.id
    raise Refusal(N_("The trash holds nothing called {name}."), name=item)


def restore(item: str, actor: Actor, directory: Path | None = None, new_name: str | None = None) -> str:
    """The teacher restores a deleted model (by trash id or name), under `new_name` if given; returns its name."""
    require_teacher(actor, N_("Only the teacher can restore models."))
    directory = _folder(directory)
    folder = _find_in_trash(item, directory)
    old = folder.name.split("-", 3)[-1]
    name = sanitize_name(new_name) if new_name else old
    refuse_if_shipped(name, directory)
    if name in model_names(directory):
        raise Refusal(N_("A saved model is already called {name}: restore it under another name."), name=name)
    _write_card_name(folder / f"{old}.json", name)
    if (folder / f"{old}.keras").exists():
        os.replace(folder / f"{old}.keras", directory / f"{name}.keras")
    if (folder / f"{old}.json").exists():
        os.replace(folder / f"{old}.json", directory / f"{name}.json")  # the card last: listed once complete
    shutil.rmtree(folder, ignore_errors=True)
    return name


def _write_card_name(card_path: Path, name: str) -> None:
    try:
        values = json.loads(card_path.read_text())
    except (OSError, ValueError):
        return
    if isinstance(values, dict) and values.get("name") != name:
        values["name"] = name
        temporary = card_path.with_name(f".tmp-{os.getpid()}-{card_path.name}")
        temporary.write_text(json.dumps(values, indent=2) + "\n")
        os.replace(temporary, card_path)


def rename_model(old: str, new: str, actor: Actor, directory: Path | None = None) -> str:
    """The teacher renames a model (files, card and the Draw page's choice follow); returns the new name."""
    require_teacher(actor, N_("Only the teacher can rename models."))
    directory = _folder(directory)
    old = _existing(old, directory)
    new = sanitize_name(new)
    refuse_if_shipped(old, directory)
    refuse_if_shipped(new, directory)
    if new == old:
        return new
    if new in model_names(directory):
        raise Refusal(N_("A saved model is already called {name}."), name=new)
    card_path = directory / f"{old}.json"
    staged = directory / f".tmp-{os.getpid()}-{new}.json"
    if card_path.exists():
        os.replace(card_path, staged)  # unlisted while it moves
        _write_card_name(staged, new)
    if (directory / f"{old}.keras").exists():
        os.replace(directory / f"{old}.keras", directory / f"{new}.keras")
    if staged.exists():
        os.replace(staged, directory / f"{new}.json")
    rename_in_selection(old, new, directory)
    return new


def empty_trash(actor: Actor, directory: Path | None = None) -> int:
    """The teacher deletes the trash for good; returns how many models it held."""
    require_teacher(actor, N_("Only the teacher can empty the trash."))
    items = list_trash(directory)
    for entry in items:
        shutil.rmtree(_folder(directory) / TRASH_FOLDER / entry.id, ignore_errors=True)
    return len(items)


def export_model(name: str, directory: Path | None = None) -> bytes:
    """A zip of `<name>.keras` and `<name>.json`, as downloaded from the Models page."""
    directory = _folder(directory)
    stem = _existing(name, directory)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:  # .keras is a zip already
        for suffix in (".keras", ".json"):
            if (directory / f"{stem}{suffix}").is_file():
                archive.write(directory / f"{stem}{suffix}", f"{stem}{suffix}")
    return buffer.getvalue()
