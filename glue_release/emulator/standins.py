"""On ``local`` only: stand-ins for the buckets other teams own (``external_buckets`` in local.tfvars).

On AWS such a bucket exists already and Terraform only references it (it must never
create, change or delete another team's bucket). The emulator starts empty, so before
Terraform runs the tool makes each declared external bucket there, as its owner would
have, with the emulator's administrator: never through Terraform and never in its state.
"""

from __future__ import annotations

from typing import Any

from glue_release import aws
from glue_release.declarations.external_buckets import read_external_buckets
from glue_release.settings import Settings


def ensure_external_buckets(settings: Settings) -> list[str]:
    """Create the environment's external buckets that are missing (``local`` only); the names created."""
    if not settings.is_local:
        return []
    s3: Any = aws.client(settings, "s3")
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    created = []
    for declared in read_external_buckets(settings.tfvars).values():
        if declared.bucket and declared.bucket not in existing:
            s3.create_bucket(Bucket=declared.bucket)
            created.append(declared.bucket)
    return created
