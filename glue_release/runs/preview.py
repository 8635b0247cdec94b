"""The first rows of a job output as a small text table, for ``run-local``.

The job's process reads them back (it has the Spark session) and prints one
``preview NAME {json}`` line per output; ``run-local`` draws them here.
"""

from __future__ import annotations

import json
from typing import Any

PREFIX = "preview "
MAX_CELL = 30  # wider values are cut with "…": the table is for a glance, the files are under build/


def encode(name: str, columns: list[str], rows: list[list[Any]]) -> str:
    """The line the job's process prints: every value as text, None as null."""
    cells = [[None if value is None else str(value) for value in row] for row in rows]
    return PREFIX + json.dumps({"name": name, "columns": columns, "rows": cells})


def decode(line: str) -> tuple[str, list[str], list[list[str | None]]] | None:
    if not line.startswith(PREFIX):
        return None
    data = json.loads(line[len(PREFIX) :])
    return data["name"], data["columns"], data["rows"]


def _cell(value: str | None) -> str:
    text = "null" if value is None else value.replace("\n", " ")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def table(columns: list[str], rows: list[list[str | None]], indent: str = "    ") -> str:
    """``columns`` over ``rows`` with a rule under the header, each column as wide as its widest cell."""
    body = [[_cell(v) for v in row] for row in rows]
    head = [_cell(c) for c in columns]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return (indent + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))).rstrip()

    return "\n".join([line(head), indent + "-+-".join("-" * w for w in widths), *map(line, body)])
