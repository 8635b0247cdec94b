"""Glue's cron expressions, checked field by field before anything is built.

The rules are the ones in "Time-based schedules for jobs and crawlers" of the
Glue developer guide: six fields, ``cron(Minutes Hours Day-of-month Month
Day-of-week Year)``; day-of-month and day-of-week never both given (one is
``?``); nothing firing more often than every 5 minutes. AWS rejects anything
else only in the middle of an apply, after other resources changed.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
MIN_INTERVAL_MINUTES = 5


@dataclass(frozen=True)
class CronField:
    name: str
    low: int
    high: int
    wildcards: str  # beyond digits and names: which of , - * / ? L W the field accepts
    names: tuple[str, ...] = ()


FIELDS = (
    CronField("minutes", 0, 59, ",-*/"),
    CronField("hours", 0, 23, ",-*/"),
    CronField("day-of-month", 1, 31, ",-*?/LW"),
    CronField("month", 1, 12, ",-*/", MONTHS),
    CronField("day-of-week", 1, 7, ",-*?/L", DAYS),
    CronField("year", 1970, 2199, ",-*/"),
)
EXPRESSION = re.compile(r"^cron\((.*)\)$")


def check_cron(expression: str) -> str | None:
    """What is wrong with ``expression`` as a Glue schedule, or None when Glue accepts it."""
    match = EXPRESSION.match(expression.strip())
    if not match:
        return f"{expression!r} is not a Glue cron expression like 'cron(0 3 * * ? *)'"
    parts = match[1].split()
    if len(parts) != len(FIELDS):
        return (
            f"{expression!r} has {len(parts)} fields; Glue's cron has 6: "
            "minutes hours day-of-month month day-of-week year, e.g. 'cron(0 3 * * ? *)'"
        )
    values: list[set[int] | None] = []
    for field, text in zip(FIELDS, parts, strict=True):
        try:
            values.append(_field_values(field, text))
        except ValueError as exc:
            return f"{expression!r}: {field.name} {text!r}: {exc}"
    day_of_month, day_of_week = parts[2], parts[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        return (
            f"{expression!r}: exactly one of day-of-month ({day_of_month}) and day-of-week ({day_of_week}) "
            "must be '?', e.g. 'cron(0 3 * * ? *)' or 'cron(0 3 ? * MON *)'"
        )
    minutes, hours = values[0], values[1]
    if minutes is not None and _fires_too_often(sorted(minutes), hours):
        return f"{expression!r} fires more often than every {MIN_INTERVAL_MINUTES} minutes, which Glue does not allow"
    return None


def _field_values(field: CronField, text: str) -> set[int] | None:
    """The values the field matches; None for the day fields' ``?``/``L``/``W`` forms, which need a calendar."""
    if text == "?":
        if "?" not in field.wildcards:
            raise ValueError("'?' is allowed only in day-of-month or day-of-week")
        return None
    values: set[int] = set()
    for item in text.split(","):
        if not item:
            raise ValueError("empty item in a ',' list")
        if item.endswith(("L", "W")) and any(c in field.wildcards for c in "LW"):
            _special(field, item)
            return None
        base, slash, step_text = item.partition("/")
        step = 1
        if slash:
            if "/" not in field.wildcards:
                raise ValueError("'/' is not allowed in this field")
            if not step_text.isdigit() or int(step_text) < 1:
                raise ValueError(f"the increment after '/' must be a whole number from 1, got {step_text!r}")
            step = int(step_text)
        if base == "*":
            low, high = field.low, field.high
        elif "-" in base:
            start, _, end = base.partition("-")
            low, high = _value(field, start), _value(field, end)
            if low > high:
                raise ValueError(f"range {base} runs backwards")
        else:
            low = _value(field, base)
            high = field.high if slash else low
        values.update(range(low, high + 1, step))
    return values


def _special(field: CronField, item: str) -> None:
    if item == "L" and "L" in field.wildcards:
        return
    if field.name == "day-of-week" and item.endswith("L") and "L" in field.wildcards:
        _value(field, item[:-1])  # e.g. 6L: the last Friday of the month
        return
    if field.name == "day-of-month" and item.endswith("W"):
        _value(field, item[:-1])  # e.g. 15W: the weekday nearest the 15th
        return
    raise ValueError(f"{item!r} is not a valid use of L or W")


def _value(field: CronField, text: str) -> int:
    upper = text.upper()
    if field.names and upper in field.names:
        return field.names.index(upper) + field.low
    if not text.isdigit():
        names = f" or {field.names[0]}-{field.names[-1]}" if field.names else ""
        raise ValueError(f"{text!r} is not a number from {field.low} to {field.high}{names}")
    value = int(text)
    if not field.low <= value <= field.high:
        raise ValueError(f"{value} is outside {field.low}-{field.high}")
    return value


def _fires_too_often(minutes: list[int], hours: set[int] | None) -> bool:
    gaps = [b - a for a, b in itertools.pairwise(minutes)]
    # Into the next hour, when the next hour also fires (e.g. minute 58 then minute 1).
    every_hour = hours is None or len(hours) == 24
    if minutes and every_hour:
        gaps.append(minutes[0] + 60 - minutes[-1])
    return any(gap < MIN_INTERVAL_MINUTES for gap in gaps if gap > 0)
