"""The guard in ``s3io.clear``: smoke runs delete only under their own ``_smoke/<prefix>``, never real data.

In-process moto (``mock_aws``): only S3's list and delete answers matter here.
"""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from glue_release.smoke.s3io import S3Uri, clear

BUCKET = "data"
KEYS = ["orders/2024/a.json", "_smoke/orders/a.json", "_smoke/orders/b/c.json", "_smoke/orders_other/x.json"]


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        for key in KEYS:
            client.put_object(Bucket=BUCKET, Key=key, Body=b"x")
        yield client


def keys(s3) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.mark.parametrize("key", ["orders/", "orders", "", "_smoke/", "_smoke", "x_smoke/orders/"])
def test_clear_refuses_anything_but_a_smoke_prefix_and_deletes_nothing(s3, key):
    with pytest.raises(ValueError, match="refusing to clear"):
        clear(s3, S3Uri(BUCKET, key))
    assert keys(s3) == sorted(KEYS)


def test_clear_deletes_only_under_its_own_smoke_prefix(s3):
    assert clear(s3, S3Uri(BUCKET, "_smoke/orders")) == 2
    assert keys(s3) == ["_smoke/orders_other/x.json", "orders/2024/a.json"]
