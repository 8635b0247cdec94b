"""What ``invoke drift`` reports: changes made outside Terraform, kept apart from code not yet deployed.

A plan against the live account answers two different questions. Terraform's ``resource_drift``
(what its refresh found changed since the last apply) is drift: someone changed the environment
outside Terraform. Its ``resource_changes`` also hold what ``main`` would change that was never
applied (a prod apply waiting for approval, a deploy that failed): that is not drift and must not
open a drift issue, so it is reported separately, in ``pending.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glue_release.review.plan_summary import changes


@dataclass(frozen=True)
class DriftReport:
    drifted: list[str]  # "address (actions)" of each resource changed outside Terraform
    pending: list[str]  # "address (action)" of each planned change that is not a drift correction


def _differs_from_last_apply(after: Any, applied: Any, unknown: Any) -> bool:
    """Whether a planned value sets anything known other than what the last apply left (``applied``, the
    drift entry's ``before``): then the change carries undeployed code, not only the drift correction.
    ``unknown`` is the plan's ``after_unknown`` at the same place (True: known only after apply)."""
    if unknown is True:
        return False
    if isinstance(after, dict) and isinstance(applied, dict):
        inner = unknown if isinstance(unknown, dict) else {}
        return any(_differs_from_last_apply(value, applied.get(key), inner.get(key)) for key, value in after.items())
    if isinstance(after, list) and isinstance(applied, list) and len(after) == len(applied):
        inner = unknown if isinstance(unknown, list) else []
        return any(
            _differs_from_last_apply(value, old, inner[i] if i < len(inner) else None)
            for i, (value, old) in enumerate(zip(after, applied, strict=True))
        )
    return after != applied


def split(plan: dict[str, Any]) -> DriftReport:
    drift = [d for d in plan.get("resource_drift", []) if d["change"]["actions"] != ["no-op"]]
    applied = {d["address"]: d["change"].get("before") for d in drift}
    pending = []
    for raw, change in zip(_managed(plan), changes(plan), strict=True):
        if change.action in ("no-op", "read"):
            continue
        # A resource that drifted is pending too when the plan also changes it beyond undoing the drift.
        prior = applied.get(change.address, False)
        planned = raw["change"]
        if prior is False or _differs_from_last_apply(planned.get("after"), prior, planned.get("after_unknown")):
            pending.append(f"{change.address} ({change.action})")
    return DriftReport(
        drifted=[f"{d['address']} ({', '.join(d['change']['actions'])})" for d in drift],
        pending=pending,
    )


def _managed(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [rc for rc in plan.get("resource_changes", []) if rc.get("mode", "managed") == "managed"]


def render_drift(report: DriftReport, env: str, commit: str) -> str:
    lines = [f"#### Drift in `{env}` (checked against `{commit[:12]}`)", ""]
    if not report.drifted:
        lines.append("**No drift.** Nothing was changed outside Terraform since the last apply.")
    else:
        lines += [
            f"**{len(report.drifted)} resources changed outside Terraform** (the next apply puts them back):",
            "",
            *[f"- `{d}`" for d in report.drifted],
        ]
    return "\n".join(lines) + "\n"


def render_pending(report: DriftReport, env: str, commit: str) -> str:
    lines = [f"#### Not yet deployed to `{env}` (code at `{commit[:12]}`)", ""]
    if not report.pending:
        lines.append("Everything on this commit is deployed.")
    else:
        lines += [
            f"**{len(report.pending)} changes are in the code but not applied** (a prod apply waiting for "
            "approval, or a deploy that failed). Not drift: approve or fix the deploy.",
            "",
            *[f"- `{p}`" for p in report.pending],
        ]
    return "\n".join(lines) + "\n"


def write(plan_json: Path, build_dir: Path, env: str, commit: str) -> DriftReport:
    """Read the drift plan's JSON; write ``drift.md`` and ``pending.md`` beside it."""
    report = split(json.loads(plan_json.read_text()))
    (build_dir / "drift.md").write_text(render_drift(report, env, commit))
    (build_dir / "pending.md").write_text(render_pending(report, env, commit))
    return report
