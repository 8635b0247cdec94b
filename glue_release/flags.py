"""Command-line values the tool checks itself, before any stage runs.

invoke converts an option to the type of its default and stops with a traceback when it
cannot (``--timeout abc``); Terraform parses ``-lock-timeout`` only at apply, after
package, upload and plan have run. So both arrive here as text and are checked first.
"""

from __future__ import annotations

import re

from glue_release.errors import UserError

# Go's time.ParseDuration, which Terraform's -lock-timeout uses: "10m", "1h30m", "90s", "1.5h", ".5h", "0",
# "+10m" (a negative wait means nothing here, so "-" is refused).
_DURATION = re.compile(r"^\+?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|ms|s|m|h))+)$")


def seconds(value: str | float, flag: str) -> float:
    """A positive number of seconds."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UserError(f"{flag} must be a number of seconds, e.g. {flag} 600; got {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise UserError(f"{flag} must be a positive number of seconds, got {value!r}")
    return number


def duration(value: str | None, flag: str) -> str | None:
    """A Terraform duration such as 10m (None: not given)."""
    if value is None:
        return None
    text = str(value).strip()
    if not _DURATION.match(text):
        raise UserError(f"{flag} must be a duration such as 90s, 10m or 1h30m; got {value!r}")
    return text
