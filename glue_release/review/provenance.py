"""Which commit built each job's code: the deployed one (from the artifact's object metadata) and the new one.

Upload stores the building commit as the object's ``git-commit`` metadata and in
the manifest; for each job whose script or library changes, the review shows both
commits, ``git diff --stat`` of the job's folder and the runtime between them, and,
in a pull request, a compare link.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

COMMIT_METADATA = "git-commit"
_S3_URI = re.compile(r"^s3://([^/]+)/(.+)$")
_SHA = re.compile(r"^[0-9a-f]{7,40}$")


@dataclass(frozen=True)
class Provenance:
    job: str
    deployed_commit: str | None
    new_commit: str
    diff_stat: str  # '' when it cannot be computed (say why in `note`)
    note: str = ""
    compare_url: str | None = None


def commit_of(s3: Any, uri: str | None) -> str | None:
    """The ``git-commit`` metadata of a deployed artifact, or None when unknown."""
    match = _S3_URI.match(uri or "")
    if not match:
        return None
    try:
        head = s3.head_object(Bucket=match[1], Key=match[2])
    except ClientError:
        return None
    return head.get("Metadata", {}).get(COMMIT_METADATA) or None


def diff_stat(repo: Path, old: str, new: str, paths: list[str]) -> tuple[str, str]:
    """``git diff --stat old new -- paths``; (stat, note) where note says why there is none."""
    new_ref = new.removesuffix("-dirty")
    if not (_SHA.match(old) and _SHA.match(new_ref)):
        return "", "commits unknown"
    result = subprocess.run(
        ["git", "diff", "--stat", old, *([] if new.endswith("-dirty") else [new_ref]), "--", *paths],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return "", f"commit {old[:12]} is not in this clone (git fetch it)"
    return result.stdout.rstrip(), ""


def compare_url(old: str, new: str, environ: Mapping[str, str] | None = None) -> str | None:
    """A GitHub compare link when running in GitHub Actions."""
    env = os.environ if environ is None else environ
    server, repository = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY")
    if not (server and repository and _SHA.match(old) and _SHA.match(new.removesuffix("-dirty"))):
        return None
    return f"{server}/{repository}/compare/{old}...{new.removesuffix('-dirty')}"


def job_provenance(
    s3: Any,
    changed_jobs: Mapping[str, str | None],
    new_commit: str,
    repo: Path,
    runtime_dir: str = "glue_runtime",
) -> list[Provenance]:
    """For each changed job (name -> deployed script URI), where its old and new code came from."""
    out = []
    for job, old_uri in sorted(changed_jobs.items()):
        old = commit_of(s3, old_uri) if old_uri else None
        if old is None:
            note = "new job" if not old_uri else "deployed artifact has no commit metadata"
            out.append(Provenance(job, None, new_commit, "", note))
            continue
        stat, note = diff_stat(repo, old, new_commit, [f"jobs/{job}", runtime_dir])
        out.append(Provenance(job, old, new_commit, stat, note, compare_url(old, new_commit)))
    return out
