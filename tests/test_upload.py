"""Uploads: skip what is there, refuse to overwrite, never leave partial objects, survive a lost race.

Only S3's answers matter here (HEAD, conditional PUT with a checksum, 412), so the tests use
moto in-process (``mock_aws``) rather than the emulator server; the end-to-end deploy tests
upload through the server.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from glue_release import declarations
from glue_release.artifacts import packaging, upload
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR


@pytest.fixture
def s3(monkeypatch):
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield boto3.client("s3", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")


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


def race(s3, monkeypatch, body: bytes | None):
    """Another upload writes the key between our HEAD and our conditional PUT (``body`` None: the same bytes)."""
    original_put = s3.put_object

    def put_after_a_competitor(**kwargs):
        theirs = dict(kwargs)
        if body is not None:
            theirs.update(Body=body, ChecksumSHA256=None, Metadata={})
        theirs.pop("IfNoneMatch", None)
        original_put(**{k: v for k, v in theirs.items() if v is not None})
        monkeypatch.setattr(s3, "put_object", original_put)
        return original_put(**kwargs)

    monkeypatch.setattr(s3, "put_object", put_after_a_competitor)


def test_losing_the_race_to_an_identical_upload_counts_as_present(s3, bucket, manifest, monkeypatch):
    artifact = manifest.library
    race(s3, monkeypatch, body=None)
    assert upload.upload_artifact(s3, bucket, artifact) is False  # our PUT got 412; theirs holds our bytes
    assert s3.get_object(Bucket=bucket, Key=artifact.key)["Body"].read() == Path(artifact.path).read_bytes()


def test_losing_the_race_to_other_bytes_is_an_error_and_keeps_theirs(s3, bucket, manifest, monkeypatch):
    artifact = manifest.library
    race(s3, monkeypatch, body=b"someone else's zip")
    with pytest.raises(UserError, match="exists with different content"):
        upload.upload_artifact(s3, bucket, artifact)
    assert s3.get_object(Bucket=bucket, Key=artifact.key)["Body"].read() == b"someone else's zip"
