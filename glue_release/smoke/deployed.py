"""A deployed Glue job as ``get_job`` reports it, and the smoke run's view of its arguments.

The smoke run trusts what was deployed, not the checkout: bucket names come from
the job's default arguments (Terraform resolved ``s3://<bucket of the role>/<prefix>``
into them), code comes from its script location and ``--extra-py-files``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from glue_release.declarations import JobDeclaration
from glue_release.errors import UserError
from glue_release.settings import Settings
from glue_release.smoke.s3io import S3Uri, smoke_twin


class SetupError(Exception):
    """The job cannot be smoke-run as deployed (e.g. a missing argument); reported on its row, not raised."""


def glue_job_name(settings: Settings, job: str) -> str:
    """The job's name on AWS, as terraform/main.tf derives it (``local.jobs[*].aws_name``)."""
    return f"{settings.name_prefix}-{job}"


@dataclass(frozen=True)
class DeployedJob:
    job: str
    glue_name: str
    script_location: str
    default_arguments: dict[str, str]  # keys with their leading "--", as Glue stores them
    glue_version: str | None = None
    role: str = ""  # the job's IAM role ARN: local smoke runs work under it

    @classmethod
    def from_get_job(cls, job: str, response: dict[str, Any]) -> DeployedJob:
        definition = response["Job"]
        return cls(
            job=job,
            glue_name=definition["Name"],
            script_location=definition.get("Command", {}).get("ScriptLocation", ""),
            # The platform's arguments (code, logs) are non-overridable; a run sees both.
            default_arguments={
                **(definition.get("DefaultArguments") or {}),
                **(definition.get("NonOverridableArguments") or {}),
            },
            glue_version=definition.get("GlueVersion"),
            role=definition.get("Role", ""),
        )

    @property
    def extra_py_files(self) -> list[str]:
        value = self.default_arguments.get("--extra-py-files", "")
        return [item.strip() for item in value.split(",") if item.strip()]

    def log_groups(self, run_log_group: str | None = None) -> list[str]:
        """Where Glue may have put this run's driver output, most specific first."""
        candidates: list[str] = []
        custom = self.default_arguments.get("--custom-logGroup-prefix")
        for root in (run_log_group, custom, "/aws-glue/jobs"):
            if root:
                candidates += [f"{root.rstrip('/')}/error", f"{root.rstrip('/')}/output"]
        continuous = self.default_arguments.get("--continuous-log-logGroup")
        candidates += [continuous] if continuous else []
        candidates.append("/aws-glue/jobs/logs-v2")
        return list(dict.fromkeys(candidates))


def read_deployed(glue: Any, settings: Settings, jobs: list[str]) -> dict[str, DeployedJob]:
    """``get_job`` for each job; one error naming every job that is not deployed."""
    deployed: dict[str, DeployedJob] = {}
    missing: list[str] = []
    for job in jobs:
        name = glue_job_name(settings, job)
        try:
            deployed[job] = DeployedJob.from_get_job(job, glue.get_job(JobName=name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "EntityNotFoundException":
                raise
            missing.append(f"{job} (Glue job {name})")
    if missing:
        raise UserError(
            f"not deployed in {settings.env}: {', '.join(missing)}; run `invoke deploy --env {settings.env}` first"
        )
    return deployed


def smoke_locations(job: JobDeclaration, deployed: DeployedJob) -> dict[str, S3Uri]:
    """Every input and output argument -> its ``_smoke/`` twin of the deployed location."""
    locations: dict[str, S3Uri] = {}
    for arg, location in {**job.inputs, **job.outputs}.items():
        value = deployed.default_arguments.get(f"--{arg}")
        if not value or not value.startswith("s3://"):
            raise SetupError(
                f"the deployed job {deployed.glue_name} has no s3:// default for --{arg}; "
                "it was deployed from another declaration: deploy again"
            )
        real = S3Uri.parse(value)
        if real.prefix != location.prefix:
            raise SetupError(
                f"the deployed --{arg} is {value}, but job.yaml says prefix {location.prefix}; "
                "the deployment is out of date: deploy again"
            )
        locations[arg] = smoke_twin(value)
    return locations
