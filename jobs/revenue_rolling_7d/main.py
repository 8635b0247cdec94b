"""Glue entrypoint for revenue_rolling_7d: daily revenue -> trailing-window revenue per country."""

from __future__ import annotations

import sys

from glue_runtime import job_context, resolve_args
from revenue_rolling_7d.transforms import rolling_revenue


def main(argv: list[str]) -> None:
    args = resolve_args(argv, required={"daily_revenue_path": str, "output_path": str, "window_days": int})
    with job_context(args) as ctx:
        daily = ctx.spark.read.parquet(args["daily_revenue_path"])
        rolling = rolling_revenue(daily, window_days=args["window_days"])
        rolling.write.mode("overwrite").parquet(args["output_path"])


if __name__ == "__main__":
    main(sys.argv)
