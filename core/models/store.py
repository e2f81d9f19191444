"""The model store: `saved_models/<name>.keras` plus its JSON card `<name>.json` (core.models.card).

Both files are written atomically (temp file, then rename) and the card is written last, so
a model without a card is never listed. Models load with Keras safe mode; a corrupt or
foreign file gives a `ModelLoadError` and never stops the others from loading.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import re
from pathlib import Path
from typing import Any

from core import settings
from core.models.card import ModelCard, library_versions

MAX_NAME_LENGTH = 64
_NAME_PATTERN = re.compile(r"[^a-z0-9_-]+")


class ModelLoadError(RuntimeError):
    """A saved model or its card could not be read; the message says which file and why."""


def sanitize_name(name: str) -> str:
    """A safe file stem: lower-case letters, digits, '-' and '_' only (no path escapes)."""
    cleaned = _NAME_PATTERN.sub("-", str(name).strip().lower()).strip("-_")[:MAX_NAME_LENGTH].strip("-_")
    if not cleaned:
        raise ValueError(f"model name {name!r} has no usable characters: use letters, digits, '-' or '_'")
    return cleaned


def _atomic_write_bytes(path: Path, writer) -> None:
    temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        writer(temporary)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def save_model(model: Any, card: ModelCard, directory: Path | None = None) -> Path:
    """Write `<name>.keras` (weights, no optimizer state) then `<name>.json`, each atomically; return the model path."""
    import keras

    directory = Path(directory) if directory is not None else settings.models_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = sanitize_name(card.name)
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
    """Set some fields of a saved card, keeping the rest, atomically (e.g. drawn-digit accuracy)."""
    card = json.loads(Path(path).read_text())
    card.update(values)
    _atomic_write_bytes(Path(path), lambda temporary: temporary.write_text(json.dumps(card, indent=2) + "\n"))


def read_card(path: Path) -> ModelCard:
    """Read one card; ModelLoadError if it is unreadable or not a model card."""
    try:
        return ModelCard.from_dict(json.loads(Path(path).read_text()))
    except (OSError, ValueError, TypeError) as error:
        raise ModelLoadError(f"{Path(path).name}: not a readable model card ({error})") from error


def list_cards(directory: Path | None = None) -> tuple[list[ModelCard], list[str]]:
    """(cards of every saved model with a .keras file, problems found), sorted by name. Needs no TensorFlow."""
    directory = Path(directory) if directory is not None else settings.models_dir()
    cards, problems = [], []
    for card_path in sorted(directory.glob("*.json")):
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


def load_model(name: str, directory: Path | None = None) -> Any:
    """Load `<name>.keras` with Keras safe mode; ModelLoadError with the reason if it is corrupt or foreign."""
    import keras

    directory = Path(directory) if directory is not None else settings.models_dir()
    path = directory / f"{sanitize_name(name)}.keras"
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as error:  # Keras raises many types for a bad zip, bad config or unsafe code
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        raise ModelLoadError(f"{path.name}: cannot be loaded ({type(error).__name__}: {reason})") from error
    shape = tuple(model.output_shape) if hasattr(model, "output_shape") else None
    if tuple(model.input_shape[1:]) != (28, 28, 1) or shape is None or shape[-1] != 10:
        raise ModelLoadError(f"{path.name}: not an MNIST model (input {model.input_shape}, output {shape})")
    return model


def model_exists(name: str, directory: Path | None = None) -> bool:
    """True if a model file is saved under this (sanitised) name."""
    directory = Path(directory) if directory is not None else settings.models_dir()
    return (directory / f"{sanitize_name(name)}.keras").is_file()


def delete_model(name: str, directory: Path | None = None) -> None:
    """Remove a saved model and its card (the card first, so it is never listed half-deleted)."""
    directory = Path(directory) if directory is not None else settings.models_dir()
    stem = sanitize_name(name)
    for suffix in (".json", ".keras"):
        path = directory / f"{stem}{suffix}"
        if path.exists():
            path.unlink()
