"""What the artifacts bucket really holds: digests of stored bytes, and keys a plan needs.

An object's metadata is written by whoever writes the object, so a ``sha256``
metadata value proves nothing: a tampered object can carry the digest of the
original. What counts is S3's own checksum (AWS computes it from the bytes it
received and refuses a PUT whose declared ``ChecksumSHA256`` does not match),
and where the store does not report one, the digest of the bytes read back.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from glue_release.errors import UserError

CHUNK = 1024 * 1024


def status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def b64_of_hex(digest: str) -> str:
    return base64.b64encode(bytes.fromhex(digest)).decode()


def head(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    """HEAD with S3's checksum asked for; None when there is no such object."""
    try:
        return dict(s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED"))
    except ClientError as error:
        if status(error) == 404:
            return None
        if status(error) == 403:
            raise UserError(
                f"access denied reading s3://{bucket}/{key}; the credentials need s3:GetObject on the artifacts bucket"
            ) from None
        raise


def store_checksum(response: dict[str, Any]) -> str | None:
    """S3's own SHA-256 of the whole object (base64), when the store reports one.

    A multipart object's checksum is a checksum of part checksums (``COMPOSITE``), not of the bytes.
    """
    checksum = response.get("ChecksumSHA256")
    if not checksum or response.get("ChecksumType", "FULL_OBJECT") != "FULL_OBJECT" or "-" in str(checksum):
        return None
    return str(checksum)


def content_sha256(s3: Any, bucket: str, key: str) -> str:
    """The SHA-256 (base64) of the object's bytes, read back and hashed here."""
    digest = hashlib.sha256()
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    for chunk in iter(lambda: body.read(CHUNK), b""):
        digest.update(chunk)
    return base64.b64encode(digest.digest()).decode()


def stored_sha256(s3: Any, bucket: str, key: str) -> str | None:
    """The SHA-256 (base64) of the stored bytes, or None when there is no object. Never the metadata."""
    response = head(s3, bucket, key)
    if response is None:
        return None
    return store_checksum(response) or content_sha256(s3, bucket, key)


def missing_keys(s3: Any, bucket: str, keys: Iterable[str]) -> list[str]:
    """The keys among ``keys`` that have no object in ``bucket``."""
    return [key for key in sorted(set(keys)) if head(s3, bucket, key) is None]


def plan_artifact_keys(plan: dict[str, Any], bucket: str) -> list[str]:
    """Keys in ``bucket`` that the Glue jobs of a plan (``terraform show -json``) point at after it is applied."""
    prefix = f"s3://{bucket}/"
    keys: set[str] = set()
    for change in plan.get("resource_changes", []):
        actions = change.get("change", {}).get("actions", [])
        if change.get("type") != "aws_glue_job" or not {"create", "update"} & set(actions):
            continue
        after = change["change"].get("after") or {}
        locations = [command.get("script_location") or "" for command in after.get("command") or []]
        # The platform's code arguments are non-overridable (terraform/modules/glue-job); older jobs had defaults.
        arguments = {**(after.get("default_arguments") or {}), **(after.get("non_overridable_arguments") or {})}
        extra = arguments.get("--extra-py-files") or ""
        locations += [item.strip() for item in extra.split(",")]
        keys.update(location.removeprefix(prefix) for location in locations if location.startswith(prefix))
    return sorted(keys)
