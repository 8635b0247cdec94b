"""`invoke run`: a chained job starts its workflow (so its downstream jobs run on AWS), a lone job itself.

In-process moto: the API answers (triggers with WorkflowName, workflow and job runs) are all this needs.
"""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from glue_release.errors import UserError
from glue_release.runs import start_run

ROLE = "arn:aws:iam::123456789012:role/glue-etl-test-x"


@pytest.fixture
def glue():
    with mock_aws():
        client = boto3.client("glue", region_name="us-east-1")
        for name in ("p-up", "p-down", "p-alone"):
            client.create_job(Name=name, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://a/main.py"})
        client.create_workflow(Name="p-up-chain")
        client.create_trigger(
            Name="p-up-chain-start", WorkflowName="p-up-chain", Type="ON_DEMAND", Actions=[{"JobName": "p-up"}]
        )
        client.create_trigger(
            Name="p-down-on-upstream",
            WorkflowName="p-up-chain",
            Type="CONDITIONAL",
            Predicate={
                "Logical": "AND",
                "Conditions": [{"LogicalOperator": "EQUALS", "JobName": "p-up", "State": "SUCCEEDED"}],
            },
            Actions=[{"JobName": "p-down"}],
        )
        yield client


@pytest.mark.parametrize("job", ["p-up", "p-down"])
def test_chained_job_starts_its_workflow(glue, job: str) -> None:
    started = start_run.start(glue, job)
    assert started.workflow == "p-up-chain"
    runs = glue.get_workflow_runs(Name="p-up-chain")["Runs"]
    assert [r["WorkflowRunId"] for r in runs] == [started.run_id]
    assert glue.get_job_runs(JobName=job)["JobRuns"] == [], "no stray job run outside the workflow"


def test_lone_job_starts_itself(glue) -> None:
    started = start_run.start(glue, "p-alone")
    assert started.workflow is None
    assert [r["Id"] for r in glue.get_job_runs(JobName="p-alone")["JobRuns"]] == [started.run_id]


def test_job_not_deployed(glue) -> None:
    with pytest.raises(UserError, match="p-missing is not deployed"):
        start_run.start(glue, "p-missing")
