"""The S3 side of smoke runs: the ``_smoke/`` twin of a location, staging samples, fetching outputs.

Spark on these machines cannot read ``s3://`` (no hadoop-aws), so everything a
smoke run reads or checks goes through a local folder; these helpers copy
between an S3 prefix and a folder, for the AWS and the local runner alike.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glue_release.artifacts import artifact_check

SMOKE_PREFIX = "_smoke/"


@dataclass(frozen=True)
class S3Uri:
    bucket: str
    key: str

    @classmethod
    def parse(cls, uri: str) -> S3Uri:
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        if not uri.startswith("s3://") or not bucket:
            raise ValueError(f"not an s3:// URI: {uri!r}")
        return cls(bucket, key)

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    @property
    def prefix(self) -> str:
        """The key as a folder: what lies under it, never its siblings (``a/b`` must not match ``a/bc``)."""
        return self.key if not self.key or self.key.endswith("/") else self.key + "/"


def smoke_twin(uri: str) -> S3Uri:
    """``s3://bucket/prefix/`` -> ``s3://bucket/_smoke/prefix/`` (docs/architecture.md, "Smoke prefix")."""
    real = S3Uri.parse(uri)
    if real.key.startswith(SMOKE_PREFIX):
        return real
    return S3Uri(real.bucket, SMOKE_PREFIX + real.key)


def is_data_key(key: str, prefix: str) -> bool:
    """Spark and Hadoop skip files whose name starts with ``_`` or ``.`` (``_SUCCESS``, ``.crc``); so do we."""
    relative = key[len(prefix) :]
    return bool(relative) and not relative.endswith("/") and not any(p[:1] in "_." for p in relative.split("/") if p)


def list_keys(s3: Any, uri: S3Uri) -> list[str]:
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=uri.bucket, Prefix=uri.prefix):
        keys += [obj["Key"] for obj in page.get("Contents", [])]
    return keys


def data_keys(s3: Any, uri: S3Uri) -> list[str]:
    return [key for key in list_keys(s3, uri) if is_data_key(key, uri.prefix)]


def clear(s3: Any, uri: S3Uri) -> int:
    """Delete everything under ``uri`` (a ``_smoke/`` prefix: refuses anything else)."""
    if not uri.key.startswith(SMOKE_PREFIX) or uri.prefix == SMOKE_PREFIX:
        raise ValueError(f"refusing to clear {uri}: smoke runs only ever clear their own _smoke/<prefix>")
    keys = list_keys(s3, uri)
    # One DeleteObject per key (a smoke output is a handful of files): the emulator checks a
    # DeleteObjects request against the bucket's ARN, not each key's as AWS does, and reports a
    # denial only inside its 200 answer, so a role allowed to delete under _smoke/ only would
    # silently keep the last run's output, which would then pass for this run's.
    for key in keys:
        s3.delete_object(Bucket=uri.bucket, Key=key)
    return len(keys)


def sample_files(sample: Path) -> dict[str, Path]:
    """A sample file or folder as relative name -> file; hidden files (``.crc``) stay behind."""
    if sample.is_file():
        return {sample.name: sample}
    return {
        path.relative_to(sample).as_posix(): path
        for path in sorted(sample.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(sample).parts)
    }


def sample_digest(sample: Path) -> str:
    """Identifies a sample's content: two jobs staging the same bytes to one location can share it."""
    digest = hashlib.sha256()
    for name, path in sample_files(sample).items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def stage(s3: Any, sample: Path, uri: S3Uri) -> int:
    """Replace what is under ``uri`` with the sample's files; returns the number of files."""
    clear(s3, uri)
    files = sample_files(sample)
    for name, path in files.items():
        s3.put_object(Bucket=uri.bucket, Key=uri.prefix + name, Body=path.read_bytes())
    return len(files)


def download(s3: Any, uri: S3Uri, folder: Path, only_data: bool = False) -> dict[str, str]:
    """Mirror ``uri`` (a prefix, or a single object) into ``folder``; returns relative name -> ETag."""
    if folder.exists():
        shutil.rmtree(folder) if folder.is_dir() else folder.unlink()
    folder.mkdir(parents=True)
    fetched: dict[str, str] = {}
    for key in list_keys(s3, uri):
        if key.endswith("/") or (only_data and not is_data_key(key, uri.prefix)):
            continue
        relative = key[len(uri.prefix) :]
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(uri.bucket, key, str(target))
        fetched[relative] = hashlib.sha256(target.read_bytes()).hexdigest()
    return fetched


def upload_changes(s3: Any, folder: Path, uri: S3Uri, before: dict[str, str]) -> int:
    """Upload the files under ``folder`` that are new or changed since ``before``; returns how many.

    Spark's local checksum files (``.*.crc``) and its ``_temporary`` folder are not data Glue would write.
    """
    count = 0
    if not folder.is_dir():
        return 0
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if not path.is_file() or path.name.startswith(".") or "_temporary" in relative.split("/"):
            continue
        body = path.read_bytes()
        if before.get(relative) == hashlib.sha256(body).hexdigest():
            continue
        s3.put_object(Bucket=uri.bucket, Key=uri.prefix + relative, Body=body)
        count += 1
    return count


def fetch_cached(s3: Any, uri: S3Uri, cache_dir: Path) -> Path:
    """An object by its content-hashed key, kept in ``cache_dir/<bucket>/<key>`` and reused while it is unchanged.

    Keys carry the SHA-256 of their bytes (``jobs/<job>/<sha256>/main.py``). A cached copy is reused
    only while the remote object is still the one it was downloaded from (same ETag, and S3's own
    checksum, where reported, still the key's): smoke runs must run what Glue would run, and a cached
    good copy must not hide an object overwritten since. Every download is checked against the key.
    """
    target = cache_dir / uri.bucket / uri.key
    tag_file = target.with_name(target.name + ".etag")
    expected = next((part for part in uri.key.split("/") if len(part) == 64 and _is_hex(part)), None)
    head = s3.head_object(Bucket=uri.bucket, Key=uri.key, ChecksumMode="ENABLED")
    checksum = artifact_check.store_checksum(head)
    if expected is not None and checksum is not None and checksum != artifact_check.b64_of_hex(expected):
        raise ValueError(f"{uri} does not hold the bytes its key names (sha256 {expected}); it was overwritten")
    etag = str(head.get("ETag", ""))
    if (
        target.exists()
        and tag_file.exists()
        and tag_file.read_text() == etag
        and (expected is None or _sha256(target) == expected)
    ):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Concurrent smoke jobs share the library zip: write aside, then rename into place atomically.
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".download-")
    os.close(handle)
    try:
        s3.download_file(uri.bucket, uri.key, temp)
        if expected is not None and _sha256(Path(temp)) != expected:
            target.unlink(missing_ok=True)
            raise ValueError(f"{uri} does not hold the bytes its key names (sha256 {expected}); it was overwritten")
        os.replace(temp, target)
        tag_file.write_text(etag)
    finally:
        Path(temp).unlink(missing_ok=True)
    return target


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)
