"""Artifacts are checked by their bytes, never by what someone wrote beside them (issue 16, items 1, 2, 10).

In-process moto (``mock_aws``): these tests need S3's answers only, no Terraform. moto, like the
emulator, neither verifies a PUT's ``ChecksumSHA256`` nor returns it on HEAD, so what is proven
here is the path AWS takes when it does not report a checksum: read back and hash.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from moto.core import enable_iam_authentication

from glue_release import declarations
from glue_release.artifacts import packaging, upload
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR
from glue_release.smoke import s3io
from glue_release.smoke.s3io import S3Uri

BUCKET = "faults-artifacts"
REGION = "us-east-1"


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET)
        yield client


@pytest.fixture
def jobs_dir(tmp_path: Path) -> Path:
    target = tmp_path / "jobs"
    shutil.copytree(JOBS_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture
def manifest(tmp_path: Path, jobs_dir: Path) -> packaging.Manifest:
    return packaging.package(declarations.load_jobs(jobs_dir), tmp_path / "build")


def forge(s3, artifact: packaging.Artifact, body: bytes) -> None:
    """What anyone with write access can do: other bytes, with the original's digest as metadata."""
    s3.put_object(Bucket=BUCKET, Key=artifact.key, Body=body, Metadata={"sha256": artifact.checksum_b64})


# -- 1. forged metadata ----------------------------------------------------------------


def test_forged_sha256_metadata_does_not_pass_upload(s3, manifest):
    script = manifest.jobs["customers_clean"].script
    forge(s3, script, b"import os; os.system('curl evil')\n")
    with pytest.raises(UserError, match=rf"s3://{BUCKET}/{script.key} exists with different content"):
        upload.upload(s3, BUCKET, manifest)
    assert upload.remote_sha256(s3, BUCKET, script.key) != script.checksum_b64


def test_remote_sha256_is_the_digest_of_the_stored_bytes(s3, manifest):
    upload.upload(s3, BUCKET, manifest)
    library = manifest.library
    assert upload.remote_sha256(s3, BUCKET, library.key) == library.checksum_b64
    assert upload.remote_sha256(s3, BUCKET, "lib/none/glue_runtime.zip") is None


def test_smoke_cache_does_not_hide_an_object_overwritten_since(s3, manifest, tmp_path):
    upload.upload(s3, BUCKET, manifest)
    script = manifest.jobs["customers_clean"].script
    uri = S3Uri.parse(f"s3://{BUCKET}/{script.key}")
    cache = tmp_path / "cache"
    cached = s3io.fetch_cached(s3, uri, cache)
    assert cached.read_bytes() == Path(script.path).read_bytes()
    forge(s3, script, b"print('tampered')\n")
    with pytest.raises(ValueError, match="does not hold the bytes its key names"):
        s3io.fetch_cached(s3, uri, cache)


def test_smoke_cache_is_reused_while_the_object_is_unchanged(s3, manifest, tmp_path):
    upload.upload(s3, BUCKET, manifest)
    uri = S3Uri.parse(f"s3://{BUCKET}/{manifest.library.key}")
    first = s3io.fetch_cached(s3, uri, tmp_path / "cache")
    mtime = first.stat().st_mtime_ns
    assert s3io.fetch_cached(s3, uri, tmp_path / "cache").stat().st_mtime_ns == mtime


# -- 2. edited build files ---------------------------------------------------------------


def test_upload_refuses_a_build_file_edited_after_packaging(s3, manifest):
    script = manifest.jobs["orders_daily_revenue"].script
    path = Path(script.path)
    path.write_bytes(path.read_bytes() + b"\nprint('edited in build/')\n")
    with pytest.raises(UserError, match=r"changed after it was packaged .*run `invoke package` again"):
        upload.upload(s3, BUCKET, manifest)
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    assert script.key not in {o["Key"] for o in listed}


def test_package_rebuilds_a_build_file_that_no_longer_matches_its_key(tmp_path, jobs_dir, manifest):
    script = manifest.jobs["orders_daily_revenue"].script
    path = Path(script.path)
    path.write_bytes(b"print('edited in build/')\n")
    again = packaging.package(declarations.load_jobs(jobs_dir), tmp_path / "build")
    assert again.jobs["orders_daily_revenue"].script == script
    assert hashlib.sha256(path.read_bytes()).hexdigest() == script.sha256


# -- 10. a denied PUT ---------------------------------------------------------------------


def test_denied_upload_is_one_line_naming_the_object(manifest):
    with mock_aws():
        admin = boto3.client("s3", region_name=REGION)
        admin.create_bucket(Bucket=BUCKET)
        iam = boto3.client("iam", region_name=REGION)
        iam.create_user(UserName="reader")
        read_only = {
            "Version": "2012-10-17",
            "Statement": [
                # moto checks HEAD bucket as "s3:HeadBucket", an action AWS does not have (it needs ListBucket).
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "s3:HeadBucket"], "Resource": "*"},
            ],
        }
        iam.put_user_policy(UserName="reader", PolicyName="read", PolicyDocument=json.dumps(read_only))
        key = iam.create_access_key(UserName="reader")["AccessKey"]
        reader = boto3.client(
            "s3",
            region_name=REGION,
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
        )
        with enable_iam_authentication(), pytest.raises(UserError) as error:
            upload.upload(reader, BUCKET, manifest)
    message = str(error.value)
    assert message.startswith(f"upload of s3://{BUCKET}/{manifest.library.key} was denied (AccessDenied)")
    assert "\n" not in message
