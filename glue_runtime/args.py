"""Job arguments with the semantics of Glue's ``getResolvedOptions``.

Glue passes every job argument as ``--name value`` on argv, together with
arguments of its own (``--job-bookmark-option``, ``--TempDir``, ...). Like
``getResolvedOptions``, we return the names a script asks for, ignore the
rest, and fail on a missing required name. Unlike Glue before 6.0 we never
accept an abbreviation: ``--out`` must not silently mean ``--output_path``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

Converter = Callable[[str], Any]

_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


class ArgumentError(ValueError):
    """A job argument is missing or malformed; the message names it."""


def to_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r} (use true or false)")


_CONVERTERS: dict[type, Converter] = {bool: to_bool, int: int, float: float, str: str}


def _parse_pairs(argv: Sequence[str]) -> dict[str, str]:
    """Every ``--name value`` / ``--name=value`` pair on argv; the last one wins, as in Glue."""
    pairs: dict[str, str] = {}
    i = 0
    while i < len(argv):
        token = argv[i]
        if token.startswith("--") and len(token) > 2:
            name, eq, inline = token[2:].partition("=")
            if eq:
                pairs[name] = inline
            elif i + 1 < len(argv) and not argv[i + 1].startswith("--"):
                pairs[name] = argv[i + 1]
                i += 1
            else:
                pairs[name] = ""
        i += 1
    return pairs


def _convert(name: str, raw: str, kind: type | Converter) -> Any:
    converter = _CONVERTERS.get(kind, kind) if isinstance(kind, type) else kind
    try:
        return converter(raw)
    except ValueError as exc:
        raise ArgumentError(f"argument --{name}: {exc}") from None


def resolve_args(
    argv: Sequence[str],
    required: Sequence[str] | Mapping[str, type | Converter] = (),
    optional: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Resolve job arguments from ``argv`` (``sys.argv`` as Glue builds it).

    ``required`` is a list of names (values stay strings, as in Glue) or a map
    of name -> type. ``optional`` maps name -> default; the default's type
    converts the given value. ``JOB_NAME`` is always resolved when present.
    Names not asked for are ignored.
    """
    pairs = _parse_pairs(argv[1:] if argv and not argv[0].startswith("--") else argv)
    kinds: dict[str, type | Converter] = (
        dict(required) if isinstance(required, Mapping) else {name: str for name in required}
    )
    missing = [name for name in kinds if name not in pairs]
    for name in missing:
        abbreviations = sorted(given for given in pairs if given and name.startswith(given))
        if abbreviations:
            raise ArgumentError(
                f"argument --{name} is required; --{abbreviations[0]} is not accepted as an abbreviation of it"
            )
    if missing:
        # Glue's own wording, so a failed run reads the same locally and on AWS.
        raise ArgumentError("the following arguments are required: " + ", ".join(f"--{m}" for m in missing))

    resolved: dict[str, Any] = {name: _convert(name, pairs[name], kind) for name, kind in kinds.items()}
    for name, default in (optional or {}).items():
        if name in pairs:
            kind = type(default) if default is not None else str
            resolved[name] = _convert(name, pairs[name], kind)
        else:
            resolved[name] = default
    if "JOB_NAME" in pairs:
        resolved.setdefault("JOB_NAME", pairs["JOB_NAME"])
    return resolved
