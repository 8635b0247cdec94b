"""Glue entrypoint for customers_clean: read raw CSV, clean, write Parquet by signup date."""

from __future__ import annotations

import datetime as dt
import sys

from customers_clean.transforms import RAW_SCHEMA, clean_customers
from glue_runtime import job_context, resolve_args


def main(argv: list[str]) -> None:
    args = resolve_args(
        argv,
        required={"input_path": str, "output_path": str, "min_age": int},
        # Backfills pass --as_of_date; scheduled runs use the run date.
        optional={"as_of_date": ""},
    )
    as_of = dt.date.fromisoformat(args["as_of_date"]) if args["as_of_date"] else dt.date.today()
    with job_context(args) as ctx:
        raw = ctx.spark.read.csv(args["input_path"], header=True, schema=RAW_SCHEMA)
        cleaned = clean_customers(raw, min_age=args["min_age"], as_of=as_of)
        cleaned.write.mode("overwrite").partitionBy("signup_date").parquet(args["output_path"])


if __name__ == "__main__":
    main(sys.argv)
