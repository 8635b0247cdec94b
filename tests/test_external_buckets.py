"""Buckets other teams own (``external_buckets`` in environments/<env>.tfvars) named by job.yaml.

Fast tests: the tfvars reader, the declaration's bucket names, and ``invoke validate``'s
refusal of a name no environment declares. Terraform's side (exact prefixes, the named
key only) is in terraform/modules/glue-job-role/tests and terraform/tests/root.tftest.hcl.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from glue_release import declarations
from glue_release.declarations.external_buckets import (
    ExternalBucket,
    check_declared,
    declared_by_environment,
    read_external_buckets,
)
from glue_release.declarations.schema import render
from glue_release.errors import UserError

JOB = """\
description: reads a partner's feed
inputs:
  partner_orders: {{bucket: {bucket}, prefix: orders/, sample: sample.csv}}
outputs:
  output_path: {{bucket: {out}, prefix: partner_orders/}}
"""


def make_job(root: Path, bucket: str, out: str = "curated") -> Path:
    folder = root / "jobs" / "partner_orders"
    folder.mkdir(parents=True)
    (folder / "job.yaml").write_text(JOB.format(bucket=bucket, out=out))
    (folder / "main.py").write_text("")
    (folder / "sample.csv").write_text("a\n1\n")
    return root / "jobs"


def test_the_reader_takes_the_map_and_nothing_else(tmp_path):
    tfvars = tmp_path / "prod.tfvars"
    tfvars.write_text(
        'region = "eu-west-1"\n'
        'tags = { Project = "x" }\n'
        "external_buckets = {\n"
        '  # the finance team\'s exports; retired: old = { bucket = "acme-gone" }\n'
        '  partner_feed = {\n    bucket      = "acme-feed" # prod\n'
        '    kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/abc"\n  }\n'
        '  ledger = { bucket = "acme-ledger" }\n'
        "}\n"
        'other = { not_a_bucket = { bucket = "nope" } }\n'
    )
    assert read_external_buckets(tfvars) == {
        "partner_feed": ExternalBucket("partner_feed", "acme-feed", "arn:aws:kms:eu-west-1:222222222222:key/abc"),
        "ledger": ExternalBucket("ledger", "acme-ledger"),
    }
    (tmp_path / "dev.tfvars").write_text('region = "eu-west-1"\n')
    assert declared_by_environment(tmp_path)["dev"] == {}


def test_local_declares_the_sample_external_bucket():
    assert declared_by_environment()["local"]["partner_feed"].bucket == "glue-etl-local-partner-feed"


def test_a_declared_external_bucket_may_be_read_and_written(tmp_path):
    jobs = declarations.load_jobs(make_job(tmp_path, "partner_feed", out="partner_feed"))
    job = jobs["partner_orders"]
    assert job.terraform_value()["inputs"] == {"partner_orders": {"bucket": "partner_feed", "prefix": "orders/"}}
    assert job.terraform_value()["outputs"] == {"output_path": {"bucket": "partner_feed", "prefix": "partner_orders/"}}


def test_validate_refuses_an_external_bucket_no_environment_declares(tmp_path):
    with pytest.raises(UserError) as caught:
        declarations.load_jobs(make_job(tmp_path, "partner_fed"))
    message = str(caught.value)
    assert "\n" not in message
    assert "partner_orders/job.yaml" in message and "inputs.partner_orders.bucket" in message
    assert "no environment declares the external bucket 'partner_fed'" in message
    assert "environments/<env>.tfvars: external_buckets = { partner_fed = {" in message


def test_check_reads_the_environments_it_is_given(tmp_path):
    jobs = declarations.load_jobs(make_job(tmp_path, "partner_feed"))
    envs = tmp_path / "environments"
    envs.mkdir()
    (envs / "dev.tfvars").write_text('external_buckets = {\n  ledger = { bucket = "acme-ledger" }\n}\n')
    with pytest.raises(UserError, match="no environment declares the external bucket 'partner_feed'"):
        check_declared(jobs, envs)


@pytest.mark.parametrize(
    ("bucket", "out", "wrong"),
    [("temp", "curated", "'temp' is not one of raw, curated"), ("raw", "raw", "'raw' is not one of curated")],
)
def test_the_platform_buckets_keep_their_roles(tmp_path, bucket, out, wrong):
    with pytest.raises(UserError, match=wrong):
        declarations.load_jobs(make_job(tmp_path, bucket, out))


def test_the_schema_completes_lake_buckets_and_accepts_external_names():
    schema = json.loads(render())
    base = {"description": "x", "inputs": {"a": {"bucket": "partner_feed", "prefix": "a/"}}}
    jsonschema.validate(base, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**base, "outputs": {"b": {"bucket": "temp", "prefix": "b/"}}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**base, "outputs": {"b": {"bucket": "Partner Feed", "prefix": "b/"}}}, schema)
