"""The class's own digits: drawings a visitor labelled (the digit they meant), kept in SQLite beside the run store.

Each drawing is kept twice: the canvas as drawn (PNG) and the 28×28 input the models saw, with
the label, the answer the page gave, who drew it and when. About one in five (by a hash of the id) is held out: it
never trains a model, so a fine-tuned model's accuracy on the class's handwriting is measured on
digits it has not seen. Exports: PNG files and a CSV, or MNIST's own IDX format.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import io
import sqlite3
import time
import zipfile
from pathlib import Path
from typing import Iterator

import numpy as np
from PIL import Image

from core import settings
from core.classroom.roles import Actor, require_teacher
from core.datasets.mnist import encode_idx
from core.i18n import N_

DATABASE_NAME = "drawings.sqlite3"
HELD_OUT_EVERY = 5  # about one drawing in 5 is held out, chosen by a hash of its id
IMAGE_SIZE = 28
_SCHEMA = """
CREATE TABLE IF NOT EXISTS drawings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label INTEGER NOT NULL CHECK (label BETWEEN 0 AND 9),
    answered INTEGER,
    input BLOB NOT NULL,
    canvas BLOB NOT NULL,
    visitor TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS drawings_by_label ON drawings (label, id);
"""


@dataclasses.dataclass(frozen=True)
class LabelledDrawing:
    """One stored drawing: what it is meant to be, what the page answered, and the 28×28 input (uint8)."""

    id: int
    label: int
    answered: int | None
    image: np.ndarray  # (28, 28) uint8, white on black, as the models saw it
    visitor: str
    created: float

    @property
    def held_out(self) -> bool:
        """Kept out of training: accuracy on the class's handwriting is measured on these."""
        return is_held_out(self.id)


def is_held_out(drawing_id: int) -> bool:
    """About one id in HELD_OUT_EVERY, spread by a hash: a class drawing 0, 1, …, 9 in turn still holds out every digit."""
    return hashlib.sha256(f"drawing-{drawing_id}".encode()).digest()[0] % HELD_OUT_EVERY == 0


def database_path() -> Path:
    """The SQLite file of the class's drawings."""
    return settings.runs_dir() / DATABASE_NAME


@contextlib.contextmanager
def _connect() -> Iterator[sqlite3.Connection]:
    path = database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.executescript(_SCHEMA)
        connection.execute("BEGIN")
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()


def _as_uint8(model_input: np.ndarray) -> np.ndarray:
    """A (28, 28) or (28, 28, 1) input in [0, 1] (or uint8) as (28, 28) uint8."""
    image = np.asarray(model_input).reshape(IMAGE_SIZE, IMAGE_SIZE)
    return image.astype(np.uint8) if image.dtype == np.uint8 else np.clip(np.rint(image * 255), 0, 255).astype(np.uint8)


def add_drawing(label: int, model_input: np.ndarray, canvas_png: bytes, answered: int | None = None,
                visitor: str = "") -> int:
    """Keep a labelled drawing; returns its id. ValueError for a label that is not a digit."""
    if not isinstance(label, (int, np.integer)) or not 0 <= int(label) <= 9:
        raise ValueError(f"a drawing's label is a digit from 0 to 9, got {label!r}")
    with _connect() as connection:
        cursor = connection.execute(
            "INSERT INTO drawings (label, answered, input, canvas, visitor, created) VALUES (?, ?, ?, ?, ?, ?)",
            (int(label), None if answered is None else int(answered), _as_uint8(model_input).tobytes(),
             bytes(canvas_png), visitor, time.time()))
        return int(cursor.lastrowid)


def _decode(row: sqlite3.Row) -> LabelledDrawing:
    image = np.frombuffer(row[3], dtype=np.uint8).reshape(IMAGE_SIZE, IMAGE_SIZE)
    return LabelledDrawing(row[0], row[1], row[2], image, row[4], row[5])


def list_drawings(label: int | None = None, limit: int = 10_000) -> list[LabelledDrawing]:
    """The stored drawings, oldest first (of one digit, if given)."""
    query = "SELECT id, label, answered, input, visitor, created FROM drawings"
    arguments: tuple = ()
    if label is not None:
        query, arguments = query + " WHERE label = ?", (int(label),)
    with _connect() as connection:
        rows = connection.execute(query + " ORDER BY id LIMIT ?", (*arguments, limit)).fetchall()
    return [_decode(row) for row in rows]


def canvas_png(drawing_id: int) -> bytes | None:
    """The canvas as it was drawn (PNG bytes), None if there is no such drawing."""
    with _connect() as connection:
        row = connection.execute("SELECT canvas FROM drawings WHERE id = ?", (int(drawing_id),)).fetchone()
    return bytes(row[0]) if row else None


def delete_drawing(drawing_id: int, actor: Actor) -> bool:
    """Remove a drawing (a bad one, or drawn as a joke); True if it existed.

    The teacher may delete any drawing, a visitor only their own (to take back a wrong tap);
    PermissionDenied otherwise.
    """
    with _connect() as connection:
        row = connection.execute("SELECT visitor FROM drawings WHERE id = ?", (int(drawing_id),)).fetchone()
        if row is None:
            return False
        if not (actor.teacher or (actor.owner and actor.owner == row[0])):
            require_teacher(actor, N_("Only the teacher can delete the class's drawings."))
        return connection.execute("DELETE FROM drawings WHERE id = ?", (int(drawing_id),)).rowcount > 0


def counts() -> dict[int, int]:
    """How many drawings of each digit are kept."""
    with _connect() as connection:
        rows = connection.execute("SELECT label, COUNT(*) FROM drawings GROUP BY label").fetchall()
    return {digit: 0 for digit in range(10)} | {int(label): int(count) for label, count in rows}


def arrays(split: str = "all") -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (N, 28, 28), labels uint8 (N,)) of 'all', the 'train' part or the 'held_out' part."""
    if split not in ("all", "train", "held_out"):
        raise ValueError(f"split is 'all', 'train' or 'held_out', got {split!r}")
    chosen = [drawing for drawing in list_drawings()
              if split == "all" or drawing.held_out == (split == "held_out")]
    images = np.stack([drawing.image for drawing in chosen]) if chosen else np.zeros((0, 28, 28), np.uint8)
    return images, np.array([drawing.label for drawing in chosen], dtype=np.uint8)


def export_zip(kind: str = "png") -> bytes:
    """The drawings as a zip: 'png' (canvas and 28×28 PNGs plus labels.csv) or 'idx' (MNIST's IDX files)."""
    buffer = io.BytesIO()
    drawings = list_drawings()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind == "idx":
            images, labels = arrays("all")
            archive.writestr("class-images-idx3-ubyte", encode_idx(images))
            archive.writestr("class-labels-idx1-ubyte", encode_idx(labels))
        elif kind == "png":
            table = io.StringIO()
            writer = csv.writer(table)
            writer.writerow(["id", "label", "answered", "held_out", "canvas", "input"])
            for drawing in drawings:
                stem = f"{drawing.id:05d}-{drawing.label}"
                archive.writestr(f"canvas/{stem}.png", canvas_png(drawing.id) or b"")
                archive.writestr(f"input/{stem}.png", _png(drawing.image))
                writer.writerow([drawing.id, drawing.label, drawing.answered, int(drawing.held_out),
                                 f"canvas/{stem}.png", f"input/{stem}.png"])
            archive.writestr("labels.csv", table.getvalue())
        else:
            raise ValueError(f"export kind is 'png' or 'idx', got {kind!r}")
    return buffer.getvalue()


@dataclasses.dataclass(frozen=True)
class ClassAccuracy:
    """One model on the class's drawings: all of them, and the held-out ones no model trained on."""

    name: str
    accuracy: float | None
    held_out_accuracy: float | None


def class_accuracies(names: list[str], probabilities: np.ndarray, labels: np.ndarray,
                     held_out: np.ndarray) -> list[ClassAccuracy]:
    """Each model's accuracy from (N, models, 10) probabilities; None where there are no drawings."""
    answers = probabilities.argmax(axis=-1) if len(labels) else np.zeros((0, len(names)), int)
    right = answers == np.asarray(labels, int)[:, None]
    held = np.asarray(held_out, bool)

    def mean(column: np.ndarray) -> float | None:
        return float(column.mean()) if len(column) else None

    return [ClassAccuracy(name, mean(right[:, index]), mean(right[held, index])) for index, name in enumerate(names)]


def _png(image: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(image).save(out, format="PNG")
    return out.getvalue()
