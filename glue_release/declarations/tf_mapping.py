"""A job declaration as Terraform sees it: one entry of the root module's ``jobs`` variable.

The only place that knows the variable's shape (``terraform/variables.tf``) and
which job arguments Terraform sets itself, so a declaration may not use them.
``tests/test_declarations.py`` checks both lists against the Terraform files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glue_release.declarations.job import JobDeclaration

# Argument name (without "--") -> who sets it. Glue's own and the platform's (terraform/modules/glue-job,
# local.platform_arguments), then the root module's (terraform/main.tf, module "glue_job" arguments).
TERRAFORM_SET_ARGUMENTS = {
    "JOB_NAME": "Glue",
    "job-language": "the glue-job module",
    "extra-py-files": "the glue-job module",
    "TempDir": "the glue-job module",
    "job-bookmark-option": "the glue-job module",
    "enable-continuous-cloudwatch-log": "the glue-job module",
    "custom-logGroup-prefix": "the glue-job module",
    "enable-metrics": "the glue-job module",
    "enable-observability-metrics": "the glue-job module",
    "enable-glue-datacatalog": "the glue-job module",
    "additional-python-modules": "the glue-job module, from python_modules",
    "python-modules-installer-option": "the glue-job module, from python_modules",
    "environment": "the root module",
    "catalog_database": "the root module",
}


def job_variable(job: JobDeclaration) -> dict[str, Any]:
    """``job`` (already resolved for its environment, see ``JobDeclaration.for_env``) as Terraform's job object."""
    return {
        "description": job.description,
        "glue_version": job.glue_version,
        "worker_type": job.worker_type,
        "number_of_workers": job.number_of_workers,
        "timeout_minutes": job.timeout_minutes,
        "max_retries": job.max_retries,
        "max_concurrent_runs": job.max_concurrent_runs,
        "bookmarks": job.bookmarks,
        "schedule": job.schedule,
        "schedule_enabled": job.schedule_enabled,
        "depends_on": list(job.depends_on),
        "arguments": dict(job.arguments),
        "inputs": {k: {"bucket": v.bucket, "prefix": v.prefix} for k, v in job.inputs.items()},
        "outputs": {k: {"bucket": v.bucket, "prefix": v.prefix} for k, v in job.outputs.items()},
        "catalog_tables": list(job.catalog_tables),
        "catalog_reads": list(job.catalog_reads),
        "adopted": None
        if job.adopted is None
        else {
            "job_name": job.adopted.job_name,
            "schedule_trigger": job.adopted.schedule_trigger,
            "upstream_trigger": job.adopted.upstream_trigger,
            "import": job.environment == job.adopted.environment,
        },
    }
