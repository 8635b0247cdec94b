"""Job declarations: ``jobs/<job>/job.yaml``, the one place a job is described.

Everything else (Terraform's ``jobs`` variable, local runs, packaging, smoke
runs) is derived from the checked form here, so defaults live only here.

- ``model``: the file's shape (pydantic); ``schemas/job.schema.json`` is made from it.
- ``job``: one declaration read, checked and resolved (``JobDeclaration``, its ``SmokeSpec``).
- ``rules``: what needs every job (unknown upstreams, cycles through data, overlapping outputs).
- ``loader``: every folder under ``jobs/``; ``tf_mapping``: a job as Terraform's variable.

Imports stay light (no boto3, no PySpark): ``invoke validate`` must answer in well under a second.
"""

from __future__ import annotations

from glue_release.declarations.job import (
    DECLARATION,
    EnvironmentSettings,
    JobDeclaration,
    Location,
    OutputCheck,
    SmokeSpec,
    load_job,
    parse_smoke,
)
from glue_release.declarations.loader import job_folders, load_jobs
from glue_release.declarations.model import (
    ARG_NAME_RE,
    GLUE_VERSIONS,
    INPUT_BUCKETS,
    JOB_NAME_RE,
    OUTPUT_BUCKETS,
    WORKER_TYPES,
    normalise_type,
)
from glue_release.declarations.rules import dependency_order, select_job
from glue_release.declarations.tf_mapping import TERRAFORM_SET_ARGUMENTS

# Kept under its old name: arguments a declaration must not set.
RESERVED_ARGS = frozenset(TERRAFORM_SET_ARGUMENTS)

__all__ = [
    "ARG_NAME_RE",
    "DECLARATION",
    "GLUE_VERSIONS",
    "INPUT_BUCKETS",
    "JOB_NAME_RE",
    "OUTPUT_BUCKETS",
    "RESERVED_ARGS",
    "TERRAFORM_SET_ARGUMENTS",
    "WORKER_TYPES",
    "EnvironmentSettings",
    "JobDeclaration",
    "Location",
    "OutputCheck",
    "SmokeSpec",
    "dependency_order",
    "job_folders",
    "load_job",
    "load_jobs",
    "normalise_type",
    "parse_smoke",
    "select_job",
]
