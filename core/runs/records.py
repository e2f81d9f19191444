"""A run as the rest of the lab sees it: its life cycle, its decoded row and its typed result.

    queued ──► running ──► finished | diverged | cancelled | failed | interrupted
       └──► cancelled | failed

"interrupted": the server restarted and the run's worker process was gone. "failed": the
worker raised, or died while the server was watching it; the reason is kept. The store
(core.runs.store) enforces the life cycle inside its SQL; this module only describes it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from core.datasets.mnist import LECTURE_TRAIN_SIZE
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
        """Training digits one epoch of this run passes over."""
        return min(self.train_limit or LECTURE_TRAIN_SIZE, LECTURE_TRAIN_SIZE)

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
