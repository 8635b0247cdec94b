"""CloudWatch metrics from a job, so a dashboard or an alarm can watch what the logs only mention.

Published on Glue only: local runs, tests and local smoke runs have no CloudWatch to talk to.
The job role allows ``cloudwatch:PutMetricData`` in the ``Glue`` namespace and nowhere else
(``terraform/modules/glue-job-role``), so that is where the metrics go, with the job's name as
a dimension. A metric that cannot be published is a warning on stderr, never a failed job:
the data the job wrote is still right.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

NAMESPACE = "Glue"


def put_count(
    ctx: Any, metric: str, value: int, dimensions: Mapping[str, str] | None = None, client: Any = None
) -> bool:
    """Publish ``value`` as ``metric`` (unit Count) with dimensions ``JobName`` and ``dimensions``; True if sent."""
    if not ctx.on_glue:
        return False
    job = str(ctx.args.get("JOB_NAME") or "unknown")
    dims = [{"Name": "JobName", "Value": job}] + [{"Name": k, "Value": str(v)} for k, v in (dimensions or {}).items()]
    try:
        if client is None:
            import boto3  # on Glue's image; imported here so local runs never need it

            client = boto3.client("cloudwatch")
        client.put_metric_data(
            Namespace=NAMESPACE,
            MetricData=[{"MetricName": metric, "Dimensions": dims, "Value": float(value), "Unit": "Count"}],
        )
    except Exception as exc:  # any failure: see the module docstring
        print(f"warning: could not publish CloudWatch metric {NAMESPACE}/{metric}: {exc}", file=sys.stderr)
        return False
    return True
