"""Start a deployed job on AWS the way that makes its downstream jobs run too.

A job that belongs to a job graph lives in a Glue workflow (terraform/main.tf), and on AWS its
downstream jobs' conditional triggers fire only for runs that the workflow started. So a chained
job is started with ``start_workflow_run`` (which runs the graph from its root jobs); a job on
its own with ``start_job_run``. Which one is read from the deployed triggers, not recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from glue_release.errors import UserError


@dataclass(frozen=True)
class Started:
    glue_job: str
    run_id: str
    workflow: str | None = None  # set when the whole graph was started

    def describe(self) -> str:
        if self.workflow is None:
            return f"started {self.glue_job}: job run {self.run_id}"
        return (
            f"started workflow {self.workflow} (run {self.run_id}): its root jobs run first, then "
            f"{self.glue_job} and every job downstream of it as their upstream jobs succeed"
        )


def workflow_of(glue: Any, glue_job: str) -> str | None:
    """The workflow whose triggers start ``glue_job``, if any."""
    paginator = glue.get_paginator("get_triggers")
    for page in paginator.paginate(DependentJobName=glue_job):
        for trigger in page.get("Triggers", []):
            if trigger.get("WorkflowName"):
                return str(trigger["WorkflowName"])
    return None


def start(glue: Any, glue_job: str) -> Started:
    try:
        glue.get_job(JobName=glue_job)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "EntityNotFoundException":
            raise UserError(f"job {glue_job} is not deployed; run `invoke deploy` for this environment first") from None
        raise
    workflow = workflow_of(glue, glue_job)
    if workflow is None:
        return Started(glue_job, str(glue.start_job_run(JobName=glue_job)["JobRunId"]))
    return Started(glue_job, str(glue.start_workflow_run(Name=workflow)["RunId"]), workflow)
