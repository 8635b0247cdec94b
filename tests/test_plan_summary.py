"""The review summary, from plans in the shape of `terraform show -json` (see test_release for real ones)."""

from glue_release.review import plan_summary

OLD = "a" * 64
NEW = "b" * 64
LIB = "c" * 64


def glue_job(script_hash: str, lib_hash: str = LIB) -> dict:
    return {
        "name": "glue-etl-test-customers_clean",
        "command": [{"script_location": f"s3://arts/jobs/customers_clean/{script_hash}/main.py"}],
        "default_arguments": {"--extra-py-files": f"s3://arts/lib/{lib_hash}/glue_runtime.zip,s3://arts/jobs/x.zip"},
    }


def change(address: str, type_: str, actions: list[str], before=None, after=None) -> dict:
    return {
        "address": address,
        "type": type_,
        "mode": "managed",
        "change": {"actions": actions, "before": before, "after": after},
    }


PLAN = {
    "resource_changes": [
        change(
            'module.jobs["customers_clean"].aws_glue_job.this', "aws_glue_job", ["update"], glue_job(OLD), glue_job(NEW)
        ),
        change('module.data_lake.aws_s3_bucket.this["raw"]', "aws_s3_bucket", ["delete", "create"], {}, {}),
        change("aws_iam_role.unused", "aws_iam_role", ["delete"], {}, None),
        change("aws_cloudwatch_log_group.new", "aws_cloudwatch_log_group", ["create"], None, {}),
        change("aws_glue_trigger.same", "aws_glue_trigger", ["no-op"], {}, {}),
    ]
}


def test_counts_each_kind_of_action():
    assert plan_summary.counts(PLAN) == {"update": 1, "replace": 1, "delete": 1, "create": 1}
    assert not plan_summary.counts({"resource_changes": [PLAN["resource_changes"][-1]]})  # no-op only


def test_job_code_change_shows_old_and_new_hash():
    assert plan_summary.job_code_changes(PLAN) == [("glue-etl-test-customers_clean", "script", OLD[:12], NEW[:12])]


def test_library_change_is_reported_separately():
    plan = {"resource_changes": [change("j", "aws_glue_job", ["update"], glue_job(OLD, LIB), glue_job(OLD, NEW))]}
    assert plan_summary.job_code_changes(plan) == [("glue-etl-test-customers_clean", "library", LIB[:12], NEW[:12])]


def test_destroying_stateful_resources_is_a_loud_warning_at_the_top():
    text = plan_summary.render(PLAN, "test", "0123456789abcdef")
    warning = text.index("[!CAUTION]")
    assert warning < text.index("Resources (")
    assert '`replace` `module.data_lake.aws_s3_bucket.this["raw"]`' in text
    assert "`delete` `aws_iam_role.unused`" in text
    assert "aws_cloudwatch_log_group.new`" in text.split("[!CAUTION]")[1].split("**Job code**")[1]
    assert "1 to add, 1 to change, 1 to destroy, 1 to replace" in text


def test_no_changes_says_so_without_tables():
    text = plan_summary.render({"resource_changes": []}, "prod", "abc")
    assert "**No changes.**" in text and "|" not in text and "CAUTION" not in text


def test_drift_lists_resources_changed_outside_terraform():
    plan = {"resource_drift": [change("aws_glue_job.x", "aws_glue_job", ["update"], {}, {})], "resource_changes": []}
    assert plan_summary.drifted(plan) == ["aws_glue_job.x (update)"]
    assert "Changed outside Terraform" in plan_summary.render(plan, "prod", "abc", "Drift")
