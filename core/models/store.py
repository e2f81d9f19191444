"""The model store: `saved_models/<name>.keras` plus its JSON card `<name>.json` (core.models.card).

Both files are written atomically (temp file, then rename) and the card is written last, so
a model without a card is never listed. Models load with Keras safe mode; a corrupt or
foreign file, a card that fails `validate_card`, or weights that do not match their card give a
`ModelLoadError` and never stop the others from loading.

The shipped lecture models are listed in the folder's `SHIPPED` file (one name a line): they are
read-only. Nothing replaces one except `save_model(..., force=True)` (`python -m core.train --force`).
Temporary files a killed process left (`.tmp-<pid>-*`) are removed by `remove_stale_temporary_files`.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import re
import time
import unicodedata
from pathlib import Path
from typing import Any

from core import settings
from core.classroom.roles import Refusal
from core.i18n import N_
from core.models.card import CardError, ModelCard, library_versions, validate_card

MAX_NAME_LENGTH = 64
_NAME_PATTERN = re.compile(r"[^\w-]+")  # \w: any language's letters and digits (내-모델), and _
SHIPPED_MANIFEST = "SHIPPED"
TEMPORARY_PREFIX = ".tmp-"
STALE_TEMPORARY_SECONDS = 3600  # a save takes seconds: an hour-old temporary file is left over whoever wrote it


class ModelLoadError(RuntimeError):
    """A saved model or its card could not be read; the message says which file and why."""


class ReadOnlyModel(Refusal):
    """A shipped lecture model: no run, rename or delete may replace it."""


def _folder(directory: Path | str | None) -> Path:
    return Path(directory) if directory is not None else settings.models_dir()


def shipped_names(directory: Path | None = None) -> frozenset[str]:
    """The shipped lecture models of a folder: the names its SHIPPED file lists ('#' starts a comment)."""
    try:
        text = (_folder(directory) / SHIPPED_MANIFEST).read_text()
    except OSError:
        return frozenset()
    return frozenset(line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip())


def is_shipped(name: str, directory: Path | None = None) -> bool:
    """True if `name` (sanitised) is a shipped lecture model of the folder."""
    try:
        return sanitize_name(name) in shipped_names(directory)
    except ValueError:
        return False


def refuse_if_shipped(name: str, directory: Path | None = None) -> None:
    """Raise ReadOnlyModel if `name` is a shipped lecture model."""
    if is_shipped(name, directory):
        raise ReadOnlyModel(N_("{name} is a shipped lecture model: it cannot be replaced, renamed or deleted. "
                               "Choose another name."), name=sanitize_name(name))


def sanitize_name(name: str) -> str:
    """A safe file stem: letters of any language (lower-case), digits, '-' and '_' only (no dots, no path escapes)."""
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()  # one spelling per name: ｆｕｌｌ → full
    cleaned = _NAME_PATTERN.sub("-", text).strip("-_")[:MAX_NAME_LENGTH].strip("-_")
    if not cleaned:
        raise ValueError(f"model name {name!r} has no usable characters: use letters, digits, '-' or '_'")
    return cleaned


def _atomic_write_bytes(path: Path, writer) -> None:
    temporary = path.with_name(f"{TEMPORARY_PREFIX}{os.getpid()}-{path.name}")
    try:
        writer(temporary)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def save_model(model: Any, card: ModelCard, directory: Path | None = None, force: bool = False) -> Path:
    """Write `<name>.keras` (weights, no optimizer state) then `<name>.json`, each atomically; return the model path.

    A shipped lecture model is never replaced (ReadOnlyModel) unless `force` (re-creating the shipped models).
    """
    import keras

    directory = _folder(directory)
    name = sanitize_name(card.name)
    if not force:
        refuse_if_shipped(name, directory)
    directory.mkdir(parents=True, exist_ok=True)
    card.name = name
    card.created = card.created or datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    card.library_versions = card.library_versions or library_versions()
    # An uncompiled copy carries no optimizer state (a third of the size with Adam) and no custom loss.
    # (clone_model would recompile it, and save_model's include_optimizer only applies to legacy .h5.)
    inference_model = keras.Model.from_config(model.get_config())
    inference_model.set_weights(model.get_weights())
    model_path = directory / f"{name}.keras"
    _atomic_write_bytes(model_path, lambda path: inference_model.save(path))
    card_path = directory / f"{name}.json"
    _atomic_write_bytes(card_path, lambda path: path.write_text(json.dumps(dataclasses.asdict(card), indent=2) + "\n"))
    return model_path


def update_card(path: Path, values: dict[str, Any]) -> None:
    """Set some fields of a saved card (e.g. a benchmark's accuracy), keeping the rest, atomically.

    Nothing is written unless the result is a valid card: ValueError for a field cards do not have,
    CardError (naming the field) for a wrong value.
    """
    unknown = sorted(set(values) - {field.name for field in dataclasses.fields(ModelCard)})
    if unknown:
        raise ValueError(f"a model card has no field {', '.join(unknown)}")
    card = json.loads(Path(path).read_text())
    card.update(values)
    validate_card(ModelCard.from_dict(card))
    _atomic_write_bytes(Path(path), lambda temporary: temporary.write_text(json.dumps(card, indent=2) + "\n"))


def read_card(path: Path) -> ModelCard:
    """Read one card and check it (validate_card); ModelLoadError if it is unreadable, not a card, or wrong."""
    try:
        card = ModelCard.from_dict(json.loads(Path(path).read_text()))
    except (OSError, ValueError, TypeError) as error:
        raise ModelLoadError(f"{Path(path).name}: not a readable model card ({error})") from error
    try:
        return validate_card(card)
    except CardError as error:
        raise ModelLoadError(f"{Path(path).name}: a wrong model card ({error})") from error


def list_cards(directory: Path | None = None) -> tuple[list[ModelCard], list[str]]:
    """(cards of every saved model with a .keras file and a valid card, problems found), sorted by name. No TensorFlow."""
    directory = _folder(directory)
    cards, problems = [], []
    for card_path in sorted(directory.glob("*.json")):
        if card_path.name.startswith("."):  # a temporary file being written, or left by a killed process
            continue
        try:
            card = read_card(card_path)
        except ModelLoadError as error:
            problems.append(str(error))
            continue
        if not (directory / f"{card_path.stem}.keras").is_file():
            problems.append(f"{card_path.name}: its model file {card_path.stem}.keras is missing")
            continue
        card.name = card_path.stem
        cards.append(card)
    return cards, problems


def load_model(name: str, directory: Path | None = None, card: ModelCard | None = None) -> Any:
    """Load `<name>.keras` with Keras safe mode and check it against its card (read if not given).

    ModelLoadError with the reason if the file is corrupt or foreign, or its weights are not what its card says.
    """
    import keras

    directory = _folder(directory)
    path = directory / f"{sanitize_name(name)}.keras"
    card_path = path.with_suffix(".json")
    if card is None and card_path.is_file():
        card = read_card(card_path)
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as error:  # Keras raises many types for a bad zip, bad config or unsafe code
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        raise ModelLoadError(f"{path.name}: cannot be loaded ({type(error).__name__}: {reason})") from error
    shape = tuple(model.output_shape) if hasattr(model, "output_shape") else None
    if tuple(model.input_shape[1:]) != (28, 28, 1) or shape is None or shape[-1] != 10:
        raise ModelLoadError(f"{path.name}: not an MNIST model (input {model.input_shape}, output {shape})")
    if card is not None:
        check_against_card(model, card, path.name)
    return model


def _has_convolutions(model: Any) -> bool:
    layers = list(getattr(model, "layers", []))
    return any("Conv" in type(layer).__name__ or _has_convolutions(layer) for layer in layers if layer is not model)


def check_against_card(model: Any, card: ModelCard, label: str) -> None:
    """ModelLoadError unless the loaded weights are the card's architecture: same parameter count, conv layers or not."""
    parameters = int(model.count_params())
    if parameters != card.parameters:
        raise ModelLoadError(f"{label}: its weights ({parameters:,} parameters) are not the model its card describes "
                             f"({card.description}, {card.parameters:,} parameters)")
    if _has_convolutions(model) != (card.kind == "cnn"):
        raise ModelLoadError(f"{label}: its layers are not the {card.kind} its card describes ({card.description})")


def model_exists(name: str, directory: Path | None = None) -> bool:
    """True if a model or a card is saved under this (sanitised) name."""
    directory, stem = _folder(directory), sanitize_name(name)
    return (directory / f"{stem}.keras").is_file() or (directory / f"{stem}.json").is_file()


def model_names(directory: Path | None = None) -> set[str]:
    """Every name a model file or a card is saved under (whether or not it loads): names a new model must avoid."""
    directory = _folder(directory)
    if not directory.is_dir():
        return set()
    return {path.stem for path in directory.iterdir()
            if path.suffix in (".keras", ".json") and not path.name.startswith(".")}


def disk_use(directory: Path | None = None) -> tuple[int, int]:
    """(number of saved models, bytes their .keras and .json files take)."""
    directory = _folder(directory)
    if not directory.is_dir():
        return 0, 0
    files = [path for path in directory.iterdir() if path.suffix in (".keras", ".json") and not path.name.startswith(".")]
    size = 0
    for path in files:
        try:
            size += path.stat().st_size
        except OSError:
            continue
    return len({path.stem for path in files if path.suffix == ".keras"}), size


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporary_files(directory: Path | None = None, pid: int | None = None) -> list[str]:
    """Remove `.tmp-<pid>-*` files whose writer is gone (or is `pid`, known dead) or that are an hour old; their names."""
    directory = _folder(directory)
    if not directory.is_dir():
        return []
    removed = []
    for path in directory.glob(f"{TEMPORARY_PREFIX}*"):
        writer = path.name[len(TEMPORARY_PREFIX):].split("-", 1)[0]
        try:
            old = time.time() - path.stat().st_mtime > STALE_TEMPORARY_SECONDS
            dead = writer.isdigit() and (int(writer) == pid or not _pid_alive(int(writer)))
            if path.is_file() and (dead or old):
                path.unlink()
                removed.append(path.name)
        except OSError:
            continue
    return removed


def delete_model(name: str, directory: Path | None = None) -> None:
    """Remove a saved model and its card for good (the card first, so it is never listed half-deleted).

    The pages and the command line move models to the trash instead (core.models.manage).
    """
    directory = _folder(directory)
    stem = sanitize_name(name)
    for suffix in (".json", ".keras"):
        path = directory / f"{stem}{suffix}"
        if path.exists():
            path.unlink()
