"""Rejected rows: never dropped silently.

A job's transforms split their input into rows they can use and the rest, each with a
``reject_reason`` (see ``jobs/orders_daily_revenue/transforms.py``). The entrypoint writes
the rejects to their own output and calls ``report_rejects``, which logs the count per
reason and, on Glue, publishes the total as the CloudWatch metric ``Glue/RejectedRows``
(dimensions ``JobName`` and ``Output``). The smoke run bounds the same count with
``smoke.checks.<rejects output>.max_ratio_of`` in ``job.yaml``.
"""

from __future__ import annotations

from typing import Any

from glue_runtime.metrics import put_count

REASON = "reject_reason"
METRIC = "RejectedRows"


def report_rejects(ctx: Any, rejected: Any, output: str = "rejects_path", client: Any = None) -> dict[str, int]:
    """Count ``rejected`` per ``reject_reason``, print the counts, publish the total on Glue; return the counts."""
    counts = {row[REASON]: row["count"] for row in rejected.groupBy(REASON).count().collect()}
    print(f"rejected rows by reason: {dict(sorted(counts.items())) or 'none'}", flush=True)
    put_count(ctx, METRIC, sum(counts.values()), {"Output": output}, client=client)
    return counts
