"""A run as the rest of the lab sees it: its life cycle, its decoded row and its typed result.

    queued ──► running ──► finished | diverged | cancelled | failed | interrupted
       └──► cancelled | failed

"interrupted": the computer restarted while the run trained (its boot id changed), so its worker
was gone. "failed": the worker raised, or died (its exit code or signal is the reason). The store
(core.runs.store) enforces the life cycle inside its SQL; this module only describes it.

A run's error is kept twice: in English (`error`) for logs and command lines, and as an English
message id with its values (`error_info`) that `localized_error` shows in the visitor's language.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from core.datasets.mnist import LECTURE_TRAIN_SIZE
from core.i18n import _
from core.lecture.spec import ModelSpec
from core.training.summary import TrainingSummary

ACTIVE_STATUSES = ("queued", "running")
FINAL_STATUSES = ("finished", "diverged", "cancelled", "failed", "interrupted")
# new status → the statuses it may come from
ALLOWED_FROM = {
    "running": ("queued",),
    "finished": ("running",),
    "diverged": ("running",),
    "cancelled": ("queued", "running"),
    "failed": ("queued", "running"),
    "interrupted": ("running",),
}


class InvalidTransition(ValueError):
    """A status change the run's life cycle does not allow (e.g. finished → running)."""


@dataclasses.dataclass
class RunResult(TrainingSummary):
    """What the worker records when a run ends: the training summary plus what became of it."""

    published_accuracy: float | None = None
    saved_model: str | None = None  # the model's name in the model store, if it was saved
    logging_seconds: float = 0.0  # time training waited for metric writes and cancel checks
    train_call: dict[str, float] = dataclasses.field(default_factory=dict)  # train() as a whole: wall and CPU s

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "RunResult":
        """Decode a stored result; keys an older or newer worker wrote that this one does not know are ignored."""
        known = {field.name for field in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in known})


@dataclasses.dataclass(frozen=True)
class Run:
    """One row of the runs table, decoded."""

    id: int
    name: str
    spec: ModelSpec
    preset: str | None
    status: str
    phase: str
    queued_at: float
    started_at: float | None
    finished_at: float | None
    pid: int | None
    cancel_requested: bool
    error: str | None
    result: RunResult | None
    options: dict[str, Any]
    owner: str | None = None  # the visitor who started it (core.classroom.roles.Actor.owner)
    trainer_pid: int | None = None  # the training process; `pid` is its monitor, which the dispatcher started
    boot_id: str | None = None  # the computer's boot when it started: a different one now means a restart
    error_info: dict[str, Any] | None = None  # {"message": English message id, "params": {...}}
    worker_tag: str | None = None  # a spare worker's tag (its last argument), when a spare trains this run

    @property
    def is_quick(self) -> bool:
        """True for a quick run (a slice of the training digits)."""
        return self.train_limit is not None and self.train_limit < LECTURE_TRAIN_SIZE

    @property
    def is_active(self) -> bool:
        """Queued or running: its numbers can still change."""
        return self.status in ACTIVE_STATUSES

    @property
    def train_limit(self) -> int | None:
        """Training digits used (None: the lecture's 55,000)."""
        return self.options.get("train_limit")

    @property
    def train_size(self) -> int:
        """Training digits one epoch of this run passes over (stroke-drawn ones included; the class's drawings not)."""
        return self.spec.training_digits(min(self.train_limit or LECTURE_TRAIN_SIZE, LECTURE_TRAIN_SIZE))

    @property
    def steps_per_epoch(self) -> int:
        """Batches in one epoch of this run (a quick run has fewer)."""
        return self.spec.steps_per_epoch(self.train_size)

    @property
    def total_steps(self) -> int:
        """Batches the run will train if nothing stops it early (all ensemble members)."""
        return self.spec.total_steps(self.train_size)

    @property
    def total_epochs(self) -> int:
        """Epochs the run will train (per ensemble member) if nothing stops it early."""
        return self.spec.epochs_per_member(self.train_size)

    @property
    def label(self) -> str:
        """Short stable label, e.g. '#3 nn-xavier'."""
        return f"#{self.id} {self.name}"


def error_info(message: str, **params: Any) -> dict[str, Any]:
    """A run error as stored: the English message id (marked with N_ where it is written) and its values."""
    return {"message": message, "params": params}


def english_error(info: dict[str, Any]) -> str:
    """The stored error in English (logs, command lines, and the plain `error` column)."""
    return info["message"].format(**info.get("params", {}))


def localized_error(run: Run) -> str | None:
    """The run's error in the language in use: its message id translated, else the English text as stored."""
    info = run.error_info
    if isinstance(info, dict) and isinstance(info.get("message"), str):
        try:
            return _(info["message"]).format(**info.get("params", {}))
        except (KeyError, IndexError, ValueError):
            pass
    return run.error
