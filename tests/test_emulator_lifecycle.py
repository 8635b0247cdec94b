"""The emulator answers S3 lifecycle reads with what was put, as S3 does (``emulator_server``).

The AWS provider waits after every lifecycle PUT until 10 reads in a row return exactly the
rules and minimum object size it sent; an answer that differs in any field keeps it polling
for its 3-minute timeout. moto alone drops fields it does not model. In-process moto with the
emulator server's patches applied: only S3's answers matter here.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from glue_release.emulator.server import lifecycle_patches

BUCKET = "lifecycle"
# The shapes terraform/modules/secure-bucket sends (filter {} is sent as an empty prefix).
OUR_RULES = [
    {
        "ID": "expire-temp",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "Expiration": {"Days": 1},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
    },
    {
        "ID": "noncurrent-versions",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    },
]
# Fields moto 5.2 does not model: without the patches they are missing from its answer.
OTHER_RULES = [
    {
        "ID": "big-objects",
        "Status": "Enabled",
        "Filter": {"ObjectSizeGreaterThan": 1048576},
        "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}],
    },
    {
        "ID": "keep-two",
        "Status": "Disabled",
        "Filter": {"Prefix": "logs/"},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 5, "NewerNoncurrentVersions": 2},
    },
]


@pytest.fixture
def s3(monkeypatch):
    for cls, name, replacement in lifecycle_patches():
        monkeypatch.setattr(cls, name, replacement)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield client


def read_back(s3) -> tuple[list[dict], str]:
    answer = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)
    return answer["Rules"], answer["TransitionDefaultMinimumObjectSize"]


@pytest.mark.parametrize(
    ("rules", "size"),
    [(OUR_RULES, None), (OTHER_RULES, "varies_by_storage_class"), (OTHER_RULES, "all_storage_classes_128K")],
    ids=["our-rules-default-size", "unmodelled-fields-varies", "unmodelled-fields-128K"],
)
def test_a_read_returns_exactly_what_was_put(s3, rules, size):
    extra = {"TransitionDefaultMinimumObjectSize": size} if size else {}
    put = s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": rules}, **extra)
    assert put["TransitionDefaultMinimumObjectSize"] == (size or "all_storage_classes_128K")
    assert read_back(s3) == (rules, size or "all_storage_classes_128K")


def test_a_second_put_replaces_the_first_and_a_delete_leaves_none(s3):
    s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": OTHER_RULES})
    s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": OUR_RULES[:1]})
    assert read_back(s3)[0] == OUR_RULES[:1]
    s3.delete_bucket_lifecycle(Bucket=BUCKET)
    with pytest.raises(ClientError, match="NoSuchLifecycleConfiguration"):
        s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)


def test_a_malformed_configuration_is_still_refused_and_stores_nothing(s3):
    with pytest.raises(ClientError, match="MalformedXML"):
        s3.put_bucket_lifecycle_configuration(
            Bucket=BUCKET, LifecycleConfiguration={"Rules": [{"ID": "no-filter", "Status": "Enabled"}]}
        )
    with pytest.raises(ClientError, match="NoSuchLifecycleConfiguration"):
        s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)


def test_rules_changed_by_another_path_are_answered_from_moto_not_the_old_put(s3):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": OTHER_RULES})
    # As moto's CloudFormation does: straight into the backend, no PUT request to remember.
    replacement = {"ID": "other-writer", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 3}}
    s3_backends[DEFAULT_ACCOUNT_ID]["aws"].put_bucket_lifecycle(BUCKET, [replacement])
    assert read_back(s3)[0] == [replacement]
