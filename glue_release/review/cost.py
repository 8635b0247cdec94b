"""An ESTIMATE of what each job costs per month, before and after a plan.

DPU-hours per run = workers × DPU per worker type × expected minutes / 60, where
expected minutes is the declaration's ``expected_minutes`` or, failing that, the
timeout (an upper bound, marked ≤). Runs per month come from the schedule's cron
(a chained job runs as often as its upstream). The price per DPU-hour is per region
and execution class, from ``glue_prices.json``, which names its source and date.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

PRICES = Path(__file__).with_name("glue_prices.json")
# A representative month for counting cron matches: 30 days, starting on a Monday.
MONTH_DAYS = 30
_DOW = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_MONTHS = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}


@cache
def prices() -> dict[str, Any]:
    return json.loads(PRICES.read_text())


@dataclass(frozen=True)
class JobCost:
    job: str
    before: float | None  # USD per month; None when the job does not exist on that side
    after: float | None
    basis: str  # how the after-figure was made, for the reader

    @property
    def delta(self) -> float:
        return (self.after or 0.0) - (self.before or 0.0)


def _field_values(field: str, low: int, high: int, names: Mapping[str, int] | None = None) -> set[int] | None:
    """Values a cron field admits; None for `*` and `?` (any)."""
    if field in ("*", "?"):
        return None
    out: set[int] = set()
    for part in field.split(","):
        part, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if part == "*":
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start, end = _value(first, names), _value(last, names)
        else:
            start = _value(part, names)
            end = high if step_text else start
        out.update(range(start, end + 1, step))
    return out


def _value(text: str, names: Mapping[str, int] | None) -> int:
    return names[text.upper()] if names and text.upper() in names else int(text)


def runs_per_month(schedule: str | None) -> float:
    """How many times a Glue cron ``cron(min hour dom month dow year)`` fires in a 30-day month.

    ``L``, ``W`` and ``#`` (last day, nearest weekday, n-th weekday) each pick one day a month.
    """
    if not schedule or not schedule.startswith("cron("):
        return 0.0
    fields = schedule.removeprefix("cron(").removesuffix(")").split()
    if len(fields) != 6:
        return 0.0
    minutes = _field_values(fields[0], 0, 59)
    hours = _field_values(fields[1], 0, 23)
    per_day = (60 if minutes is None else len(minutes)) * (24 if hours is None else len(hours))
    if any(mark in fields[2] + fields[4] for mark in ("L", "W", "#")):
        return float(per_day)
    days = _field_values(fields[2], 1, 31)
    weekdays = _field_values(fields[4], 1, 7, _DOW)
    # Day 1 is a Monday (Glue numbers weekdays 1 = Sunday, so Monday is 2).
    matching_days = sum(
        1
        for day in range(1, MONTH_DAYS + 1)
        if (days is None or day in days) and (weekdays is None or ((day % 7) + 1) in weekdays)
    )
    return float(per_day * matching_days)


def _price(region: str, execution_class: str) -> float:
    table = prices()
    row = table["regions"].get(region, table["default"])
    return float(row.get(execution_class or "STANDARD", row["STANDARD"]))


def monthly(job: Mapping[str, Any] | None, runs: float, minutes: float | None, region: str) -> float | None:
    """USD per month of one Glue job definition as planned (``aws_glue_job`` values)."""
    if not job:
        return None
    dpu = prices()["dpu_per_worker"].get(job.get("worker_type") or "", 1)
    workers = job.get("number_of_workers") or 0
    run_minutes = max(minutes if minutes is not None else float(job.get("timeout") or 0), 1.0)
    return workers * dpu * run_minutes / 60 * runs * _price(region, job.get("execution_class") or "STANDARD")


def job_runs(declarations: Mapping[str, Any]) -> dict[str, float]:
    """Runs per month per job: its own schedule, or (chained) the fewest runs among its upstreams."""
    runs: dict[str, float] = {}

    def of(name: str, seen: tuple[str, ...] = ()) -> float:
        if name in runs:
            return runs[name]
        job = declarations[name]
        upstream = [u for u in getattr(job, "depends_on", []) if u in declarations and u not in seen]
        value = (
            min((of(u, (*seen, name)) for u in upstream), default=0.0)
            if upstream
            else runs_per_month(getattr(job, "schedule", None))
        )
        runs[name] = value
        return value

    for name in declarations:
        of(name)
    return runs
