"""What each invoke task does; ``tasks.py`` only parses flags and calls these."""

from __future__ import annotations

import subprocess
import sys

from glue_release import declarations, local_run, scaffold
from glue_release.errors import UserError
from glue_release.paths import BUILD_DIR, JOBS_DIR, REPO_ROOT


def run_local(job_name: str, arg_pairs: list[str]) -> None:
    jobs = declarations.load_jobs()
    job = declarations.select_job(jobs, job_name)
    overrides = local_run.parse_overrides(arg_pairs)
    output_root = BUILD_DIR / "local-runs" / job.name
    run = local_run.run_local(job, overrides, output_root)
    if run.returncode != 0:
        raise UserError(f"job {job.name} failed (exit {run.returncode}); its output is above")
    print(f"\n{job.name} wrote:")
    for name, folder in run.outputs.items():
        rows = run.rows.get(name)
        print(f"  {name:<24} {'no data' if rows is None else f'{rows} rows':>10}  {folder}")


def new_job(name: str) -> None:
    folder = scaffold.new_job(name, JOBS_DIR)
    print(f"created {folder.relative_to(REPO_ROOT)}/: edit job.yaml, transforms.py and its test, then:")
    print(f"  invoke test --unit && invoke run-local --job {name}")


def test(unit: bool = False) -> None:
    """pytest over jobs/ and tests/; ``unit`` leaves out what needs the emulator or extra JVMs."""
    cmd = [sys.executable, "-m", "pytest"]
    if unit:
        cmd += ["-m", "not emulator and not slow"]
    result = subprocess.run(cmd, cwd=REPO_ROOT)
    if result.returncode != 0:
        raise UserError(f"tests failed (pytest exit {result.returncode}); see the failures above")
