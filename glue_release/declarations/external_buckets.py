"""Buckets other teams own, declared per environment in ``environments/<env>.tfvars``.

``external_buckets`` maps a logical name, which a job.yaml input or output uses as its
``bucket``, to the real bucket of that environment and its KMS key, if any::

    external_buckets = {
      partner_feed = {
        bucket      = "acme-partner-feed-prod"
        kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-..."  # optional
      }
    }

Terraform types and checks the variable (``terraform/variables.tf``) and only
references the bucket: it never creates or manages it. The tool reads the same
file with this small reader (the map's keys and its string values; no HCL library
on ``invoke validate``'s path, which must stay fast).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from glue_release.errors import UserError
from glue_release.paths import ENVIRONMENTS_DIR

if TYPE_CHECKING:
    from glue_release.declarations.job import JobDeclaration

# Data lake buckets a job may name directly (terraform/modules/data-lake).
LAKE_BUCKETS = ("raw", "curated")
RESERVED = ("raw", "curated", "temp", "logs")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")

_START = re.compile(r"^\s*external_buckets\s*=\s*\{", re.MULTILINE)
_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*\{([^{}]*)\}")
_STRING = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([^"]*)"')


@dataclass(frozen=True)
class ExternalBucket:
    name: str  # the logical name jobs use
    bucket: str
    kms_key_arn: str | None = None


def read_external_buckets(tfvars: Path) -> dict[str, ExternalBucket]:
    """The ``external_buckets`` map of one tfvars file (empty when it declares none)."""
    try:
        raw = tfvars.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(
            f"environments/{tfvars.name}: not UTF-8 text; save it as UTF-8 (Terraform reads it as such)"
        ) from None
    text = "\n".join(_without_comment(line) for line in raw.splitlines())
    start = _START.search(text)
    if start is None:
        return {}
    depth, end = 1, start.end()
    while depth and end < len(text):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        end += 1
    found = {}
    for name, body in _ENTRY.findall(text[start.end() : end - 1]):
        values = dict(_STRING.findall(body))
        found[name] = ExternalBucket(name, values.get("bucket", ""), values.get("kms_key_arn"))
    return found


def declared_by_environment(environments_dir: Path = ENVIRONMENTS_DIR) -> dict[str, dict[str, ExternalBucket]]:
    """Environment -> its external buckets, for every ``environments/*.tfvars``."""
    return {
        path.name.removesuffix(".tfvars"): read_external_buckets(path)
        for path in sorted(environments_dir.glob("*.tfvars"))
    }


def _without_comment(line: str) -> str:
    """The line up to a ``#`` or ``//`` comment outside a string (tfvars strings hold no quotes here)."""
    inside = False
    for i, char in enumerate(line):
        if char == '"':
            inside = not inside
        elif not inside and (char == "#" or line.startswith("//", i)):
            return line[:i]
    return line


def check_declared(jobs: Mapping[str, JobDeclaration], environments_dir: Path = ENVIRONMENTS_DIR) -> None:
    """Every external bucket a job names is declared by at least one environment.

    An environment that lacks it refuses the plan there (the ``jobs`` variable's validation in
    terraform/variables.tf); here the name must at least exist somewhere, or it is a typo.
    """
    from glue_release.declarations.job import field_error

    declared = declared_by_environment(environments_dir)
    known = {name for buckets in declared.values() for name in buckets}
    for job in jobs.values():
        for kind, locations in (("inputs", job.inputs), ("outputs", job.outputs)):
            for arg, loc in locations.items():
                if loc.bucket in LAKE_BUCKETS or loc.bucket in known:
                    continue
                raise field_error(
                    job,
                    f"{kind}.{arg}.bucket",
                    f"no environment declares the external bucket {loc.bucket!r}; declare it in "
                    f'environments/<env>.tfvars: external_buckets = {{ {loc.bucket} = {{ bucket = "<real name>" }} }}',
                )
