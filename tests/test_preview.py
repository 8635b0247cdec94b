"""run-local's table of the first rows of an output."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from glue_release.runs import preview


def test_preview_line_round_trips_values_as_text():
    line = preview.encode("output_path", ["day", "amount", "note"], [[dt.date(2024, 3, 1), Decimal("1.50"), None]])
    assert preview.decode(line) == ("output_path", ["day", "amount", "note"], [["2024-03-01", "1.50", None]])
    assert preview.decode("rows output_path=3") is None


def test_table_aligns_columns_and_cuts_long_values():
    text = preview.table(["id", "comment"], [["1", "x" * 50], ["22", None]], indent="")
    assert text.splitlines() == [
        "id | comment",
        "---+-------------------------------",
        "1  | " + "x" * 29 + "…",
        "22 | null",
    ]
