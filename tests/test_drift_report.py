"""`invoke drift` opens a drift issue only for changes made outside Terraform (`resource_drift`); code on
main that was never applied (a prod apply waiting for approval) is reported apart, in pending.md."""

from __future__ import annotations

import json
from pathlib import Path

from glue_release.review import drift_report


def change(address: str, actions: list[str], before: dict | None = None, after: dict | None = None) -> dict:
    # after_unknown as Terraform writes it: True for a value known only after apply, and the shape of
    # each nested block (here `command`, a list of one block) with nothing unknown in it.
    unknown = {"arn": True, "command": [{}]}
    return {
        "address": address,
        "type": address.split(".")[0],
        "mode": "managed",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown},
    }


PLAN = {
    # The console changed the job's worker count: refresh saw it, and the plan puts it back.
    "resource_drift": [
        change(
            "aws_glue_job.orders",
            ["update"],
            {"max_retries": 0, "script": "a", "arn": "arn:aws:glue:eu-west-1:1:job/orders"},
            {"max_retries": 3, "script": "a", "arn": "arn:aws:glue:eu-west-1:1:job/orders"},
        ),
        change(
            "aws_glue_job.returns",
            ["update"],
            {"max_retries": 0, "command": [{"script": "r1"}]},
            {"max_retries": 5, "command": [{"script": "r1"}]},
        ),
        change("aws_s3_bucket.lake", ["no-op"]),
    ],
    "resource_changes": [
        # Only undoes the drift: back to what the last apply left (arn unknown until apply: ignored).
        change("aws_glue_job.orders", ["update"], {"max_retries": 3}, {"max_retries": 0, "script": "a", "arn": None}),
        # Undoes the drift AND ships new code: drift and pending both.
        change(
            "aws_glue_job.returns", ["update"], {"max_retries": 5}, {"max_retries": 0, "command": [{"script": "r2"}]}
        ),
        # New code on main, waiting for the prod approval: not drift.
        change("aws_glue_job.customers", ["update"]),
        change("aws_glue_trigger.nightly", ["create"]),
        change("aws_s3_bucket.lake", ["no-op"]),
    ],
}


def test_drift_and_undeployed_changes_are_told_apart() -> None:
    report = drift_report.split(PLAN)
    assert report.drifted == ["aws_glue_job.orders (update)", "aws_glue_job.returns (update)"]
    assert report.pending == [
        "aws_glue_job.returns (update)",
        "aws_glue_job.customers (update)",
        "aws_glue_trigger.nightly (create)",
    ]


def test_a_waiting_deploy_alone_is_not_drift(tmp_path: Path) -> None:
    plan = {"resource_drift": [], "resource_changes": PLAN["resource_changes"][2:]}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    report = drift_report.write(tmp_path / "plan.json", tmp_path, "prod", "a" * 40)
    assert report.drifted == []
    assert "**No drift.**" in (tmp_path / "drift.md").read_text()
    pending = (tmp_path / "pending.md").read_text()
    assert "2 changes are in the code but not applied" in pending and "`aws_glue_trigger.nightly (create)`" in pending


def test_drift_report_lists_only_drift(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text(json.dumps(PLAN))
    drift_report.write(tmp_path / "plan.json", tmp_path, "prod", "b" * 40)
    text = (tmp_path / "drift.md").read_text()
    assert "2 resources changed outside Terraform" in text and "aws_glue_job.orders" in text
    assert "customers" not in text and "nightly" not in text
