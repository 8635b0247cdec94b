"""Smoke check for customers_clean: what the deployed job wrote from the sample, beyond row counts and types.

Called by the smoke run (``glue_release.smoke``) with each output as a DataFrame;
returns the problems found. Not shipped logic: it reads, never writes.
"""

from __future__ import annotations

import datetime as dt

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

AS_OF = dt.date(2024, 6, 1)  # smoke.arguments.as_of_date in job.yaml
MIN_AGE = 18


def check(outputs: dict[str, DataFrame]) -> list[str]:
    customers = outputs.get("output_path")
    if customers is None:
        return []  # the "has data" check already reports it
    problems = []
    duplicates = customers.groupBy("customer_id").count().where("count > 1").count()
    if duplicates:
        problems.append(f"{duplicates} customer ids appear more than once; expected the latest record only")
    age = F.floor(F.months_between(F.lit(AS_OF), F.col("birth_date")) / 12)
    minors = customers.where(age < MIN_AGE).count()
    if minors:
        problems.append(f"{minors} customers younger than {MIN_AGE} on {AS_OF}")
    uncased = customers.where((F.col("email") != F.lower("email")) | (F.col("country") != F.upper("country"))).count()
    if uncased:
        problems.append(f"{uncased} rows with email not lower-case or country not upper-case")
    return problems
