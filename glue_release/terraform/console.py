"""What a person sees while Terraform works: one progress line, not its 2,800 lines of chatter.

Terraform's raw output goes to ``build/<env>/logs/<stage>.log``. On a terminal a
single line is redrawn in place (resources done of total, and the current one);
elsewhere (CI) a plain line is printed at most every few seconds. On failure the
caller shows the log's last lines and its path; ``--verbose`` streams everything.
"""

from __future__ import annotations

import re
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

TAIL_LINES = 40
# "module.x.aws_y.this: Creating..." / "...: Creation complete after 2s [id=...]"
_STARTED = re.compile(r"^(?P<address>\S+): (?P<verb>Creating|Modifying|Destroying|Reading)\.\.\.")
# Data-source reads are shown as the current step but are not resources the plan counts.
_DONE = re.compile(r"^(?P<address>\S+): (Creation|Modifications|Destruction) complete")
_PLAN = re.compile(r"^Plan: (\d+) to add, (\d+) to change, (\d+) to destroy")


@dataclass
class Progress:
    """Counts Terraform's per-resource lines into 'done of total, current one' and shows it."""

    label: str
    total: int | None = None
    out: IO[str] = field(default_factory=lambda: sys.stdout)
    tty: bool = False
    interval_s: float = 10.0
    done: int = 0
    current: str = ""
    _last_shown: float = field(default=float("-inf"), init=False)
    _width: int = field(default=0, init=False)

    def feed(self, line: str) -> None:
        line = line.strip()
        if self.total is None:
            self.total = planned_total(line)
        started = _STARTED.match(line)
        if started:
            self.current = f"{started['verb'].lower()} {started['address']}"
            if started["verb"] == "Reading" and not self.tty:
                return  # on CI, a line per read would be noise
        elif _DONE.match(line):
            self.done += 1
        else:
            return
        self.show()

    def text(self) -> str:
        if self.total is None and not self.done:
            return f"    {self.label}: {self.current or 'working'}"
        of = f"/{self.total}" if self.total is not None else ""
        return f"    {self.label}: {self.done}{of} resources done" + (f", {self.current}" if self.current else "")

    def show(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.tty:
            text = self.text()[:119]
            self.out.write("\r" + text.ljust(self._width))
            self._width = len(text)
            self.out.flush()
        elif force or now - self._last_shown >= self.interval_s:
            self._last_shown = now
            self.out.write(self.text() + "\n")
            self.out.flush()

    def close(self) -> None:
        if self.tty and self._width:
            self.out.write("\r" + " " * self._width + "\r")
            self.out.flush()


def planned_total(plan_text: str) -> int | None:
    """Resources a plan changes, from Terraform's "Plan: a to add, c to change, d to destroy." line."""
    for line in plan_text.splitlines():
        match = _PLAN.match(line.strip())
        if match:
            return sum(int(n) for n in match.groups())
    return None


def tail(path: Path, lines: int = TAIL_LINES) -> str:
    with path.open(errors="replace") as handle:
        return "".join(deque(handle, maxlen=lines)).rstrip()
