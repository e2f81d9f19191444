"""Who may queue which run: unique names, read-only shipped models, the visitor's quota and the teacher's limits.

`submit_run` is the one way a page queues a run. It refuses (a `Refusal` with a translatable
reason) a name a shipped model or another model or active run already has, a visitor's run over
the teacher's limits (steps, parameters, quick or full runs allowed, runs waiting or training per
visitor and in all), and any run when the saved models already fill the teacher's limits. The
queue checks run inside the store's write transaction, so two tabs cannot both slip under a limit.
The teacher is exempt from the visitors' limits, not from the store's, and may replace a model
they own (never a shipped one).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from core.classroom.limits import Limits, current_limits
from core.classroom.roles import Actor, Refusal
from core.datasets.mnist import LECTURE_TRAIN_SIZE
from core.i18n import N_
from core.lecture.architecture import parameter_count
from core.lecture.spec import ModelSpec
from core.models.store import disk_use, model_names, refuse_if_shipped, sanitize_name
from core.runs import store
from core.runs.store import QueueCounts

SHORT_ID_BYTES = 2  # 4 hex digits: 65,536 names per preset, checked against the saved models and the queue


def default_name(preset: str, quick: bool = False, custom: bool = False, directory: Path | None = None) -> str:
    """A fresh default model name: the preset, 'custom' and 'quick' if so, and a short random id (e.g. nn-quick-3f2a)."""
    taken = model_names(directory)
    base = sanitize_name(preset) + ("-custom" if custom else "") + ("-quick" if quick else "")
    while True:
        name = f"{base}-{secrets.token_hex(SHORT_ID_BYTES)}"
        if name not in taken:
            return name


def check_visitor_run(spec: ModelSpec, train_limit: int | None, limits: Limits) -> None:
    """Refuse a visitor's run that the teacher's limits do not allow (length, size, quick or full)."""
    quick = train_limit is not None and train_limit < LECTURE_TRAIN_SIZE
    if quick and not limits.visitors_quick_runs:
        raise Refusal(N_("The teacher has turned quick runs off for visitors: train on all the digits."))
    if not quick and not limits.visitors_full_runs:
        raise Refusal(N_("The teacher allows visitors quick runs only: turn on the quick run."))
    steps = spec.total_steps(train_limit or LECTURE_TRAIN_SIZE)
    if steps > limits.visitor_max_steps:
        raise Refusal(N_("This run would train {steps} steps; visitors' runs may train at most {limit}. "
                         "Train fewer epochs, or a quick run."), steps=f"{steps:,}", limit=f"{limits.visitor_max_steps:,}")
    parameters = parameter_count(spec)
    if parameters > limits.visitor_max_parameters:
        raise Refusal(N_("This model has {parameters} parameters; visitors' models may have at most {limit}. "
                         "Use fewer or narrower layers."), parameters=f"{parameters:,}",
                      limit=f"{limits.visitor_max_parameters:,}")


def check_room(spec: ModelSpec, limits: Limits, replacing: bool = False) -> None:
    """Refuse any run when the saved models already fill the teacher's limits (count or disk)."""
    count, used = disk_use()
    if not replacing and count >= limits.max_models:
        raise Refusal(N_("There are already {count} saved models, the teacher's limit: the teacher must delete some "
                         "before more can be trained."), count=count)
    megabytes = (used + parameter_count(spec) * 4) / 1e6
    if megabytes > limits.max_models_megabytes:
        raise Refusal(N_("The saved models would take {megabytes} MB, over the teacher's limit of {limit} MB: the "
                         "teacher must delete some first."), megabytes=round(megabytes, 1),
                      limit=limits.max_models_megabytes)


def _admit(name: str, actor: Actor, limits: Limits):
    def admit(counts: QueueCounts) -> None:
        if name in counts.active_names:
            raise Refusal(N_("A run called {name} is already waiting or training: choose another name."), name=name)
        if actor.teacher:
            return
        if counts.active_for_owner >= limits.runs_per_visitor:
            raise Refusal(N_("You already have {count} run(s) waiting or training, the most a visitor may have. Wait "
                             "until one ends, or cancel one."), count=counts.active_for_owner)
        if counts.active >= limits.active_runs:
            raise Refusal(N_("The queue is full ({count} runs waiting or training). Try again when one has ended."),
                          count=counts.active)
    return admit


def submit_run(spec: ModelSpec, name: str, actor: Actor, *, preset: str | None = None, based_on: str | None = None,
               train_limit: int | None = None, replace: bool = False) -> int:
    """Queue a run for `actor` if the classroom allows it; returns its id, or raises Refusal saying why not."""
    spec.validate()
    name = sanitize_name(name)
    refuse_if_shipped(name)
    if replace and not actor.teacher:
        raise Refusal(N_("Only the teacher can replace a saved model."))
    if name in model_names() and not replace:
        raise Refusal(N_("A saved model is already called {name}: choose another name."), name=name)
    limits = current_limits()
    if not actor.teacher:
        check_visitor_run(spec, train_limit, limits)
    check_room(spec, limits, replacing=replace)
    return store.create_run(spec, name, preset=preset, train_limit=train_limit, owner=actor.owner,
                            admit=_admit(name, actor, limits), based_on=based_on, replace=replace)
