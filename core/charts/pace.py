"""How fast a running run trains and how long it has left, from its logged events (the ETA of the Curves page).

A run's time goes to its training steps and to pauses between them: the layer probes (about twenty in
the first epoch, core.training.internals, and one after every epoch), a validation pass after every
epoch, and at the end the test digits and the save. The pace is steps per second over recent
logged steps. After the first epoch it spans whole epochs, so it carries their pauses with it. Within
the first epoch it leaves the probes' pauses out, and the pauses still to come are added one by one:
the first epoch's probes cost an MLP about as much time as its training steps.
"""

from __future__ import annotations

from typing import Any, Sequence

from core.datasets.mnist import LECTURE_VALIDATION_SIZE, MNIST_TEST_SIZE
from core.runs.records import Run

EVALUATION_SHARE = 0.25  # an evaluated digit costs about a quarter of a trained one (lecture CNNs: 0.20–0.30)
EVALUATION_SHARE_BFLOAT16 = 0.38  # a bfloat16 run tests its float32 copy: cnn, cnn-lab, cnn-deep 0.38–0.39 here
SAVE_SECONDS = 0.3  # recording the result, writing the .keras file and its card
RECENT_EPOCHS = 2.0  # after the first epoch the pace is measured over the last two epochs…
LATER_SPAN = 0.2  # the pace leaves the first epoch once a fifth of an epoch is logged after it…
RECENT_SHARE = 0.7  # …or the last 70% of the steps done, whichever is longer (short runs swing ±10% an epoch)


def logged_steps(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The step events that carry the time they were logged at."""
    return [event for event in events if event["kind"] == "step" and event.get("logged_at")]


def first_epoch(events: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The events logged before the first epoch's end (its validation), and the logged steps after it.

    The first "epoch" event marks the end: an epoch's step count can be one more than
    `Run.steps_per_epoch` says (nn-batchnorm: 1,720 steps, then 1,719 an epoch).
    """
    end = next((index for index, event in enumerate(events) if event["kind"] == "epoch"), len(events))
    return list(events[:end]), logged_steps(events[end:])


def probe_pauses(events: Sequence[dict[str, Any]]) -> dict[int, float]:
    """Seconds each layer probe inside the first epoch held training up, by the step it followed.

    A probe runs right after its step is logged and is logged itself when done, so its pause is the
    time between the two events. The probe at the epoch's end (after the validation) is not counted here.
    """
    before, _ = first_epoch(events)
    logged_at = {event["step"]: event["logged_at"] for event in logged_steps(before)}
    return {event["step"]: max(0.0, event["logged_at"] - logged_at[event["step"]]) for event in before
            if event["kind"] == "layers" and event.get("logged_at") and event["step"] in logged_at}


def first_epoch_pace(events: Sequence[dict[str, Any]], per_epoch: int) -> bool:
    """True while the pace comes from the first epoch: the steps logged after its end span under LATER_SPAN
    of an epoch (a pace over a few batches swung ±30% at the start of the second epoch)."""
    later = first_epoch(events)[1]
    return len(later) < 2 or later[-1]["step"] - later[0]["step"] < LATER_SPAN * per_epoch


def steps_per_second(events: Sequence[dict[str, Any]], per_epoch: int) -> float:
    """The run's recent pace in steps per second, from its logged events.

    The first epoch is slower than the rest (TensorFlow's first tracing, the layer probes), so once a
    later step is logged the pace leaves it out and follows the last two epochs (or the last 70% of
    the run): an epoch of a short run here takes ±10% of the next by itself, and a window of two
    epochs at 20% done overshot the time left by up to 20%; a machine that slows down for good moves
    the ETA within a few epochs. Within the first epoch it runs from the first logged step (the tracing
    done) with the probes' pauses left out.
    """
    before, later = first_epoch(events)
    if not first_epoch_pace(events, per_epoch):
        last = later[-1]
        span = max(RECENT_EPOCHS * per_epoch, RECENT_SHARE * last["step"])
        first = next(event for event in later if event["step"] >= last["step"] - span)
        first, paused = (later[0] if first is last else first), 0.0
    else:
        steps = logged_steps(before) or logged_steps(events)
        if not steps:
            return 0.0
        first, last = steps[0], steps[-1]
        paused = sum(seconds for step, seconds in probe_pauses(events).items() if first["step"] <= step < last["step"])
    if last["step"] > first["step"]:
        return (last["step"] - first["step"]) / max(1e-6, last["logged_at"] - first["logged_at"] - paused)
    return last["step"] / last["seconds"] if last.get("seconds") else 0.0


def pauses_to_come(run: Run, events: Sequence[dict[str, Any]], rate: float) -> float:
    """Seconds of pauses still ahead that a pace measured within the first epoch does not carry; 0 after it.

    The first epoch's probes left (at the median pause of those done), then for every epoch ahead
    but the last (the tail counts its validation) a validation pass, and a probe after each epoch.
    """
    if not logged_steps(events) or not first_epoch_pace(events, run.steps_per_epoch) or rate <= 0:
        return 0.0
    pauses = probe_pauses(events)
    probe = sorted(pauses.values())[len(pauses) // 2] if pauses else 0.0
    ended = sum(event["kind"] == "epoch" for event in events)
    every = min(pauses, default=0)  # probes fall on every `every`-th step, the first on step `every`
    probes_left = (run.steps_per_epoch - 1) // every - len(pauses) if every and not ended else 0
    validation = LECTURE_VALIDATION_SIZE * EVALUATION_SHARE / (rate * run.spec.batch_size)
    epochs_ahead = max(0, run.total_epochs - ended)
    return max(0, probes_left) * probe + max(0, epochs_ahead - 1) * validation + epochs_ahead * probe


def tail_seconds(run: Run, steps_per_second: float) -> float:
    """What a run does after its last step, in seconds: the last validation, the test digits and the save.

    An evaluated digit costs about EVALUATION_SHARE of a trained one at the run's own pace (forward
    only, in big batches; more for a bfloat16 run, whose test pass runs its float32 copy); an ensemble
    tests each member and then their average. Without this the ETA of a short run said 0:00 while its
    test pass and save still took a few seconds.
    """
    seconds_per_digit = 1.0 / (steps_per_second * run.spec.batch_size)
    members = run.spec.ensemble_members
    digits = LECTURE_VALIDATION_SIZE + MNIST_TEST_SIZE * (members + 1 if members > 1 else 1)
    share = EVALUATION_SHARE_BFLOAT16 if run.spec.mixed_precision else EVALUATION_SHARE
    return digits * seconds_per_digit * share + SAVE_SECONDS


def seconds_left(run: Run, events: Sequence[dict[str, Any]], now: float) -> float | None:
    """Seconds until the run's model is saved, counted from `now`; None before a pace is known."""
    steps = logged_steps(events)
    if not steps:
        return None
    rate = steps_per_second(events, run.steps_per_epoch)
    if rate <= 0:
        return None
    last = steps[-1]
    left = (run.total_steps - last["step"]) / rate + pauses_to_come(run, events, rate) + tail_seconds(run, rate)
    return max(0.0, left - max(0.0, now - last["logged_at"]))  # the page reads the steps a moment after they are logged
