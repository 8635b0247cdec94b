"""The reviewer's plan: attribute diffs, IAM rows, provenance, cost and the policy gate.

Plans here are in the shape of `terraform show -json`; fixtures/plan_widened_role.json
is a real one, captured against the emulator. The end-to-end versions, with plans made
by real Terraform, are in test_review_emulator.py.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from glue_release.review import attributes, cost, gate, iam, plan_summary, provenance

FIXTURES = Path(__file__).parent / "fixtures"


def rc(address: str, type_: str, actions: list[str], before=None, after=None, **extra) -> dict:
    change = {"actions": actions, "before": before, "after": after, **extra}
    module = address.rsplit(".", 2)[0] if address.startswith("module.") else None
    return {"address": address, "module_address": module, "type": type_, "mode": "managed", "change": change}


# -- attribute diffs ---------------------------------------------------------------------


def test_update_lists_each_changed_attribute_before_and_after():
    change = rc(
        "x",
        "aws_glue_job",
        ["update"],
        {"number_of_workers": 2, "timeout": 30, "default_arguments": {"--a": "1", "--b": "2"}},
        {"number_of_workers": 10, "timeout": 30, "default_arguments": {"--a": "1", "--b": "3"}},
    )["change"]
    rows = {d.path: (d.before, d.after) for d in attributes.diffs(change)}
    assert rows == {"number_of_workers": ("2", "10"), 'default_arguments["--b"]': ("2", "3")}


def test_sensitive_and_unknown_values_are_masked_as_terraform_masks_them():
    change = rc(
        "x",
        "aws_db",
        ["update"],
        {"password": "old-secret", "arn": "arn:1", "tags": {"a": "b"}},
        {"password": "new-secret", "tags": {"a": "c"}},
        before_sensitive={"password": True},
        after_sensitive={"password": True},
        after_unknown={"arn": True},
    )["change"]
    rows = {d.path: (d.before, d.after) for d in attributes.diffs(change)}
    assert rows["password"] == (attributes.SENSITIVE, attributes.SENSITIVE)
    assert rows["arn"] == ("arn:1", attributes.UNKNOWN)
    assert rows["tags.a"] == ("b", "c")
    assert "secret" not in json.dumps(rows)


def test_null_and_empty_are_not_a_change():
    change = rc("x", "aws_iam_role", ["update"], {"tags": None, "n": 1}, {"tags": {}, "n": 2})["change"]
    assert [d.path for d in attributes.diffs(change)] == ["n"]


# -- IAM -----------------------------------------------------------------------------------


def test_widened_role_in_a_real_plan_gives_flagged_wildcard_rows():
    plan = json.loads((FIXTURES / "plan_widened_role.json").read_text())
    (change,) = iam.policy_changes(plan)
    assert [(r.action, r.resource) for r in change.added] == [("s3:*", "*")]
    assert change.removed == []
    assert change.flags[change.added[0]] == ["wildcard action", "wildcard resource"]


def test_a_new_role_policy_known_only_after_apply_is_read_from_its_policy_document():
    """A created role's policy is unknown at plan time; the data source it references still has the statements."""
    plan = {
        "resource_changes": [
            rc(
                'module.job_role["a"].aws_iam_role_policy.this',
                "aws_iam_role_policy",
                ["create"],
                None,
                {"name": "glue-job"},
                after_unknown={"policy": True},
            ),
            {
                "address": 'module.job_role["a"].data.aws_iam_policy_document.this',
                "mode": "data",
                "type": "aws_iam_policy_document",
                "change": {
                    "actions": ["read"],
                    "after": {
                        "statement": [
                            {"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::art/jobs/a/*", None]},
                            {"actions": ["s3:*"], "resources": ["*"]},
                        ]
                    },
                    "after_unknown": {"statement": [{"resources": [False, True]}, {}], "json": True},
                },
            },
        ],
        "configuration": {
            "root_module": {
                "module_calls": {
                    "job_role": {
                        "module": {
                            "resources": [
                                {
                                    "address": "aws_iam_role_policy.this",
                                    "expressions": {
                                        "policy": {
                                            "references": [
                                                "data.aws_iam_policy_document.this.json",
                                                "data.aws_iam_policy_document.this",
                                            ]
                                        }
                                    },
                                }
                            ]
                        }
                    }
                }
            }
        },
    }
    (change,) = iam.policy_changes(plan)
    rows = {(r.action, r.resource) for r in change.added}
    assert rows == {
        ("s3:GetObject", "arn:aws:s3:::art/jobs/a/*"),
        ("s3:GetObject", iam.UNKNOWN),
        ("s3:*", "*"),
    }
    flagged = {(r.action, r.resource) for r in change.flags}
    assert flagged == {("s3:*", "*")}


def test_unresolvable_policy_is_shown_as_unknown_not_dropped():
    plan = {
        "resource_changes": [
            rc("aws_iam_policy.p", "aws_iam_policy", ["create"], None, {}, after_unknown={"policy": True})
        ]
    }
    (change,) = iam.policy_changes(plan)
    assert [(r.action, r.resource) for r in change.added] == [(iam.UNKNOWN, iam.UNKNOWN)]


def trust(*principals: str) -> str:
    return json.dumps(
        {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": list(principals)}}]}
    )


def test_trust_policy_change_gets_rows_and_a_new_principal_is_flagged():
    plan = {
        "resource_changes": [
            rc(
                "aws_iam_role.r",
                "aws_iam_role",
                ["update"],
                {"assume_role_policy": trust("arn:aws:iam::1:root")},
                {"assume_role_policy": trust("arn:aws:iam::1:root", "arn:aws:iam::999:root")},
            )
        ]
    }
    (change,) = iam.policy_changes(plan)
    assert [(r.kind, r.resource) for r in change.added] == [("trust", "AWS:arn:aws:iam::999:root")]
    assert change.flags[change.added[0]] == ["new trust principal"]
    assert [f.address for f in gate.findings([], [change])] == ["aws_iam_role.r"]


def test_a_new_role_trusting_a_named_role_is_flagged_but_only_open_trust_is_gated():
    created = [
        rc(
            "aws_iam_role.named",
            "aws_iam_role",
            ["create"],
            None,
            {"assume_role_policy": trust("arn:aws:iam::1:role/x")},
        ),
        rc("aws_iam_role.open", "aws_iam_role", ["create"], None, {"assume_role_policy": trust("*")}),
    ]
    changes = iam.policy_changes({"resource_changes": created})
    assert all(c.flags for c in changes)  # both shown to the reviewer
    assert [f.address for f in gate.findings([], changes)] == ["aws_iam_role.open"]


def test_permissions_reaching_the_state_bucket_or_another_environment_are_flagged():
    row = iam.Permission("allow", "s3:GetObject", "arn:aws:s3:::acme-tfstate/glue-etl/prod.tfstate")
    names = {"the state bucket": "acme-tfstate", "environment prod": "glue-etl-prod"}
    assert iam.flags_of(row, names) == ["reaches the state bucket"]
    other = iam.Permission("allow", "s3:GetObject", "arn:aws:s3:::glue-etl-prod-curated/x/*")
    assert iam.flags_of(other, names) == ["reaches environment prod"]
    # PutMetricData has no resource-level permissions: `*` is its only possible resource.
    assert iam.flags_of(iam.Permission("allow", "cloudwatch:PutMetricData", "*"), names) == []


# -- the gate --------------------------------------------------------------------------------


def test_gate_blocks_wildcards_and_stateful_destroys_until_allowed():
    plan = json.loads((FIXTURES / "plan_widened_role.json").read_text())
    plan["resource_changes"].append(
        rc('module.glue_job["old"].aws_cloudwatch_log_group.this["error"]', "aws_cloudwatch_log_group", ["delete"], {})
    )
    found = gate.findings(plan_summary.dangerous(plan), iam.policy_changes(plan))
    blocking, accepted = gate.split(found, [])
    assert {f.address for f in blocking} == {
        'module.job_role["customers_clean"].aws_iam_role_policy.this',
        'module.glue_job["old"].aws_cloudwatch_log_group.this["error"]',
    }
    text = gate.message(blocking, "prod")
    assert '--allow \'module.glue_job["old"].aws_cloudwatch_log_group.this["error"]\'' in text
    blocking, accepted = gate.split(found, ['module.glue_job["old"]', "module.job_role[*"])
    assert blocking == []
    summary = plan_summary.render(plan, "prod", "c" * 40, review=plan_summary.Review(accepted=accepted))
    assert "Accepted deliberately" in summary and 'allowed by `module.glue_job["old"]`' in summary


def test_an_allow_that_matches_no_finding_is_named_in_the_summary():
    plan = json.loads((FIXTURES / "plan_widened_role.json").read_text())
    found = gate.findings(plan_summary.dangerous(plan), iam.policy_changes(plan))
    allow = ['module.job_role["customers_clean"]', 'module.job_role["customer_clean"]', "*", ""]
    blocking, accepted = gate.split(found, allow)
    assert blocking == []
    # The typo accepted nothing and says so; "*" (the PR label) and "" (no label) are never reported.
    assert gate.unmatched(accepted, allow) == ['module.job_role["customer_clean"]']
    review = plan_summary.Review(accepted=accepted, unmatched_allow=gate.unmatched(accepted, allow))
    summary = plan_summary.render(plan, "prod", "c" * 40, review=review)
    assert (
        'matched no finding** (a mistyped address accepts nothing):\n- `module.job_role["customer_clean"]`' in summary
    )


# -- cost --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "runs"),
    [
        ("cron(0 3 * * ? *)", 30),
        ("cron(0/15 * * * ? *)", 30 * 24 * 4),
        ("cron(0 9 ? * MON-FRI *)", 22),
        ("cron(0 1 1 * ? *)", 1),
        ("cron(0 1 L * ? *)", 1),
        (None, 0),
    ],
)
def test_runs_per_month_follow_the_cron(schedule, runs):
    assert cost.runs_per_month(schedule) == runs


def test_cost_is_workers_times_dpu_times_minutes_times_runs_times_price():
    price = cost.prices()["regions"]["eu-west-1"]["STANDARD"]
    job = {"worker_type": "G.2X", "number_of_workers": 10, "timeout": 60}
    assert cost.monthly(job, 30, 15.0, "eu-west-1") == pytest.approx(10 * 2 * 0.25 * 30 * price)
    # No expected minutes: the timeout is the upper bound.
    assert cost.monthly(job, 30, None, "eu-west-1") == pytest.approx(10 * 2 * 1 * 30 * price)


def test_price_table_names_its_source_and_date():
    table = cost.prices()
    assert table["source"].startswith("https://aws.amazon.com/glue/pricing/")
    assert table["checked"]


# -- provenance ----------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "t@example.com")
    git(tmp_path, "config", "user.name", "t")
    (tmp_path / "jobs" / "a").mkdir(parents=True)
    (tmp_path / "jobs" / "a" / "main.py").write_text("print(1)\n")
    (tmp_path / "jobs" / "b").mkdir()
    (tmp_path / "jobs" / "b" / "main.py").write_text("print(2)\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "one")
    return tmp_path


@mock_aws
def test_provenance_names_both_commits_and_the_jobs_diff_stat(repo: Path):
    old = git(repo, "rev-parse", "HEAD")
    (repo / "jobs" / "a" / "main.py").write_text("print(1)\nprint('more')\n")
    (repo / "jobs" / "b" / "main.py").write_text("print(3)\n")  # another job: not in a's stat
    git(repo, "commit", "-qam", "two")
    new = git(repo, "rev-parse", "HEAD")
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="art")
    s3.put_object(Bucket="art", Key="jobs/a/h/main.py", Body=b"x", Metadata={provenance.COMMIT_METADATA: old})
    env = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/etl"}
    (row,) = provenance.job_provenance(s3, {"a": "s3://art/jobs/a/h/main.py"}, new, repo)
    assert (row.deployed_commit, row.new_commit) == (old, new)
    assert "jobs/a/main.py" in row.diff_stat and "jobs/b" not in row.diff_stat
    assert provenance.compare_url(old, new, env) == f"https://github.com/acme/etl/compare/{old}...{new}"


@mock_aws
def test_provenance_of_an_artifact_without_commit_metadata_says_so(repo: Path):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="art")
    s3.put_object(Bucket="art", Key="jobs/a/h/main.py", Body=b"x")
    (row,) = provenance.job_provenance(s3, {"a": "s3://art/jobs/a/h/main.py"}, "f" * 40, repo)
    assert row.deployed_commit is None and "no commit metadata" in row.note


# -- size ------------------------------------------------------------------------------------------


def test_a_fifty_job_plan_fits_a_pull_request_comment_and_says_what_was_cut():
    changes = []
    for i in range(50):
        before = {
            "name": f"job{i}",
            "number_of_workers": 2,
            "default_arguments": {f"--a{k}": "x" * 80 for k in range(40)},
        }
        after = {
            "name": f"job{i}",
            "number_of_workers": 3,
            "default_arguments": {f"--a{k}": "y" * 80 for k in range(40)},
        }
        changes.append(rc(f'module.glue_job["job{i}"].aws_glue_job.this', "aws_glue_job", ["update"], before, after))
    text = plan_summary.render({"resource_changes": changes}, "prod", "c" * 40)
    assert len(text) < 65_536
    assert "Cut to fit a pull-request comment" in text and "changed attributes" in text


def test_cost_rows_use_the_declared_expected_minutes_and_chained_runs(tmp_path):
    from glue_release.declarations import load_jobs
    from glue_release.paths import JOBS_DIR
    from glue_release.review import assemble

    jobs = load_jobs(JOBS_DIR)
    plan = {
        "resource_changes": [
            rc(
                f'module.glue_job["{name}"].aws_glue_job.this',
                "aws_glue_job",
                ["update"],
                {"name": name, "worker_type": "G.1X", "number_of_workers": 2, "timeout": 60},
                {"name": name, "worker_type": "G.1X", "number_of_workers": 4, "timeout": 60},
            )
            for name in ("orders_daily_revenue", "revenue_rolling_7d")
        ]
    }
    rows = {c.job: c for c in assemble.costs(plan, jobs, "eu-west-1")}
    minutes = jobs["orders_daily_revenue"].expected_minutes
    assert minutes is not None
    price = cost.prices()["regions"]["eu-west-1"]["STANDARD"]
    assert rows["orders_daily_revenue"].delta == pytest.approx(2 * minutes / 60 * 30 * price)
    assert f"{minutes:g} min expected" in rows["orders_daily_revenue"].basis
    # Chained after orders_daily_revenue: as many runs as its upstream, the timeout as the bound.
    assert rows["revenue_rolling_7d"].basis.startswith("30 runs/month")
    assert "≤ timeout" in rows["revenue_rolling_7d"].basis
