"""Smoke staging: jobs that bring samples to one S3 location share identical bytes and take turns otherwise.

Only S3's answers matter here, so moto runs in-process (``mock_aws``), unmarked.
"""

from __future__ import annotations

import threading

import boto3
import pytest
from moto import mock_aws

from glue_release.smoke.s3io import S3Uri
from glue_release.smoke.staging import StagingArea

BUCKET = "raw"


@pytest.fixture
def s3(monkeypatch):
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
        client.create_bucket(Bucket=BUCKET)
        yield client


def test_jobs_bringing_different_samples_to_one_location_take_turns(s3, tmp_path):
    # Two jobs may read one location (as customers_clean and orders_daily_revenue read raw/customers/):
    # the same sample is shared, a different one waits until the holder has read its inputs.
    uri = S3Uri(BUCKET, "_smoke/shared-location/")
    first, same, other = (tmp_path / job / "customers.csv" for job in ("a", "b", "c"))
    for sample, body in ((first, "id\n1\n"), (same, "id\n1\n"), (other, "id\n2\n")):
        sample.parent.mkdir()
        sample.write_text(body)
    staging = StagingArea(s3)
    release_first = staging.acquire("job_a", {uri: first})
    release_same = staging.acquire("job_b", {uri: same})  # same bytes: no wait
    waiter_done = threading.Event()

    def take_other() -> None:
        staging.acquire("job_c", {uri: other})()
        waiter_done.set()

    waiter = threading.Thread(target=take_other)
    waiter.start()
    release_first()
    assert not waiter_done.wait(0.5), "job_c staged over a sample job_b still holds"
    release_same()
    waiter.join(timeout=30)
    assert waiter_done.is_set()
    assert staging.waited == [("job_c", str(uri))]
    body = s3.get_object(Bucket=uri.bucket, Key=uri.prefix + "customers.csv")["Body"].read()
    assert body == b"id\n2\n"
