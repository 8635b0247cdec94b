"""Glue entrypoint for orders_daily_revenue: orders + customers -> revenue per day and country."""

from __future__ import annotations

import sys

from glue_runtime import job_context, report_rejects, resolve_args
from orders_daily_revenue.transforms import ORDER_SCHEMA, customer_countries, daily_revenue, split_valid


def main(argv: list[str]) -> None:
    args = resolve_args(argv, ["orders_path", "customers_path", "output_path", "rejects_path", "currency"])
    with job_context(args) as ctx:
        orders = ctx.spark.read.json(args["orders_path"], schema=ORDER_SCHEMA, mode="PERMISSIVE")
        customers = ctx.spark.read.csv(args["customers_path"], header=True)
        split = split_valid(orders, customer_countries(customers), currency=args["currency"])
        split.rejected.cache()
        split.rejected.write.mode("overwrite").json(args["rejects_path"])
        daily_revenue(split.valid).write.mode("overwrite").partitionBy("order_date").parquet(args["output_path"])
        # Counts per reason in the log; on Glue also the CloudWatch metric Glue/RejectedRows.
        report_rejects(ctx, split.rejected, "rejects_path")


if __name__ == "__main__":
    main(sys.argv)
