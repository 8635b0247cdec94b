"""IAM permission changes in a plan: rows of action × resource added and removed, trust changes, and flags.

Policies come from the plan's values. When a policy is only known after apply
(a new role whose policy document reads bucket ARNs created in the same apply),
it is resolved through the ``aws_iam_policy_document`` data source it references,
and the parts that are still unknown are shown as such — never dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

UNKNOWN = "(known after apply)"
# Actions AWS offers no resource-level permission for: `*` is their only resource.
RESOURCELESS_ACTIONS = frozenset({"cloudwatch:PutMetricData", "sts:GetCallerIdentity", "kms:ListAliases"})
_INDEX = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True, order=True)
class Permission:
    kind: str  # "allow"/"deny" for permissions, "trust" for who may assume the role
    action: str
    resource: str  # for trust rows: the principal
    condition: str = ""


@dataclass
class PolicyChange:
    address: str
    action: str  # create | update | delete | replace
    added: list[Permission] = field(default_factory=list)
    removed: list[Permission] = field(default_factory=list)
    flags: dict[Permission, list[str]] = field(default_factory=dict)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _condition_text(condition: Any) -> str:
    return json.dumps(condition, sort_keys=True, separators=(",", ":")) if condition else ""


def _principals(principal: Any) -> list[str]:
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        return [f"{kind}:{ident}" for kind, idents in sorted(principal.items()) for ident in _as_list(idents)]
    return [str(p) for p in _as_list(principal)]


def rows_of_document(document: dict[str, Any], trust: bool = False) -> set[Permission]:
    """Every (effect, action, resource) of a JSON policy document; trust documents give principal rows."""
    rows: set[Permission] = set()
    for statement in _as_list(document.get("Statement")):
        effect = str(statement.get("Effect", "Allow")).lower()
        condition = _condition_text(statement.get("Condition"))
        actions = [*_as_list(statement.get("Action")), *(f"NOT {a}" for a in _as_list(statement.get("NotAction")))]
        if trust:
            principals = [
                *_principals(statement.get("Principal")),
                *(f"NOT {p}" for p in _principals(statement.get("NotPrincipal"))),
            ]
            kind = "trust" if effect == "allow" else "deny-trust"
            rows |= {Permission(kind, a, p, condition) for a in actions for p in principals}
            continue
        resources = [
            *_as_list(statement.get("Resource")),
            *(f"NOT {r}" for r in _as_list(statement.get("NotResource"))),
        ]
        rows |= {Permission(effect, a, r, condition) for a in actions for r in resources}
    return rows


def _parse(policy: Any) -> dict[str, Any] | None:
    if isinstance(policy, dict):
        return policy
    if not policy:
        return None
    try:
        return json.loads(policy)
    except (TypeError, ValueError):
        return None


def _document_rows(statements: list[dict[str, Any]], unknown: Any, trust: bool) -> set[Permission]:
    """Rows from an ``aws_iam_policy_document``'s planned ``statement`` blocks, unknown parts marked."""
    rows: set[Permission] = set()
    for index, statement in enumerate(statements):
        marks = unknown[index] if isinstance(unknown, list) and index < len(unknown) else {}
        marks = marks if isinstance(marks, dict) else {}

        def values(name: str, statement: dict[str, Any] = statement, marks: dict[str, Any] = marks) -> list[str]:
            if marks.get(name) is True:
                return [UNKNOWN]
            known = _as_list(statement.get(name))
            flags = _as_list(marks.get(name))
            return [UNKNOWN if i < len(flags) and flags[i] is True else str(v) for i, v in enumerate(known)]

        effect = str(statement.get("effect") or "Allow").lower()
        condition = _condition_text(statement.get("condition"))
        actions = values("actions") + [f"NOT {a}" for a in values("not_actions")]
        if trust:
            principals = [
                UNKNOWN if marks.get("principals") is True else f"{p.get('type')}:{ident}"
                for p in _as_list(statement.get("principals"))
                for ident in _as_list(p.get("identifiers")) or [UNKNOWN]
            ]
            rows |= {Permission("trust", a, p, condition) for a in actions for p in principals}
        else:
            resources = values("resources") + [f"NOT {r}" for r in values("not_resources")]
            rows |= {Permission(effect, a, r, condition) for a in actions for r in resources or ["*"]}
    return rows


def _config_module(plan: dict[str, Any], module_address: str | None) -> dict[str, Any]:
    module = plan.get("configuration", {}).get("root_module", {})
    if module_address:
        for name in _INDEX.sub("", module_address).split(".")[1::2]:
            module = module.get("module_calls", {}).get(name, {}).get("module", {})
    return module


def _referenced_document(plan: dict[str, Any], change: dict[str, Any], attribute: str) -> dict[str, Any] | None:
    """The planned data-source change a resource's policy attribute refers to, if it is a policy document."""
    module_address = change.get("module_address")
    resource_address = change["address"][len(module_address) + 1 :] if module_address else change["address"]
    resource_address = _INDEX.sub("", resource_address)
    config = _config_module(plan, module_address)
    expressions = next(
        (r.get("expressions", {}) for r in config.get("resources", []) if r.get("address") == resource_address), {}
    )
    references = expressions.get(attribute, {}).get("references", []) if isinstance(expressions, dict) else []
    for reference in references:
        if reference.startswith("data.aws_iam_policy_document.") and reference.count(".") == 2:
            target = f"{module_address}.{reference}" if module_address else reference
            for candidate in plan.get("resource_changes", []):
                if candidate.get("mode") == "data" and candidate["address"] == target:
                    return candidate["change"]
    return None


def _after_rows(plan: dict[str, Any], rc: dict[str, Any], attribute: str, trust: bool) -> set[Permission]:
    change = rc["change"]
    after = change.get("after") or {}
    document = _parse(after.get(attribute))
    if document is not None:
        return rows_of_document(document, trust)
    if (change.get("after_unknown") or {}).get(attribute) is not True:
        return set()  # no such policy after the change
    data = _referenced_document(plan, rc, attribute)
    if data is not None:
        statements = (data.get("after") or {}).get("statement") or []
        return _document_rows(statements, (data.get("after_unknown") or {}).get("statement"), trust)
    return {Permission("trust" if trust else "allow", UNKNOWN, UNKNOWN)}


def _policy_attributes(resource_type: str) -> list[tuple[str, bool]]:
    if resource_type == "aws_iam_role":
        return [("assume_role_policy", True)]
    if resource_type in ("aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"):
        return [("policy", False)]
    return []


def _attachment_rows(values: dict[str, Any] | None) -> set[Permission]:
    arn = (values or {}).get("policy_arn")
    return {Permission("attach", arn or UNKNOWN, (values or {}).get("role") or UNKNOWN)} if values else set()


def policy_changes(plan: dict[str, Any], sensitive_names: dict[str, str] | None = None) -> list[PolicyChange]:
    """Every IAM role, policy or attachment created, changed or destroyed, with its permission rows and flags."""
    from glue_release.review.plan_summary import action_of

    out: list[PolicyChange] = []
    for rc in plan.get("resource_changes", []):
        if rc.get("mode", "managed") != "managed":
            continue
        action = action_of(rc["change"]["actions"])
        if action in ("no-op", "read"):
            continue
        before_rows: set[Permission] = set()
        after_rows: set[Permission] = set()
        if rc["type"] == "aws_iam_role_policy_attachment":
            before_rows = _attachment_rows(rc["change"].get("before"))
            after_rows = _attachment_rows(rc["change"].get("after")) if action != "delete" else set()
        for attribute, trust in _policy_attributes(rc["type"]):
            document = _parse((rc["change"].get("before") or {}).get(attribute))
            if document is not None:
                before_rows |= rows_of_document(document, trust)
            if action != "delete":
                after_rows |= _after_rows(plan, rc, attribute, trust)
        if rc["type"] == "aws_iam_role":
            for block in (rc["change"].get("before") or {}).get("inline_policy") or []:
                before_rows |= rows_of_document(_parse(block.get("policy")) or {})
            for block in (rc["change"].get("after") or {}).get("inline_policy") or []:
                after_rows |= rows_of_document(_parse(block.get("policy")) or {})
        if not (before_rows or after_rows) or (before_rows == after_rows and action == "update"):
            continue
        change = PolicyChange(rc["address"], action, sorted(after_rows - before_rows), sorted(before_rows - after_rows))
        for row in change.added:
            reasons = flags_of(row, sensitive_names or {})
            if reasons:
                change.flags[row] = reasons
        out.append(change)
    return out


def _arn_resource(resource: str) -> str:
    """The resource part of an ARN (after the account field), or the whole string."""
    parts = resource.split(":", 5)
    return parts[5] if len(parts) == 6 and parts[0] == "arn" else resource


def flags_of(row: Permission, sensitive_names: dict[str, str]) -> list[str]:
    """Why an added row deserves a reviewer's eye: wildcards, new principals, reach into protected names."""
    reasons: list[str] = []
    if row.kind == "trust":
        if not row.resource.startswith("Service:"):
            reasons.append("new trust principal")
        return reasons
    if row.kind == "attach":
        return ["managed policy attached"]
    if row.kind != "allow":
        return reasons
    action = row.action.removeprefix("NOT ")
    if row.action.startswith("NOT ") or action == "*" or action.split(":", 1)[-1].startswith("*"):
        reasons.append("wildcard action")
    resource = row.resource.removeprefix("NOT ")
    arn_resource = _arn_resource(resource)
    wide = row.resource.startswith("NOT ") or resource == "*" or arn_resource.startswith("*")
    if wide and not (resource == "*" and row.action in RESOURCELESS_ACTIONS):
        reasons.append("wildcard resource")
    for label, name in sensitive_names.items():
        if name and name in resource:
            reasons.append(f"reaches {label}")
    return reasons
