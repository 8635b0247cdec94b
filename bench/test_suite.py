"""Benchmark: wall and CPU time of `./dev test` (everything) and `./dev test --unit`.

Runs each once through `./dev`, as a newcomer and CI do, and prints wall time, CPU time
(user + system of the processes the run waited for: pytest, its xdist workers, Terraform and
its provider; not Spark's JVMs or the emulators, which their parents stop without reaping,
so the figure is a lower bound), the CPU/wall ratio and pytest's own count of passed tests. Target: the full
suite <= 300 s of wall time on a 2-core machine. The load average is printed too: on a
shared machine, other processes' load stretches the wall time.

Run: python bench/test_suite.py [--unit-only | --full-only]
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_S = 300.0


def timed(args: list[str]) -> tuple[float, float, str, int]:
    """(wall s, CPU s of the run's waited-for processes, pytest's summary line, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(["./dev", "test", *args], cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = next(
        (line.strip("= ") for line in reversed(result.stdout.splitlines()) if re.search(r"\d+ (passed|failed)", line)),
        "(no pytest summary)",
    )
    log = Path(tempfile.gettempdir()) / f"bench-test-suite{'-'.join(['', *args]).replace('--', '')}.log"
    log.write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-4000:] + result.stderr[-2000:])
    print(f"(full output: {log})")
    return wall, cpu, summary, result.returncode


def main() -> int:
    runs = []
    if "--full-only" not in sys.argv:
        runs.append(("./dev test --unit", ["--unit"], None))
    if "--unit-only" not in sys.argv:
        runs.append(("./dev test", [], TARGET_S))
    failed = 0
    for label, args, target in runs:
        load = os.getloadavg()[0]
        wall, cpu, summary, code = timed(args)
        failed |= code
        goal = f"  [target <= {target:.0f} s: {'met' if wall <= target else 'NOT met'}]" if target else ""
        print(f"{label:<18} wall {wall:7.1f} s  CPU {cpu:7.1f} s  CPU/wall {cpu / wall:4.2f}  {summary}{goal}")
        print(f"{'':<18} load average at start {load:.1f}, at end {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
