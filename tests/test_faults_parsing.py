"""Reading Terraform's answers: drift that is only null-versus-empty, orphans named in apply errors,
artifact keys a plan points at, and a state lock's holder (issue 16, items 3, 7, 8, 14). No Terraform runs."""

from __future__ import annotations

import socket

from glue_release.artifacts import artifact_check
from glue_release.review import plan_summary
from glue_release.terraform import orphans
from glue_release.terraform.state_lock import LockInfo


def drift(address: str, before: dict, after: dict) -> dict:
    return {
        "address": address,
        "type": address.split(".")[-2],
        "change": {"actions": ["update"], "before": before, "after": after},
    }


def test_null_versus_empty_is_not_drift_but_a_real_value_is():
    plan = {
        "resource_drift": [
            drift("aws_glue_job.a", {"tags": None, "connections": None}, {"tags": {}, "connections": []}),
            drift(
                "aws_iam_role.b", {"tags": None, "inline_policy": []}, {"tags": {}, "inline_policy": [{"name": "x"}]}
            ),
        ]
    }
    assert plan_summary.drifted(plan) == ["aws_iam_role.b (update)"]


APPLY_ERRORS = """
╷
│ Error: creating IAM Role (glue-etl-local-orphan_job): operation error IAM: CreateRole, https response
│ error StatusCode: 409, EntityAlreadyExists: Role with name glue-etl-local-orphan_job already exists.
│
│   with module.job_role["orphan_job"].aws_iam_role.this,
│   on modules/glue-job-role/main.tf line 197, in resource "aws_iam_role" "this":
│  197: resource "aws_iam_role" "this" {
│
╵
╷
│ Error: creating CloudWatch Logs Log Group (/aws-glue/jobs/glue-etl-local/orphan_job/error): operation
│ error CloudWatch Logs: CreateLogGroup, ResourceAlreadyExistsException: The specified log group already exists
│
│   with module.glue_job["orphan_job"].aws_cloudwatch_log_group.this["error"],
│   on modules/glue-job/main.tf line 24, in resource "aws_cloudwatch_log_group" "this":
│   24: resource "aws_cloudwatch_log_group" "this" {
│
╵
╷
│ Error: waiting for something else
│
│   with module.glue_job["other"].aws_glue_job.this,
╵
"""


def test_orphans_are_named_with_import_ids_from_the_plan(tmp_path):
    plan = {
        "resource_changes": [
            {
                "address": 'module.job_role["orphan_job"].aws_iam_role.this',
                "type": "aws_iam_role",
                "change": {"actions": ["create"], "after": {"name": "glue-etl-local-orphan_job"}},
            },
            {
                "address": 'module.glue_job["orphan_job"].aws_cloudwatch_log_group.this["error"]',
                "type": "aws_cloudwatch_log_group",
                "change": {"actions": ["create"], "after": {"name": "/aws-glue/jobs/glue-etl-local/orphan_job/error"}},
            },
        ]
    }
    found = orphans.find(APPLY_ERRORS, plan)
    assert [o.address for o in found] == [
        'module.job_role["orphan_job"].aws_iam_role.this',
        'module.glue_job["orphan_job"].aws_cloudwatch_log_group.this["error"]',
    ]
    path = orphans.write(tmp_path, found)
    text = path.read_text()
    assert 'to = module.job_role["orphan_job"].aws_iam_role.this\n  id = "glue-etl-local-orphan_job"' in text
    assert orphans.write(tmp_path, found).read_text() == text  # written once, however often it is found
    assert "nothing was deleted" in orphans.message("local", found, path)


def test_plan_artifact_keys_are_the_jobs_script_and_extra_files():
    after = {
        "command": [{"script_location": "s3://art/jobs/a/1/main.py"}],
        "default_arguments": {"--extra-py-files": "s3://art/lib/2/glue_runtime.zip,s3://art/jobs/a/1/a.zip"},
    }
    plan = {
        "resource_changes": [
            {"type": "aws_glue_job", "change": {"actions": ["update"], "after": after}},
            {"type": "aws_glue_job", "change": {"actions": ["delete"], "after": None}},
        ]
    }
    assert artifact_check.plan_artifact_keys(plan, "art") == [
        "jobs/a/1/a.zip",
        "jobs/a/1/main.py",
        "lib/2/glue_runtime.zip",
    ]


def test_lock_taken_on_this_machine_is_recognised():
    here = LockInfo("id", "OperationTypeApply", f"me@{socket.gethostname()}", "2026-01-01T00:00:00Z", "b/k")
    elsewhere = LockInfo("id", "OperationTypeApply", "runner@ci-host-xyz", "2026-01-01T00:00:00Z", "b/k")
    assert here.taken_here() and not elsewhere.taken_here()
    assert here.describe() == f"taken by me@{socket.gethostname()} for apply at 2026-01-01T00:00:00Z (lock ID id)"


def test_a_plan_without_the_orphans_job_leaves_its_import_blocks_out(tmp_path):
    """Killed apply, then the job is removed (or rolled back past): Terraform refuses an import whose target has
    no configuration ("Configuration for import target does not exist"), so only the planned jobs' blocks go in."""
    build, terraform_dir = tmp_path / "build", tmp_path / "terraform"
    build.mkdir()
    terraform_dir.mkdir()
    orphans.write(
        build,
        [
            orphans.Orphan('module.job_role["gone_job"].aws_iam_role.this', "aws_iam_role", "glue-etl-local-gone_job"),
            orphans.Orphan('module.job_role["kept_job"].aws_iam_role.this', "aws_iam_role", "glue-etl-local-kept_job"),
        ],
    )
    (build / "release.tfvars.json").write_text('{"jobs": {"kept_job": {}}}')
    with orphans.included(build, terraform_dir):
        planned = (terraform_dir / orphans.GENERATED_NAME).read_text()
    assert 'to = module.job_role["kept_job"].aws_iam_role.this' in planned
    assert "gone_job" not in planned
    assert "gone_job" in orphans.imports_file(build).read_text()  # kept for a plan that has the job again
