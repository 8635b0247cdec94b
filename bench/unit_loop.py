"""Benchmark: the unit-test loop a data engineer sits in.

Prints
  * the wall time of the whole job test suite (``pytest jobs``) in a fresh
    process, JVM start included (target < 45 s on 2 cores);
  * the median time of one transform test once the session is up (target < 0.5 s);
  * that median as a ratio to a trivial Spark action timed in the same process,
    which says how much of a test is the test and how much is Spark's floor.

Run: python bench/unit_loop.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "jobs")]

from glue_release.runs.spark import local_session  # noqa: E402


class CallTimes:
    """Collects the duration of each test's call phase (setup, e.g. the session start, excluded)."""

    def __init__(self) -> None:
        self.durations: dict[str, float] = {}
        self.failed: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            self.durations[report.nodeid] = report.duration
            if report.failed:
                self.failed.append(report.nodeid)


def main() -> int:
    started = time.perf_counter()
    suite = subprocess.run([sys.executable, "-m", "pytest", "-q", "jobs"], cwd=REPO, capture_output=True, text=True)
    suite_wall = time.perf_counter() - started
    if suite.returncode != 0:
        print(suite.stdout[-2000:], suite.stderr[-2000:])
        return 1

    spark = local_session("bench")
    baseline = []
    for _ in range(20):
        t = time.perf_counter()
        spark.range(10).count()
        baseline.append(time.perf_counter() - t)
    recorder = CallTimes()
    # Twice: the first pass warms Spark's code generation like a developer's second run.
    for _ in range(2):
        recorder.durations.clear()
        pytest.main(["-q", str(REPO / "jobs")], plugins=[recorder])
    if recorder.failed:
        print("failed:", recorder.failed)
        return 1
    per_test = statistics.median(recorder.durations.values())
    floor = statistics.median(baseline)
    print(f"job test suite, fresh process (JVM start included): {suite_wall:.1f} s  [target < 45 s]")
    print(f"median transform test, session up: {per_test:.3f} s over {len(recorder.durations)} tests  [target < 0.5 s]")
    print(f"slowest transform test: {max(recorder.durations.values()):.3f} s")
    print(f"median test / trivial Spark action (range(10).count(), {floor * 1000:.0f} ms): {per_test / floor:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
