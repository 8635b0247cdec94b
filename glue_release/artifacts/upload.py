"""``invoke upload``: put the manifest's artifacts in the artifacts bucket, each once, never changed.

Keys are content hashes, so an existing key already holds the right bytes: we
HEAD first and skip it. If it holds different bytes, something wrote to a key
it must not have, and we stop loudly rather than overwrite. Every PUT carries
its SHA-256 so S3 rejects bytes that changed on the way, and is conditional on
the key not existing yet (two concurrent uploads cannot both write it). A PUT
is atomic: a Ctrl-C mid-upload leaves no object behind.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from glue_release.artifacts import artifact_check
from glue_release.artifacts.packaging import Artifact, Manifest
from glue_release.errors import UserError
from glue_release.paths import REPO_ROOT
from glue_release.review.provenance import COMMIT_METADATA


@dataclass
class UploadReport:
    uploaded: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def remote_sha256(s3: Any, bucket: str, key: str) -> str | None:
    """The SHA-256 (base64) of the stored object's bytes, or None when there is no object.

    S3's own checksum where the store reports one, otherwise the bytes read back and hashed;
    never the ``sha256`` metadata, which whoever wrote the object chose.
    """
    return artifact_check.stored_sha256(s3, bucket, key)


def _body(artifact: Artifact, repo_root: Path) -> bytes:
    """The artifact's bytes as they are now, refused when they are not the bytes its key names."""
    path = repo_root / artifact.path
    try:
        body = path.read_bytes()
    except OSError as error:
        raise UserError(f"{artifact.path}: cannot read it ({error.strerror}); run `invoke package` again") from None
    digest = hashlib.sha256(body).hexdigest()
    if digest != artifact.sha256:
        raise UserError(
            f"{artifact.path} changed after it was packaged (sha256 {digest[:12]}…, its key {artifact.key} "
            f"names {artifact.sha256[:12]}…); nothing was uploaded for it: run `invoke package` again"
        )
    return body


def upload_artifact(
    s3: Any, bucket: str, artifact: Artifact, repo_root: Path = REPO_ROOT, commit: str | None = None
) -> bool:
    """Upload one artifact unless its key exists; True when it uploaded."""
    existing = remote_sha256(s3, bucket, artifact.key)
    if existing is not None:
        if existing != artifact.checksum_b64:
            shown = base64.b64decode(existing).hex()[:12] + "…" if existing else "unknown"
            raise UserError(
                f"s3://{bucket}/{artifact.key} exists with different content (sha256 {shown}, "
                f"expected {artifact.sha256[:12]}…); content-addressed artifacts are never overwritten: "
                "find out who wrote that key before deploying"
            )
        return False
    body = _body(artifact, repo_root)  # hashed right before the PUT: what we send is what the key names
    try:
        s3.put_object(
            Bucket=bucket,
            Key=artifact.key,
            Body=body,
            ChecksumSHA256=artifact.checksum_b64,
            # The building commit travels with the bytes: the review shows where deployed code came from.
            Metadata={"sha256": artifact.checksum_b64, **({COMMIT_METADATA: commit} if commit else {})},
            IfNoneMatch="*",
        )
    except ClientError as error:
        if _status(error) == 412:
            # Another upload won the race for this key since our HEAD: check it holds our bytes.
            upload_artifact(s3, bucket, artifact, repo_root, commit)
            return False
        code = error.response.get("Error", {}).get("Code", "error")
        if _status(error) == 403:
            raise UserError(
                f"upload of s3://{bucket}/{artifact.key} was denied ({code}); these credentials may not write "
                "the artifacts bucket: use the deploy role (s3:PutObject on it)"
            ) from None
        raise UserError(f"upload of s3://{bucket}/{artifact.key} failed ({code}: {error}); run again") from None
    return True


def upload(s3: Any, bucket: str, manifest: Manifest, repo_root: Path = REPO_ROOT) -> UploadReport:
    report = UploadReport()
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        if _status(error) == 403:
            raise UserError(
                f"access denied to the artifacts bucket {bucket}; these credentials need s3:ListBucket on it "
                "(use the deploy role)"
            ) from None
        raise UserError(
            f"artifacts bucket {bucket} is not reachable (HTTP {_status(error)}); "
            "create it with `invoke bootstrap` or check environments/<env>.tfvars"
        ) from None
    for artifact in manifest.artifacts():
        if upload_artifact(s3, bucket, artifact, repo_root, manifest.git_commit):
            report.uploaded.append(artifact.key)
        else:
            report.present.append(artifact.key)
    return report
