"""The policy gate: findings that stop ``invoke plan`` (and deploy) unless deliberately allowed.

A finding is a stateful resource destroyed or replaced, an added IAM wildcard
(action or resource), or an added trust principal. ``--allow ADDRESS`` accepts
the findings of one resource (an exact address, a module prefix such as
``module.glue_job["old"]``, or a glob); accepted findings are recorded in plan.md.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from glue_release.review.iam import PolicyChange

GATED_IAM_FLAGS = ("wildcard action", "wildcard resource", "new trust principal")


@dataclass(frozen=True)
class Finding:
    address: str
    reason: str

    def allowed_by(self, patterns: Iterable[str]) -> str | None:
        for pattern in patterns:
            if (
                self.address == pattern
                or self.address.startswith(pattern + ".")
                or fnmatch.fnmatchcase(self.address, pattern)
            ):
                return pattern
        return None


def _gated(change: PolicyChange, reason: str, principal: str) -> bool:
    """Wildcards always; a trust principal when it is added to a role that exists (or is anyone at all).

    A role being created has only new principals; they are listed and flagged in plan.md, and gated
    when the trust is open to everyone.
    """
    if reason != "new trust principal":
        return reason in GATED_IAM_FLAGS
    return change.action in ("update", "replace") or principal.split(":", 1)[-1] == "*"


def findings(dangerous: Iterable[Any], policies: Iterable[PolicyChange]) -> list[Finding]:
    out = [Finding(c.address, f"{c.action}s stateful {c.type}") for c in dangerous]
    for change in policies:
        for row, reasons in change.flags.items():
            for reason in reasons:
                if _gated(change, reason, row.resource):
                    what = f"{row.action} on {row.resource}" if row.kind != "trust" else f"{row.resource} may assume it"
                    out.append(Finding(change.address, f"adds {reason}: {what}"))
    return out


def split(found: list[Finding], allow: Iterable[str]) -> tuple[list[Finding], list[tuple[Finding, str]]]:
    """(blocking findings, accepted findings with the --allow pattern that accepted each)."""
    patterns = list(allow)
    blocking: list[Finding] = []
    accepted: list[tuple[Finding, str]] = []
    for finding in found:
        pattern = finding.allowed_by(patterns)
        if pattern is None:
            blocking.append(finding)
        else:
            accepted.append((finding, pattern))
    return blocking, accepted


def unmatched(accepted: list[tuple[Finding, str]], allow: Iterable[str]) -> list[str]:
    """``--allow`` patterns that accepted nothing: a mistyped address must not pass unnoticed. An empty
    pattern and ``*`` (the PR label's "accept whatever is found") are not mistakes when nothing is found."""
    used = {pattern for _, pattern in accepted}
    return [p for p in dict.fromkeys(allow) if p and p != "*" and p not in used]


def message(blocking: list[Finding], env: str) -> str:
    """One line per finding, then how to accept them deliberately."""
    lines = [f"the plan for {env} needs a deliberate decision ({len(blocking)} finding(s)):"]
    lines += [f"  {f.address}: {f.reason}" for f in blocking]
    addresses = sorted({f.address for f in blocking})
    allow = " ".join(f"--allow '{a}'" for a in addresses)
    lines.append(
        f"review build/{env}/plan.md; to accept, run again with {allow} (in a pull request: the `plan-allow` label)"
    )
    return "\n".join(lines)
