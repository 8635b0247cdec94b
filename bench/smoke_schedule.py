"""Benchmark: a local smoke run of the three sample jobs, one job at a time vs the smoke scheduler.

Prints the wall time of ``run_smoke(parallel=1)`` and of ``run_smoke()`` (the
default: jobs without dependencies at once, up to one Spark process per core
with 1.5 GiB free each), and their ratio, measured in one process against one
emulator. Rounds alternate the two so background load hits both alike; the
medians are compared.

The deployed state is made directly with boto3 (``glue_release.smoke.emulator_deploy``:
buckets, uploaded artifacts, Glue jobs with Terraform's default arguments), as
the smoke tests do, so the bench needs no Terraform. The checks' Spark session
is started before timing: both variants share it, and neither should pay for it.

Run: python bench/smoke_schedule.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from glue_release import declarations  # noqa: E402
from glue_release.emulator.control import free_port  # noqa: E402
from glue_release.settings import Settings  # noqa: E402
from glue_release.smoke import run_smoke  # noqa: E402
from glue_release.smoke.checks import spark_session  # noqa: E402
from glue_release.smoke.emulator_deploy import deploy_jobs, emulator_settings  # noqa: E402
from glue_release.smoke.schedule import default_local_parallel  # noqa: E402


def timed_smoke(settings: Settings, jobs: dict[str, declarations.JobDeclaration], parallel: int | None) -> float:
    started = time.perf_counter()
    report = run_smoke(settings, jobs, timeout_s=600, parallel=parallel)
    elapsed = time.perf_counter() - started
    if not report.ok:
        print(report.table())
        raise SystemExit(f"the smoke run (parallel={parallel}) failed; timings would mean nothing")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2, help="pairs of runs (sequential, scheduled)")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smoke-bench-") as tmp:
        settings = emulator_settings(Path(tmp), free_port())
        emulator = settings.emulator
        assert emulator is not None
        emulator.up()
        try:
            jobs = declarations.load_jobs()
            deploy_jobs(settings, jobs)
            spark_session()
            timed_smoke(settings, jobs, parallel=None)  # warm-up: artifact cache, the emulator's first requests
            sequential: list[float] = []
            scheduled: list[float] = []
            for index in range(opts.rounds):
                # Alternate which goes first, so a burst of background load does not land on one side only.
                for parallel in (None, 1) if index % 2 else (1, None):
                    (sequential if parallel == 1 else scheduled).append(timed_smoke(settings, jobs, parallel))
        finally:
            emulator.down()
    seq, sched = statistics.median(sequential), statistics.median(scheduled)
    print(f"jobs: {', '.join(jobs)}; scheduler parallelism here: {default_local_parallel()}")
    print(f"sequential (parallel=1): {seq:6.1f} s   runs: {', '.join(f'{t:.1f}' for t in sequential)}")
    print(f"scheduled  (default):    {sched:6.1f} s   runs: {', '.join(f'{t:.1f}' for t in scheduled)}")
    print(f"ratio sequential/scheduled: {seq / sched:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
