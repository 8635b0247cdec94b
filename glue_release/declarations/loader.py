"""Every job under ``jobs/``: each declaration read once, then the rules across jobs."""

from __future__ import annotations

from pathlib import Path

from glue_release.declarations.external_buckets import check_declared
from glue_release.declarations.job import DECLARATION, JobDeclaration, known_environments, load_job, shown
from glue_release.declarations.rules import check_jobs
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR


def job_folders(jobs_dir: Path = JOBS_DIR) -> list[Path]:
    """The folders that are jobs, sorted by name.

    A folder with a ``main.py`` but no ``job.yaml`` is an error, not skipped: skipping it
    would plan to destroy the live job (a ``job.yml`` typo must not do that). Folders that
    are clearly not jobs are left alone: ``_``- or ``.``-prefixed, or without ``main.py``.
    """
    folders = []
    for entry in sorted(jobs_dir.iterdir()):
        if entry.is_symlink() and not entry.exists() and not entry.name.startswith(("_", ".")):
            # A broken link may be a job that moved: skipping it would plan to destroy that job.
            raise UserError(f"{shown(entry)}: a symlink to {entry.readlink()}, which does not exist; fix or remove it")
        outside = entry.is_symlink() and not entry.resolve().is_relative_to(jobs_dir.resolve().parent)
        if outside and not entry.name.startswith(("_", ".")):  # those are never jobs (see above)
            # Git keeps only the link: CI, a rollback's checkout and the commit a build names would lack the job.
            raise UserError(
                f"{shown(entry)}: a symlink to {entry.readlink()}, outside the repository; Git stores only the "
                "link, so CI and rollbacks would not have this job: move the folder into jobs/"
            )
    for folder in sorted(p for p in jobs_dir.iterdir() if p.is_dir()):
        if folder.name.startswith(("_", ".")):
            continue
        if (folder / DECLARATION).exists() or (folder / DECLARATION).is_symlink():
            folders.append(folder)
        elif (folder / "main.py").exists():
            lookalikes = sorted(
                p.name for p in folder.iterdir() if p.name.startswith("job.") or p.suffix in (".yml", ".yaml")
            )
            found = f" (found {', '.join(lookalikes)})" if lookalikes else ""
            raise UserError(
                f"{shown(folder)}: has main.py but no {DECLARATION}{found}; name the declaration {DECLARATION}, "
                f"or prefix the folder with _ if it is not a job"
            )
    return folders


def load_jobs(jobs_dir: Path = JOBS_DIR, environments: list[str] | None = None) -> dict[str, JobDeclaration]:
    """Every job under ``jobs_dir``, sorted by name, with cross-job rules checked (see ``rules``)."""
    if not jobs_dir.is_dir():
        raise UserError(f"{shown(jobs_dir)}: not a folder; jobs live in jobs/<name>/")
    envs = known_environments() if environments is None else environments
    jobs = {folder.name: load_job(folder, envs) for folder in job_folders(jobs_dir)}
    for job in jobs.values():
        if job.script.is_dir():
            raise UserError(f"{shown(job.script)} is a directory; it must be the script file Glue runs: replace it")
        if not job.script.is_file():
            raise UserError(f"{shown(job.folder)}: missing main.py, the script Glue runs (a file)")
    check_jobs(jobs, envs)
    check_declared(jobs)
    return jobs
