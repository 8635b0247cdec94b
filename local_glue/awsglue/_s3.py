"""``s3://`` URIs as local folders, through the mapping the job's local.yaml (or a test) gives.

On ``local`` smoke runs the runner gives the mapping: each folder holds what it fetched from
the emulator's S3 (glue_release.runs.glue_local.emulator_catalog).

On Glue a script may hard-code ``s3://bucket/key`` or get it as an argument; locally the
same string must land in a folder, so every read and write goes through ``to_local``.
"""

from __future__ import annotations

from pathlib import Path

from awsglue._local import settings


class UnmappedS3Uri(ValueError):
    pass


def is_s3(path: str) -> bool:
    return path.startswith(("s3://", "s3a://", "s3n://"))


def to_local(path: str) -> str:
    """The local path for ``path``: ``s3://`` through the mapping (longest match wins), anything else as is."""
    if not is_s3(path):
        return path.removeprefix("file://")
    rest = path.split("://", 1)[1]
    bucket = rest.split("/", 1)[0]
    mapping = settings().s3
    for key in sorted(mapping, key=len, reverse=True):
        key_clean = key.removeprefix("s3://").rstrip("/")
        if rest == key_clean or rest.startswith(key_clean + "/"):
            tail = rest[len(key_clean) :].lstrip("/")
            return str(Path(mapping[key]) / tail) if tail else str(Path(mapping[key]))
    if settings().tables is not None:  # a local smoke run: the runner fetched what it could see coming
        raise UnmappedS3Uri(
            f"{path}: not fetched from the emulator's S3 for this smoke run; on local a script reads the s3:// URIs "
            "passed as arguments (inputs/outputs in job.yaml), written out in the script, or of its catalog_reads "
            "tables: pass this one as an argument or write it out in the script"
        )
    raise UnmappedS3Uri(
        f"{path}: bucket '{bucket}' is not mapped to a local folder; add it to the job's local.yaml "
        f"(s3: {{{bucket}: some/folder}}) or, in a test, awsglue._local.configure(s3={{'{bucket}': path}})"
    )
