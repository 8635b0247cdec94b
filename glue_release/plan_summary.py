"""The Markdown review summary of a saved plan (``build/<env>/plan.md``), from ``terraform show -json``.

Written for the platform engineer reviewing a pull request: what changes, which
jobs get new code (old → new artifact hash), and, first and loudly, anything
that destroys or replaces stateful infrastructure.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

# Destroying or replacing these loses data, access or history.
STATEFUL_TYPES = (
    "aws_s3_bucket",
    "aws_iam_role",
    "aws_kms_key",
    "aws_kms_alias",
    "aws_glue_catalog_database",
    "aws_glue_catalog_table",
    "aws_glue_security_configuration",
    "aws_cloudwatch_log_group",
)
HASH_IN_KEY = re.compile(r"/([0-9a-f]{64})/")
SYMBOLS = {"create": "+", "update": "~", "delete": "-", "replace": "-/+", "read": "<=", "no-op": " "}


@dataclass(frozen=True)
class Change:
    address: str
    type: str
    action: str  # create | update | delete | replace | read | no-op
    before: dict[str, Any]
    after: dict[str, Any]


def action_of(actions: list[str]) -> str:
    if set(actions) == {"create", "delete"}:
        return "replace"
    return actions[0] if actions else "no-op"


def changes(plan: dict[str, Any]) -> list[Change]:
    return [
        Change(
            address=rc["address"],
            type=rc["type"],
            action=action_of(rc["change"]["actions"]),
            before=rc["change"].get("before") or {},
            after=rc["change"].get("after") or {},
        )
        for rc in plan.get("resource_changes", [])
        if rc.get("mode", "managed") == "managed"
    ]


def counts(plan: dict[str, Any]) -> Counter[str]:
    return Counter(c.action for c in changes(plan) if c.action not in ("no-op", "read"))


def _short(value: str | None) -> str:
    match = HASH_IN_KEY.search(value or "")
    return match[1][:12] if match else "—"


def _artifacts(job: dict[str, Any]) -> tuple[str | None, str | None]:
    command = (job.get("command") or [{}])[0]
    arguments = {**(job.get("default_arguments") or {}), **(job.get("non_overridable_arguments") or {})}
    extra = arguments.get("--extra-py-files", "")
    library = next((p for p in extra.split(",") if "/lib/" in p or p.startswith("lib/")), None)
    return command.get("script_location"), library


def job_code_changes(plan: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(job, what, old hash, new hash) for every Glue job whose script or library changes."""
    rows = []
    for change in changes(plan):
        if change.type != "aws_glue_job" or change.action in ("no-op", "read"):
            continue
        name = change.after.get("name") or change.before.get("name") or change.address
        old_script, old_lib = _artifacts(change.before)
        new_script, new_lib = _artifacts(change.after)
        if old_script != new_script:
            rows.append((name, "script", _short(old_script), _short(new_script)))
        if old_lib != new_lib:
            rows.append((name, "library", _short(old_lib), _short(new_lib)))
    return rows


def dangerous(plan: dict[str, Any]) -> list[Change]:
    return [c for c in changes(plan) if c.action in ("delete", "replace") and c.type.startswith(STATEFUL_TYPES)]


def drifted(plan: dict[str, Any]) -> list[str]:
    """Resources changed outside Terraform, as Terraform's refresh saw them."""
    return [
        f"{d['address']} ({', '.join(d['change']['actions'])})"
        for d in plan.get("resource_drift", [])
        if d["change"]["actions"] != ["no-op"]
    ]


def render(plan: dict[str, Any], env: str, commit: str, title: str = "Plan") -> str:
    tally = counts(plan)
    lines = [f"#### {title} for `{env}` at `{commit[:12]}`", ""]
    if not tally:
        lines.append("**No changes.** The infrastructure matches the code.")
    else:
        lines.append(
            f"**{tally['create']} to add, {tally['update']} to change, "
            f"{tally['delete']} to destroy, {tally['replace']} to replace.**"
        )
    danger = dangerous(plan)
    if danger:
        lines += [
            "",
            "> [!CAUTION]",
            "> **Destroys or replaces stateful resources:** data, access or keys can be lost.",
        ]
        lines += [f"> - `{c.action}` `{c.address}`" for c in danger]
    drift = drifted(plan)
    if drift:
        lines += ["", "**Changed outside Terraform (drift):**", *[f"- `{d}`" for d in drift]]
    code = job_code_changes(plan)
    if code:
        lines += ["", "**Job code**", "", "| job | artifact | from | to |", "|---|---|---|---|"]
        lines += [f"| `{job}` | {what} | `{old}` | `{new}` |" for job, what, old, new in code]
    if tally:
        lines += ["", "**Resources**", "", "| | action | resource |", "|---|---|---|"]
        order = {"delete": 0, "replace": 1, "update": 2, "create": 3}
        for c in sorted(changes(plan), key=lambda c: (order.get(c.action, 9), c.address)):
            if c.action in order:
                lines.append(f"| `{SYMBOLS[c.action]}` | {c.action} | `{c.address}` |")
    return "\n".join(lines) + "\n"
