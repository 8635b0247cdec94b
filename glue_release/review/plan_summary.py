"""The Markdown review summary of a saved plan (``build/<env>/plan.md``), from ``terraform show -json``.

Written for the platform engineer reviewing a pull request: what changes, which
jobs get new code (old → new artifact hash), and, first and loudly, anything
that destroys or replaces stateful infrastructure.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from glue_release.review import attributes
from glue_release.review.cost import JobCost
from glue_release.review.gate import Finding
from glue_release.review.iam import PolicyChange
from glue_release.review.provenance import Provenance

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


@dataclass
class Review:
    """What the review adds to Terraform's plan: IAM rows, provenance, cost, and the gate's verdict."""

    policies: list[PolicyChange] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)
    costs: list[JobCost] = field(default_factory=list)
    blocking: list[Finding] = field(default_factory=list)
    accepted: list[tuple[Finding, str]] = field(default_factory=list)
    unmatched_allow: list[str] = field(default_factory=list)  # --allow patterns that matched no finding


# GitHub refuses comments over 65,536 characters; plan.md stays under this so it fits in one.
MAX_SUMMARY = 60_000
FOLD_ROWS = 8


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
    tally = Counter(c.action for c in changes(plan) if c.action not in ("no-op", "read"))
    imported = imports(plan)
    if imported:
        tally["import"] = len(imported)
    return tally


def imports(plan: dict[str, Any]) -> list[str]:
    """Addresses Terraform takes into state from the account (import blocks, e.g. of adopted jobs)."""
    return sorted(rc["address"] for rc in plan.get("resource_changes", []) if (rc.get("change") or {}).get("importing"))


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


def _normalised(value: Any) -> Any:
    """A value with null, {} and [] made equal: the provider writes one and reads back another."""
    if isinstance(value, dict):
        value = {k: _normalised(v) for k, v in value.items()}
        return {k: v for k, v in value.items() if v is not None} or None
    if isinstance(value, list):
        return [_normalised(v) for v in value] or None
    return value


def drifted(plan: dict[str, Any]) -> list[str]:
    """Resources changed outside Terraform, as Terraform's refresh saw them (null vs empty is no change)."""
    return [
        f"{d['address']} ({', '.join(d['change']['actions'])})"
        for d in plan.get("resource_drift", [])
        if d["change"]["actions"] != ["no-op"]
        and not _only_null_versus_empty(d["change"].get("before"), d["change"].get("after"))
    ]


def _only_null_versus_empty(before: Any, after: Any) -> bool:
    return before != after and _normalised(before) == _normalised(after)


def _details(summary: str, body: list[str]) -> list[str]:
    return ["", "<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>"]


def _gate_section(review: Review) -> list[str]:
    lines: list[str] = []
    if review.blocking:
        lines += ["", "> [!IMPORTANT]", "> **Policy gate: this plan needs a deliberate decision.**"]
        lines += [f"> - `{f.address}`: {f.reason}" for f in review.blocking]
    if review.accepted:
        lines += ["", "**Accepted deliberately** (`--allow`):"]
        lines += [f"- `{f.address}`: {f.reason} — allowed by `{pattern}`" for f, pattern in review.accepted]
    if review.unmatched_allow:
        lines += ["", "**`--allow` that matched no finding** (a mistyped address accepts nothing):"]
        lines += [f"- `{pattern}`" for pattern in review.unmatched_allow]
    return lines


def _iam_section(review: Review) -> list[str]:
    if not review.policies:
        return []
    lines = ["", "**IAM changes** (permissions added `+` and removed `-`)"]
    for change in review.policies:
        rows = [("+", r) for r in change.added] + [("-", r) for r in change.removed]
        flagged = sum(1 for r in change.added if r in change.flags)
        table = ["| | effect | action | resource / principal | condition | flags |", "|---|---|---|---|---|---|"]
        for sign, row in rows:
            flags = ", ".join(change.flags.get(row, [])) if sign == "+" else ""
            condition = f"`{row.condition}`" if row.condition else ""
            table.append(
                f"| `{sign}` | {row.kind} | `{row.action}` | `{row.resource}` | {condition} | "
                f"{'⚠️ ' + flags if flags else ''} |"
            )
        head = f"`{change.address}` ({change.action}): +{len(change.added)} −{len(change.removed)}"
        if flagged:
            head += f", **{flagged} flagged**"
        if len(rows) > FOLD_ROWS and not flagged:
            lines += _details(head, table)
        else:
            lines += ["", f"- {head}", "", *table]
    return lines


def _code_section(code: list[tuple[str, str, str, str]], review: Review) -> list[str]:
    if not code:
        return []
    lines = ["", "**Job code**", "", "| job | artifact | from | to |", "|---|---|---|---|"]
    lines += [f"| `{job}` | {what} | `{old}` | `{new}` |" for job, what, old, new in code]
    for p in review.provenance:
        old = f"`{p.deployed_commit[:12]}`" if p.deployed_commit else "unknown"
        head = f"`{p.job}`: built from {old} → `{p.new_commit[:12]}`"
        if p.compare_url:
            head += f" ([compare]({p.compare_url}))"
        if p.note:
            head += f" — {p.note}"
        lines += _details(head, ["```", p.diff_stat or "(no diff stat)", "```"]) if p.diff_stat else ["", f"- {head}"]
    return lines


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.2f}"


def _cost_section(review: Review) -> list[str]:
    changed = [c for c in review.costs if abs(c.delta) >= 0.005]
    if not changed:
        return []
    total = sum(c.delta for c in review.costs)
    lines = [
        "",
        f"**Cost estimate** (monthly, USD; an estimate, not a quote): **{'+' if total >= 0 else '−'}"
        f"${abs(total):,.2f}/month** for this environment",
        "",
        "| job | before | after | delta | basis |",
        "|---|---|---|---|---|",
    ]
    for c in changed:
        sign = "+" if c.delta >= 0 else "−"
        lines.append(f"| `{c.job}` | {_money(c.before)} | {_money(c.after)} | {sign}${abs(c.delta):,.2f} | {c.basis} |")
    return lines


def _attribute_section(plan: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for rc in plan.get("resource_changes", []):
        if rc.get("mode", "managed") != "managed" or action_of(rc["change"]["actions"]) != "update":
            continue
        rows = attributes.diffs(rc["change"])
        if not rows:
            continue
        body = [f"- `{d.path}`: `{d.before}` → `{d.after}`" for d in rows]
        if len(rows) > FOLD_ROWS:
            lines += _details(f"`{rc['address']}`: {len(rows)} attributes change", body)
        else:
            lines += ["", f"`{rc['address']}`", *body]
    return ["", "**Changed attributes**", *lines] if lines else []


def _fit(sections: list[tuple[str, list[str]]], limit: int) -> str:
    """Join sections; when too long for a PR comment, drop the foldable ones last-first, saying what was cut."""
    cut: list[str] = []
    while True:
        text = "\n".join(line for _, lines in sections for line in lines) + "\n"
        if len(text) <= limit:
            break
        foldable = [i for i, (name, _) in enumerate(sections) if name]
        if not foldable:
            text = text[: limit - 200] + "\n\n… (cut: the summary is too long; see plan.txt)\n"
            break
        index = foldable[-1]
        cut.append(sections[index][0])
        sections[index] = ("", [])
    if cut:
        text += f"\n_Cut to fit a pull-request comment: {', '.join(reversed(cut))}. The full plan is plan.txt._\n"
    return text


def render(plan: dict[str, Any], env: str, commit: str, title: str = "Plan", review: Review | None = None) -> str:
    review = review or Review()
    tally = counts(plan)
    head = [f"#### {title} for `{env}` at `{commit[:12]}`", ""]
    if not tally:
        head.append("**No changes.** The infrastructure matches the code.")
    else:
        imported = f"{tally['import']} to import, " if tally["import"] else ""
        head.append(
            f"**{imported}{tally['create']} to add, {tally['update']} to change, "
            f"{tally['delete']} to destroy, {tally['replace']} to replace.**"
        )
    danger = dangerous(plan)
    if danger:
        head += [
            "",
            "> [!CAUTION]",
            "> **Destroys or replaces stateful resources:** data, access or keys can be lost.",
        ]
        head += [f"> - `{c.action}` `{c.address}`" for c in danger]
    head += _gate_section(review)
    drift = drifted(plan)
    if drift:
        head += ["", "**Changed outside Terraform (drift):**", *[f"- `{d}`" for d in drift]]
    imported_addresses = imports(plan)
    if imported_addresses:
        head += ["", "**Imported from the account** (existing resources Terraform takes over):"]
        head += [f"- `{address}`" for address in imported_addresses]
    resources: list[str] = []
    if tally:
        order = {"delete": 0, "replace": 1, "update": 2, "create": 3}
        table = ["| | action | resource |", "|---|---|---|"]
        for c in sorted(changes(plan), key=lambda c: (order.get(c.action, 9), c.address)):
            if c.action in order:
                table.append(f"| `{SYMBOLS[c.action]}` | {c.action} | `{c.address}` |")
        resources = _details(f"Resources ({sum(tally.values())})", table)
    sections = [
        ("", head),
        ("", _code_section(job_code_changes(plan), review)),
        ("", _cost_section(review)),
        ("IAM changes", _iam_section(review)),
        ("changed attributes", _attribute_section(plan)),
        ("resource list", resources),
    ]
    return _fit(sections, MAX_SUMMARY)


def effective_table(settings: dict[str, dict[str, Any]], env: str) -> str:
    """Each job's sizing and schedule as sent to Terraform for ``env``; ``*`` marks a job.yaml override for it.

    The environment's tfvars may still cap workers (``max_number_of_workers``, ``worker_type_override``).
    """
    lines = [
        f"**Job settings in `{env}`** (`*`: set by the job's `environments.{env}`)",
        "",
        "| job | worker type | workers | timeout (min) | schedule |",
        "|---|---|---|---|---|",
    ]
    for name, job in sorted(settings.items()):
        changed = set(job.get("overridden") or [])

        def cell(key: str, text: object, changed: set[str] = changed) -> str:
            return f"{text} *" if key in changed else str(text)

        if job.get("schedule"):
            state = {True: "on", False: "off", None: "environment default"}[job.get("schedule_enabled")]
            schedule = cell("schedule_enabled", f"`{job['schedule']}` ({state})")
        else:
            schedule = "—"
        sizing = [cell(key, job[key]) for key in ("worker_type", "number_of_workers", "timeout_minutes")]
        lines.append(f"| `{name}` | {' | '.join(sizing)} | {schedule} |")
    arguments = sorted(
        f"`{name}`: {', '.join(a.removeprefix('arguments.') for a in job['overridden'] if a.startswith('arguments.'))}"
        for name, job in settings.items()
        if any(a.startswith("arguments.") for a in job.get("overridden") or [])
    )
    if arguments:
        lines += ["", f"Arguments overridden in `{env}`: " + "; ".join(arguments)]
    return "\n".join(lines) + "\n"
