"""Resources an interrupted apply created but never recorded in Terraform's state.

Terraform saves state as it goes, not after every call: kill it mid-apply and the last
resources it created exist in AWS but not in the state. The next apply tries to create
them again and AWS answers "already exists". Deleting them could lose data or access, so
we never do: we name each one and write Terraform ``import`` blocks for them. The next
plan (``build/<env>/imports.tf`` is added to the configuration for that plan only)
adopts them into the state; after a successful apply the file is removed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ALREADY_EXISTS = re.compile(
    r"EntityAlreadyExists|AlreadyExistsException|ResourceAlreadyExists|BucketAlreadyOwnedByYou|already exists",
)
WITH_ADDRESS = re.compile(r"^[│|\s]*with (\S+),\s*$", re.MULTILINE)
GENERATED_NAME = "zz_glue_release_imports.tf"  # the copy inside terraform/ during one plan; gitignored

# Terraform's import ID for each type, from the planned values (the provider docs' "Import" sections).
IMPORT_IDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "aws_iam_role": lambda v: v["name"],
    "aws_iam_role_policy": lambda v: f"{v['role']}:{v['name']}",
    "aws_cloudwatch_log_group": lambda v: v["name"],
    "aws_glue_job": lambda v: v["name"],
    "aws_glue_trigger": lambda v: v["name"],
    "aws_glue_security_configuration": lambda v: v["name"],
    "aws_glue_catalog_database": lambda v: f"{v['catalog_id']}:{v['name']}" if v.get("catalog_id") else v["name"],
    "aws_kms_alias": lambda v: v["name"],
    "aws_s3_bucket": lambda v: v["bucket"],
}


@dataclass(frozen=True)
class Orphan:
    address: str
    type: str
    import_id: str | None  # None: a type we cannot name an ID for; it must be imported by hand

    def describe(self) -> str:
        return f"{self.address} ({self.import_id})" if self.import_id else self.address


def already_exists_addresses(stderr: str) -> list[str]:
    """Addresses of the resources whose create failed because the object already exists."""
    addresses: list[str] = []
    for block in re.split(r"(?=Error: )", stderr):
        if not ALREADY_EXISTS.search(block):
            continue
        match = WITH_ADDRESS.search(block)
        if match and match[1] not in addresses:
            addresses.append(match[1])
    return addresses


def find(stderr: str, plan: dict[str, Any]) -> list[Orphan]:
    """The orphans named in an apply's errors, with import IDs from the applied plan's values."""
    planned = {rc["address"]: rc for rc in plan.get("resource_changes", [])}
    orphans: list[Orphan] = []
    for address in already_exists_addresses(stderr):
        change = planned.get(address, {})
        kind = change.get("type") or address.split(".")[-2].split("[")[0]
        values = (change.get("change") or {}).get("after") or {}
        try:
            import_id: str | None = IMPORT_IDS[kind](values)
        except (KeyError, TypeError):
            import_id = None
        orphans.append(Orphan(address, kind, import_id))
    return orphans


def import_blocks(orphans: list[Orphan]) -> str:
    lines = [
        "# Written by the release tool: resources an interrupted apply created but did not record.",
        "# The next plan imports them into the state (nothing is created again or deleted).",
    ]
    for orphan in orphans:
        if orphan.import_id is None:
            continue
        lines += ["", "import {", f"  to = {orphan.address}", f'  id = "{orphan.import_id}"', "}"]
    return "\n".join(lines) + "\n"


def imports_file(build_dir: Path) -> Path:
    return build_dir / "imports.tf"


def write(build_dir: Path, orphans: list[Orphan]) -> Path:
    """Add the orphans' import blocks to ``build/<env>/imports.tf`` (kept across reruns until applied)."""
    path = imports_file(build_dir)
    known = path.read_text() if path.exists() else ""
    new = [o for o in orphans if o.import_id is not None and f"to = {o.address}\n" not in known]
    if not known:
        path.write_text(import_blocks(new))
    elif new:
        path.write_text(known + import_blocks(new).split("\n", 2)[2])
    return path


@contextmanager
def included(build_dir: Path, terraform_dir: Path) -> Iterator[bool]:
    """For one plan: the pending import blocks as part of the configuration; True when there are some."""
    source = imports_file(build_dir)
    if not source.exists():
        yield False
        return
    text = _for_planned_jobs(source.read_text(), build_dir / "release.tfvars.json")
    target = terraform_dir / GENERATED_NAME
    target.write_text(text)
    try:
        yield True
    finally:
        target.unlink(missing_ok=True)


IMPORT_BLOCK = re.compile(r'\nimport \{\n  to = module\.\w+\["([^"]+)"\][^\n]*\n[^}]*\}\n')


def _for_planned_jobs(text: str, release_vars: Path) -> str:
    """The import blocks whose job this plan still has. A job removed (or a rollback to before it) since the
    killed apply has no configuration to import into, and Terraform would refuse the whole plan; its orphans
    stay in AWS, as the message that wrote the blocks said."""
    if not release_vars.exists():
        return text
    planned = set(json.loads(release_vars.read_text()).get("jobs") or {})
    return IMPORT_BLOCK.sub(lambda m: m[0] if m[1] in planned else "", text)


def message(env: str, orphans: list[Orphan], path: Path) -> str:
    importable = [o for o in orphans if o.import_id is not None]
    by_hand = [o for o in orphans if o.import_id is None]
    text = (
        f"terraform apply stopped: {len(orphans)} resource(s) exist in AWS but not in Terraform's state "
        f"(created by an earlier apply that was killed before it saved them): "
        f"{', '.join(o.describe() for o in orphans)}; nothing was deleted."
    )
    if importable:
        text += (
            f" Import blocks for them are in {path}: review it, then run `invoke deploy --env {env}` "
            "again to import them."
        )
    if by_hand:
        text += f" Import {', '.join(o.address for o in by_hand)} by hand (`terraform import ADDRESS ID`)."
    return text
