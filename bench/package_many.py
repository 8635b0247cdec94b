"""Benchmark: packaging many jobs, and one changed job out of many.

1. Packages a generated repo of 200 jobs (scaffolded by `invoke new-job`'s
   templates) and prints the time (target < 2 s), next to a baseline measured in
   the same process: just reading and hashing the same source files.
2. With --deploy N (e.g. 50): deploys a generated N-job repo to a fresh local
   emulator, changes one job's transforms, then packages, uploads and plans
   again; prints how many artifacts were uploaded (expected 1) and which
   resources the plan touches (expected: only that job's).

Run: python bench/package_many.py [--jobs 200] [--deploy 50]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from glue_release import commands, declarations, release, scaffold  # noqa: E402
from glue_release.artifacts import packaging  # noqa: E402
from glue_release.emulator.control import free_port  # noqa: E402


def generate(root: Path, count: int) -> Path:
    jobs = root / "jobs"
    jobs.mkdir(parents=True)
    for i in range(count):
        scaffold.new_job(f"generated_{i:03d}", jobs, tidy=False)
    return jobs


def time_packaging(jobs_dir: Path, rounds: int = 5) -> tuple[float, float]:
    jobs = declarations.load_jobs(jobs_dir)
    sources = sorted(p for p in jobs_dir.rglob("*.py"))
    package_times, baseline_times = [], []
    for i in range(rounds):
        started = time.perf_counter()
        for source in sources:
            hashlib.sha256(source.read_bytes()).hexdigest()
        baseline_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        packaging.package(jobs, jobs_dir.parent / f"build-{i}")
        package_times.append(time.perf_counter() - started)
    return statistics.median(package_times), statistics.median(baseline_times)


def one_changed(count: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-one-changed-"))
    jobs_dir = generate(root, count)
    config = {
        "emulator": {"port": free_port()},
        "provider_mirror": os.environ.get("INVOKE_PROVIDER_MIRROR"),
        "build_root": str(root / "build"),
    }
    settings = commands.settings_for("local", config)
    assert settings.emulator is not None
    settings.emulator.up()
    try:
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            started = time.perf_counter()
            release.bootstrap(settings, only_if_missing=True)
            manifest = release.package_env(settings, declarations.load_jobs(jobs_dir))
            release.upload_env(settings, manifest)
            release.apply_env(settings, release.plan_env(settings, manifest).plan_file)
            deployed_in = time.perf_counter() - started
            changed = jobs_dir / "generated_007" / "transforms.py"
            changed.write_text(changed.read_text() + "\n# one change\n")
            manifest = release.package_env(settings, declarations.load_jobs(jobs_dir))
            report = release.upload_env(settings, manifest)
            started = time.perf_counter()
            release.plan_env(settings, manifest)
            planned_in = time.perf_counter() - started
        plan = json.loads((settings.build_dir / "plan.json").read_text())
        touched = [rc["address"] for rc in plan["resource_changes"] if rc["change"]["actions"] != ["no-op"]]
        print(f"{count}-job repo: first deploy {deployed_in:.0f} s; after changing generated_007:")
        print(f"  artifacts uploaded: {len(report.uploaded)} {report.uploaded}  [expected 1]")
        print(f"  plan ({planned_in:.1f} s) touches {len(touched)} resources: {touched}")
        print(f"  only that job: {all('generated_007' in a for a in touched) and bool(touched)}")
    finally:
        settings.emulator.down()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--deploy", type=int, default=0, metavar="N")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        jobs_dir = generate(Path(tmp), opts.jobs)
        packaged, baseline = time_packaging(jobs_dir)
    print(f"packaging {opts.jobs} jobs: median {packaged:.3f} s  [target < 2 s]")
    print(f"reading + hashing their sources only: {baseline:.3f} s; ratio {packaged / baseline:.1f}x")
    if opts.deploy:
        one_changed(opts.deploy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
