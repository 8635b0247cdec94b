"""A run of named stages: a line per stage with its duration, a summary, and the failing stage named."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from glue_release.errors import UserError


@dataclass
class StageRun:
    title: str
    results: list[tuple[str, str, float, str]] = field(default_factory=list)  # name, status, seconds, note

    def run(self, name: str, body: Callable[[], Any], note: Callable[[Any], str] | None = None) -> Any:
        print(f"==> {name}", flush=True)
        started = time.monotonic()
        try:
            value = body()
        except (UserError, KeyboardInterrupt) as exc:
            elapsed = time.monotonic() - started
            self.results.append((name, "FAILED", elapsed, str(exc) if isinstance(exc, UserError) else "interrupted"))
            print(self.summary(), flush=True)
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise UserError(f"{self.title} failed at stage '{name}': {exc}") from None
        elapsed = time.monotonic() - started
        text = note(value) if note else ""
        self.results.append((name, "ok", elapsed, text))
        print(f"    {name}: ok in {elapsed:.1f} s{f' ({text})' if text else ''}", flush=True)
        return value

    def skip(self, name: str, why: str) -> None:
        self.results.append((name, "skipped", 0.0, why))
        print(f"==> {name}: skipped ({why})", flush=True)

    def summary(self) -> str:
        total = sum(seconds for _, _, seconds, _ in self.results)
        lines = ["", f"{self.title} summary:"]
        for name, status, seconds, note in self.results:
            lines.append(f"  {name:<10} {status:<8} {seconds:6.1f} s  {note}".rstrip())
        lines.append(f"  {'total':<10} {'':<8} {total:6.1f} s")
        return "\n".join(lines)
