"""Did "about … left" hold? The ETA the Curves page showed at every logged step, against the time really left.

    python -m bench.eta [--runs-dir DIR] [--after 0.2] [--json]

Replays each finished run of a run store (the app's own by default, or the folder of a benchmark
such as bench.whole_lecture) through `core.charts.progress.progress`, the function the pages
draw, as if the page had been open at the moment each step was logged. The time really left is
the run's end (the saved model) minus that moment. Reports, per run, the worst relative error of
the ETA once `--after` of the run's steps were done (issue 14's target: within ±15% after 20%);
an ETA within a second of the truth also holds, since the page shows whole seconds. A run that
early stopping ended before its last step is not judged: nobody could know when it would stop.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

if __package__ in (None, ""):  # run as a file: the repository's packages
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import settings  # noqa: E402
from core.charts.progress import progress  # noqa: E402
from core.runs import store  # noqa: E402
from core.runs.records import Run  # noqa: E402

TARGET = 0.15
SLACK_SECONDS = 1.0  # the page shows whole seconds and refreshes every 0.75–2 s
AFTER = 0.2


@dataclasses.dataclass(frozen=True)
class EtaCheck:
    """One moment of a run: the share of steps done, the ETA the page showed and the seconds really left."""

    fraction: float
    shown: float
    left: float

    @property
    def relative(self) -> float:
        """(shown − left) / left."""
        return (self.shown - self.left) / self.left

    @property
    def held(self) -> bool:
        """Within ±TARGET of the time left, or within the clock's own second ("about 0:03 left")."""
        return abs(self.shown - self.left) <= max(TARGET * self.left, SLACK_SECONDS)


def stopped_early(run: Run) -> bool:
    """Early stopping ended the run before its last step: the time left was never knowable, so it is not judged."""
    return run.result is not None and run.spec.early_stopping_patience is not None and \
        run.result.steps_run < run.total_steps


def eta_checks(run: Run, metrics: Sequence[dict[str, Any]], after: float = AFTER) -> list[EtaCheck]:
    """The ETA the page would have shown at each logged step past `after`, beside the time really left."""
    if run.status != "finished" or run.finished_at is None or run.started_at is None or stopped_early(run):
        return []
    running = dataclasses.replace(run, status="running")
    checks = []
    for count, event in enumerate(metrics, start=1):
        if event["kind"] != "step" or not event.get("logged_at"):
            continue
        shown = progress(running, metrics[:count], now=event["logged_at"])
        left = run.finished_at - event["logged_at"]
        if shown is None or shown.eta is None or shown.fraction < after or left <= 0:
            continue
        checks.append(EtaCheck(shown.fraction, shown.eta, left))
    return checks


def eta_report(run: Run, metrics: Sequence[dict[str, Any]], after: float = AFTER) -> dict[str, Any]:
    """One run's row: its length, the ETAs checked, the worst relative and absolute errors, and whether all held."""
    checks = eta_checks(run, metrics, after)
    relative = sorted(check.relative for check in checks)
    return {"run": run.id, "name": run.name, "seconds": round(run.finished_at - run.started_at, 1)
            if run.finished_at and run.started_at else None, "checked": len(checks),
            "worst": max(relative, key=abs) if relative else None,
            "median": relative[len(relative) // 2] if relative else None,
            "worst_seconds": max((check.shown - check.left for check in checks), key=abs) if checks else None,
            "held": bool(checks) and all(check.held for check in checks)}


def store_report(after: float = AFTER, run_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """Rows for the finished runs of the run store in use (or only `run_ids`), oldest first."""
    runs = [run for run in reversed(store.list_runs(limit=10_000)) if run.status == "finished"]
    if run_ids is not None:
        runs = [run for run in runs if run.id in set(run_ids)]
    return [eta_report(run, store.get_metrics(run.id), after) for run in runs]


def format_row(row: dict[str, Any]) -> str:
    """One printed line per run."""
    if row["worst"] is None:
        return f"{row['name']:28s} {row['seconds']:>7} s   not judged (stopped early, or no step logged past the threshold)"
    return (f"{row['name']:28s} {row['seconds']:>7} s   {row['checked']:4d} ETAs   worst {row['worst']:+6.1%} "
            f"({row['worst_seconds']:+.1f} s)   median {row['median']:+6.1%}   {'held' if row['held'] else 'OFF'}")


def held_summary(rows: Sequence[dict[str, Any]], after: float = AFTER) -> str:
    """The closing line: how many of the judged runs kept every ETA within the target."""
    checked = [row for row in rows if row["worst"] is not None]
    return (f"{sum(row['held'] for row in checked)} of {len(checked)} runs kept every ETA within ±{TARGET:.0%} "
            f"(or {SLACK_SECONDS:.0f} s) once {after:.0%} was done")


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.eta", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs-dir", help="a run store folder (default: the app's own)")
    parser.add_argument("--after", type=float, default=AFTER, help="check the ETAs once this share of steps is done")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.runs_dir:
        os.environ[settings.RUNS_DIR_VARIABLE] = args.runs_dir
    rows = store_report(args.after)
    if args.json:
        print(json.dumps(rows))
        return 0
    for row in rows:
        print(format_row(row))
    print(held_summary(rows, args.after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
