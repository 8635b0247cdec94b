"""Rejected rows: a declared bound that fails the smoke run, and a CloudWatch metric on Glue."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import boto3
import pytest
import yaml
from moto import mock_aws

from glue_release import declarations
from glue_release.errors import UserError
from glue_release.paths import TERRAFORM_DIR
from glue_release.smoke.checks import OutputFacts, check_outputs
from glue_release.smoke.spec import parse_smoke
from glue_runtime import JobContext, metrics, report_rejects

DECLARATION = {
    "description": "test job",
    "inputs": {"input_path": {"bucket": "raw", "prefix": "in/", "sample": "sample/input.csv"}},
    "outputs": {
        "output_path": {"bucket": "curated", "prefix": "out/"},
        "rejects_path": {"bucket": "curated", "prefix": "rejects/"},
    },
}


def job_with(tmp_path: Path, smoke: dict, sample_rows: int = 10) -> declarations.JobDeclaration:
    folder = tmp_path / "ratio_job"
    (folder / "sample").mkdir(parents=True)
    (folder / "sample" / "input.csv").write_text("id,item\n" + "".join(f"{i},x\n" for i in range(sample_rows)))
    (folder / "main.py").write_text("")
    (folder / "job.yaml").write_text(yaml.safe_dump({**DECLARATION, "smoke": smoke}))
    return declarations.load_job(folder)


def ratio(value: object) -> dict:
    return {"checks": {"rejects_path": {"max_ratio_of": value}}}


def test_max_ratio_of_parses_and_counts_as_a_check(tmp_path):
    spec = parse_smoke(job_with(tmp_path, ratio({"input": "input_path", "ratio": 0.25})))
    assert spec.checks["rejects_path"].max_ratio_of == ("input_path", 0.25)
    assert spec.checks["rejects_path"].count == 2  # has data, and the ratio


@pytest.mark.parametrize(
    ("value", "field", "problem"),
    [
        ({"input": "nope", "ratio": 0.5}, "max_ratio_of.input", "must name an input with a sample; inputs with one"),
        ({"input": "input_path", "ratio": 2}, "max_ratio_of.ratio", "must be a number from 0 to 1"),
        ({"input": "input_path", "ratio": "half"}, "max_ratio_of.ratio", "must be a number from 0 to 1"),
        ({"input": "input_path", "ratio": 0.5, "of": 1}, "max_ratio_of.of", "unknown field"),
        (0.5, "max_ratio_of", "must be a mapping"),
    ],
)
def test_bad_max_ratio_of_names_the_field(tmp_path, value, field, problem):
    job = job_with(tmp_path, {})
    with pytest.raises(UserError, match=rf"field 'smoke\.checks\.rejects_path\.{re.escape(field)}': {problem}"):
        parse_smoke(dataclasses.replace(job, smoke=ratio(value)))


def write_rows(spark, folder: Path, rows: int) -> OutputFacts:
    spark.createDataFrame([(i, "bad_quantity") for i in range(rows)], "id long, reject_reason string").write.mode(
        "overwrite"
    ).json(str(folder))
    return OutputFacts(uri=f"s3://bucket/_smoke/{folder.name}/", folder=folder, has_data=rows > 0)


@pytest.mark.parametrize(("rejects", "passes"), [(4, True), (5, True), (6, False)])
def test_smoke_fails_when_rejects_exceed_the_ratio_of_the_sample(spark, tmp_path, rejects, passes):
    spec = parse_smoke(job_with(tmp_path, ratio({"input": "input_path", "ratio": 0.5}), sample_rows=10))
    outputs = {
        "output_path": write_rows(spark, tmp_path / "out", 3),
        "rejects_path": write_rows(spark, tmp_path / "rejects", rejects),
    }
    result = check_outputs(spec, outputs)
    assert result.ok is passes, result.problems
    if not passes:
        assert result.problems == [
            f"rejects_path: {rejects} rows at s3://bucket/_smoke/rejects/, more than 0.5 x the 10 rows of input "
            "input_path's sample (smoke.checks.rejects_path.max_ratio_of)"
        ]


# -- the metric ------------------------------------------------------------------------------


def rejected(spark):
    rows = [("a", "bad_quantity"), ("b", "bad_quantity"), ("c", "missing_id")]
    return spark.createDataFrame(rows, "id string, reject_reason string")


@mock_aws
def test_rejects_are_counted_and_published_on_glue(spark, capsys):
    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
    on_glue = JobContext(spark=spark, args={"JOB_NAME": "orders"}, glue_context=object())
    counts = report_rejects(on_glue, rejected(spark), "rejects_path", client=cloudwatch)
    assert counts == {"bad_quantity": 2, "missing_id": 1}
    assert "rejected rows by reason: {'bad_quantity': 2, 'missing_id': 1}" in capsys.readouterr().out
    [metric] = cloudwatch.list_metrics(Namespace="Glue")["Metrics"]
    assert metric["MetricName"] == "RejectedRows"
    assert {d["Name"]: d["Value"] for d in metric["Dimensions"]} == {"JobName": "orders", "Output": "rejects_path"}
    now = dt.datetime.now(dt.UTC)
    stats = cloudwatch.get_metric_statistics(
        Namespace="Glue",
        MetricName="RejectedRows",
        Dimensions=metric["Dimensions"],
        StartTime=now - dt.timedelta(hours=1),
        EndTime=now + dt.timedelta(hours=1),
        Period=3600,
        Statistics=["Sum"],
    )
    assert [p["Sum"] for p in stats["Datapoints"]] == [3.0]


@mock_aws
def test_nothing_is_published_off_glue(spark):
    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
    local = JobContext(spark=spark, args={"JOB_NAME": "orders"})
    assert report_rejects(local, rejected(spark), client=cloudwatch) == {"bad_quantity": 2, "missing_id": 1}
    assert cloudwatch.list_metrics()["Metrics"] == []


def test_a_metric_that_cannot_be_sent_is_a_warning_not_a_failed_job(capsys):
    class Refusing:
        def put_metric_data(self, **_):
            raise RuntimeError("AccessDenied")

    ctx = JobContext(spark=None, args={"JOB_NAME": "orders"}, glue_context=object())
    assert metrics.put_count(ctx, "RejectedRows", 3, client=Refusing()) is False
    assert "warning: could not publish CloudWatch metric Glue/RejectedRows: AccessDenied" in capsys.readouterr().err


def test_the_job_role_may_publish_in_the_metrics_namespace():
    """The role's only PutMetricData grant is conditioned on a namespace: it must be the one used."""
    role = (TERRAFORM_DIR / "modules/glue-job-role/main.tf").read_text()
    statement = role[role.index('"cloudwatch:PutMetricData"') :]
    condition = re.search(r'variable\s*=\s*"cloudwatch:namespace"\s*values\s*=\s*\[\s*"([^"]+)"\s*\]', statement)
    assert condition is not None, "the PutMetricData statement lost its namespace condition"
    assert condition[1] == metrics.NAMESPACE
