"""``invoke validate``: every declaration and the rules across jobs, in well under a second.

Only the declarations package and the catalog files' reader are imported on this path (pydantic, PyYAML): no
boto3, no PySpark, no Terraform. ``package``, ``plan`` and ``deploy`` run the
same checks first, through ``load_jobs``.
"""

from __future__ import annotations

from pathlib import Path

from glue_release.declarations.job import known_environments
from glue_release.declarations.loader import load_jobs
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR


def validate(jobs_dir: Path = JOBS_DIR) -> str:
    """The one-line verdict; a problem is raised as ``UserError`` naming the file and field."""
    environments = known_environments()
    if not environments:  # "valid for " nothing: the overrides and external buckets were checked against none
        raise UserError("environments/ holds no <env>.tfvars; restore the folder (`git checkout -- environments`)")
    jobs = load_jobs(jobs_dir, environments)
    # The catalog files too (malformed, or missing for a job's catalog_reads): `package` would refuse them later.
    from glue_release.catalog.tables import check_reads, load_catalog

    tables = load_catalog(jobs_dir.parent / "catalog")
    for name, job in jobs.items():
        check_reads(name, job.declaration_file, job.catalog_reads, tables)
    overrides = sorted({env for job in jobs.values() for env in job.environments})
    line = f"{len(jobs)} job declarations valid for {', '.join(environments)}"
    if overrides:
        line += f" (environment overrides in {', '.join(overrides)})"
    return line
