"""Attribute diffs of updated resources: every changed leaf, before → after, masked as Terraform masks it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

SENSITIVE = "(sensitive value)"
UNKNOWN = "(known after apply)"
# JSON policy documents are shown as permission rows (see iam.py), never as a text blob.
POLICY_ATTRIBUTES = frozenset({"policy", "assume_role_policy"})
IAM_DIFF = "(see IAM changes)"
MAX_VALUE = 120


@dataclass(frozen=True)
class AttributeDiff:
    path: str
    before: str
    after: str


def _flatten(value: Any, path: str = "", steps: tuple[Any, ...] = ()) -> dict[str, tuple[tuple[Any, ...], Any]]:
    """Nested blocks and maps as ``a.b[0]["key"]`` paths -> (steps, leaf); an empty container is a leaf of its own."""
    if isinstance(value, dict) and value:
        out: dict[str, tuple[tuple[Any, ...], Any]] = {}
        for key, item in value.items():
            step = f"{path}.{key}" if path and key.isidentifier() else (key if not path else f'{path}["{key}"]')
            out.update(_flatten(item, step, (*steps, key)))
        return out
    if isinstance(value, list) and value:
        out = {}
        for index, item in enumerate(value):
            out.update(_flatten(item, f"{path}[{index}]", (*steps, index)))
        return out
    return {path: (steps, value)}


def _marked(marks: Any, path_parts: list[Any]) -> bool:
    """Whether Terraform's sensitive/unknown structure marks this path (or any block above it) True."""
    node = marks
    for part in path_parts:
        if node is True:
            return True
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return False
    return node is True


def _show(value: Any) -> str:
    if value is None:
        return "null"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _is_policy(path_parts: tuple[Any, ...]) -> bool:
    return bool(path_parts) and path_parts[-1] in POLICY_ATTRIBUTES


def diffs(change: dict[str, Any]) -> list[AttributeDiff]:
    """The changed attributes of one ``resource_changes[].change``; unknown and sensitive values masked."""
    before = change.get("before") or {}
    after = change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    before_sensitive = change.get("before_sensitive") or {}
    after_sensitive = change.get("after_sensitive") or {}
    flat_before, flat_after = _flatten(before), _flatten(after)
    # Paths that become unknown may have no leaf in `after`; take them from the unknown marks.
    for path, (steps, mark) in _flatten(unknown).items():
        if mark is True:
            flat_after.setdefault(path, (steps, None))
    parts = {path: steps for path, (steps, _) in {**flat_before, **flat_after}.items()}
    before_leaves = {path: leaf for path, (_, leaf) in flat_before.items()}
    after_leaves = {path: leaf for path, (_, leaf) in flat_after.items()}
    rows: list[AttributeDiff] = []
    for path in sorted(set(before_leaves) | set(after_leaves)):
        steps = list(parts.get(path, ()))
        is_unknown = _marked(unknown, steps)
        old, new = before_leaves.get(path), after_leaves.get(path)
        if old == new and not is_unknown:
            continue
        if old in (None, [], {}) and new in (None, [], {}) and not is_unknown:
            continue  # null ↔ empty: no real change
        old_text = SENSITIVE if _marked(before_sensitive, steps) else _show(old)
        if is_unknown:
            new_text = UNKNOWN
        elif _marked(after_sensitive, steps):
            new_text = SENSITIVE
        else:
            new_text = _show(new)
        if _is_policy(tuple(steps)) and SENSITIVE not in (old_text, new_text):
            old_text, new_text = (IAM_DIFF, IAM_DIFF if not is_unknown else UNKNOWN)
        rows.append(AttributeDiff(path, old_text, new_text))
    return rows
