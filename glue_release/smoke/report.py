"""What a smoke run found: one row per job, and for each failure what went wrong, so nobody opens a console."""

from __future__ import annotations

from dataclasses import dataclass, field

SUCCEEDED = "SUCCEEDED"
# Glue's terminal run states; SKIPPED is ours (an upstream failed, so the job never ran).
TERMINAL_STATES = ("SUCCEEDED", "FAILED", "ERROR", "TIMEOUT", "STOPPED", "EXPIRED")
SKIPPED = "SKIPPED"


@dataclass
class JobResult:
    job: str
    glue_name: str
    run_id: str | None = None
    state: str = SKIPPED
    duration_s: float = 0.0
    rows: dict[str, int | None] = field(default_factory=dict)
    checks_passed: int = 0
    checks_total: int = 0
    error: str | None = None  # Glue's ErrorMessage, the Python exception, or why the run never started
    log_tail: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # failed checks
    notes: list[str] = field(default_factory=list)
    runtime: str = ""  # local smoke runs: "python=X.Y.Z pyspark=A.B.C" the job ran on (its Glue version's)

    @property
    def ok(self) -> bool:
        return self.state == SUCCEEDED and not self.problems and self.checks_passed == self.checks_total


@dataclass
class SmokeReport:
    env: str
    results: list[JobResult]
    notes: list[str] = field(default_factory=list)
    runtime: str = ""  # local smoke runs: "python=X.Y.Z pyspark=A.B.C" the job ran on (its Glue version's)

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    def result(self, job: str) -> JobResult:
        return next(r for r in self.results if r.job == job)

    def table(self) -> str:
        header = ("job", "run id", "state", "duration", "rows written", "checks")
        rows = [header]
        for r in self.results:
            written = ", ".join(f"{k}={'none' if v is None else v}" for k, v in r.rows.items()) or "-"
            checks = f"{r.checks_passed}/{r.checks_total}" + ("" if r.ok or r.state != SUCCEEDED else " FAILED")
            duration = f"{r.duration_s:.1f} s" if r.run_id or r.duration_s else "-"
            rows.append((r.job, r.run_id or "-", r.state, duration, written, checks if r.state == SUCCEEDED else "-"))
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = [f"Smoke run on {self.env}: {sum(r.ok for r in self.results)}/{len(self.results)} jobs passed", ""]
        for row in rows:
            cells = [
                cell.rjust(w) if i == 3 else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
        for note in self.notes:
            lines += ["", f"note: {note}"]
        for r in self.results:
            if r.ok and not r.notes:
                continue
            lines += ["", f"{r.job} ({r.glue_name}): {r.state}" + (f", run {r.run_id}" if r.run_id else "")]
            lines += [f"  note: {note}" for note in r.notes]
            if r.error:
                lines += ["  error: " + r.error.splitlines()[0], *("    " + line for line in r.error.splitlines()[1:])]
            if r.problems:
                lines += ["  checks failed:", *(f"    - {p}" for p in r.problems)]
            if r.log_tail:
                lines += [f"  log tail ({len(r.log_tail)} lines):", *(f"    | {line}" for line in r.log_tail)]
        return "\n".join(lines)
