"""Uploads against the emulator's S3: skip what is there, refuse to overwrite, never leave partial objects."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import boto3
import pytest

from glue_release import declarations, packaging, upload
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR

pytestmark = pytest.mark.emulator


@pytest.fixture
def s3(emulator):
    return boto3.client(
        "s3",
        endpoint_url=emulator.endpoint,
        verify=str(emulator.cert),
        aws_access_key_id=emulator.admin_credentials()[0],  # IAM is enforced: the admin's keys
        aws_secret_access_key=emulator.admin_credentials()[1],
        region_name="us-east-1",
    )


@pytest.fixture
def bucket(s3, request) -> str:
    name = "artifacts-" + request.node.name.replace("_", "-")[:40].lower()
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def manifest(tmp_path) -> packaging.Manifest:
    jobs = tmp_path / "jobs"
    shutil.copytree(JOBS_DIR, jobs, ignore=shutil.ignore_patterns("__pycache__"))
    return packaging.package(declarations.load_jobs(jobs), tmp_path / "build")


def test_uploads_each_artifact_once(s3, bucket, manifest):
    first = upload.upload(s3, bucket, manifest)
    assert sorted(first.uploaded) == sorted(a.key for a in manifest.artifacts()) and not first.present
    second = upload.upload(s3, bucket, manifest)
    assert not second.uploaded and len(second.present) == len(manifest.artifacts())
    body = s3.get_object(Bucket=bucket, Key=manifest.library.key)["Body"].read()
    assert body == Path(manifest.library.path).read_bytes()


def test_existing_key_with_other_bytes_is_an_error_not_an_overwrite(s3, bucket, manifest):
    key = manifest.jobs["customers_clean"].script.key
    s3.put_object(Bucket=bucket, Key=key, Body=b"print('not ours')")
    with pytest.raises(UserError, match="exists with different content"):
        upload.upload(s3, bucket, manifest)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"print('not ours')"


def test_missing_bucket_says_what_to_do(s3, manifest):
    with pytest.raises(UserError, match=r"not reachable .*invoke bootstrap"):
        upload.upload(s3, "no-such-artifacts-bucket", manifest)


class InterruptingBody(io.BytesIO):
    """A request body that is cut off half way, as by Ctrl-C during the upload."""

    def read(self, size: int = -1) -> bytes:
        if self.tell() > len(self.getvalue()) // 2:
            raise KeyboardInterrupt
        return super().read(min(size, 1024) if size and size > 0 else 1024)


def test_interrupted_upload_leaves_no_object(s3, bucket, manifest, monkeypatch):
    artifact = manifest.library
    original_put = s3.put_object

    def put_interrupted(**kwargs):
        kwargs["Body"] = InterruptingBody(kwargs["Body"])
        return original_put(**kwargs)

    monkeypatch.setattr(s3, "put_object", put_interrupted)
    with pytest.raises(KeyboardInterrupt):
        upload.upload_artifact(s3, bucket, artifact)
    assert upload.remote_sha256(s3, bucket, artifact.key) is None
    monkeypatch.undo()
    assert upload.upload_artifact(s3, bucket, artifact)  # the rerun converges
