"""The limits a teacher sets for a classroom, with defaults that keep a 2-core machine responsive.

Visitors' runs: how many each may have waiting or training, how long (steps) and how big
(parameters) each may be, and whether quick and full runs are allowed. For everyone: how many runs
may wait or train at once, and how many saved models, using how much disk, the store may hold.
The teacher is exempt from the visitors' limits, not from the store's. Kept in the classroom state.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from core.classroom import state
from core.classroom.roles import Actor, Refusal, require_teacher
from core.i18n import N_

SECTION = "limits"


@dataclasses.dataclass(frozen=True)
class Limits:
    """What the classroom allows (the defaults suit 30 visitors on a 2-core machine training one run at a time)."""

    runs_per_visitor: int = 1  # a visitor's runs waiting or training at once
    active_runs: int = 10  # everyone's runs waiting or training at once: the queue never grows past ~30 min
    visitor_max_steps: int = 20_000  # every lecture preset but the ensemble (22,000)
    visitor_max_parameters: int = 1_500_000  # nn-dropout (1.2 M) and cnn-deep (1.4 M) yes; 10×2048 (38 M) no
    visitors_quick_runs: bool = True  # visitors may train on a slice of the digits
    visitors_full_runs: bool = True  # visitors may train on all 55,000 digits
    max_models: int = 40  # saved models, shipped ones included
    max_models_megabytes: int = 300  # their disk use (the shipped models take about 16 MB)


# field → (lowest, highest) a teacher may set
RANGES = {
    "runs_per_visitor": (0, 20), "active_runs": (1, 200), "visitor_max_steps": (1, 1_000_000),
    "visitor_max_parameters": (1_000, 100_000_000), "max_models": (1, 1_000), "max_models_megabytes": (10, 100_000),
}


def _from_dict(values: Any) -> Limits:
    """Limits from stored values; a missing or out-of-range value keeps its default."""
    defaults = Limits()
    if not isinstance(values, dict):
        return defaults
    chosen = {}
    for field in dataclasses.fields(Limits):
        value, default = values.get(field.name), getattr(defaults, field.name)
        if isinstance(default, bool):
            if isinstance(value, bool):
                chosen[field.name] = value
        elif isinstance(value, int) and not isinstance(value, bool):
            low, high = RANGES[field.name]
            if low <= value <= high:
                chosen[field.name] = value
    return dataclasses.replace(defaults, **chosen)


def current_limits() -> Limits:
    """The limits in force: the teacher's, else the defaults."""
    return _from_dict(state.read_section(SECTION))


def check_limits(limits: Limits) -> Limits:
    """Raise Refusal naming the first value outside what a teacher may set; return the limits."""
    for name, (low, high) in RANGES.items():
        value = getattr(limits, name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise Refusal(N_("{setting} must be a whole number from {low} to {high}."), setting=name, low=low, high=high)
    return limits


def set_limits(limits: Limits, actor: Actor) -> None:
    """The teacher changes the limits (checked first); PermissionDenied for anyone else."""
    require_teacher(actor, N_("Only the teacher can change the classroom's limits."))
    state.write_section(SECTION, dataclasses.asdict(check_limits(limits)))


def reset_limits(actor: Actor) -> None:
    """The teacher goes back to the defaults."""
    require_teacher(actor, N_("Only the teacher can change the classroom's limits."))
    state.write_section(SECTION, None)
