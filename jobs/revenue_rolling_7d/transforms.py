"""Rolling revenue: pure DataFrame -> DataFrame functions, no I/O."""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F


def dense_calendar(daily: DataFrame) -> DataFrame:
    """Every date from each country's first to last day, zero where it had no orders.

    A window over rows would otherwise treat "the last 7 rows" as 7 days.
    """
    bounds = daily.groupBy("country").agg(F.min("order_date").alias("first"), F.max("order_date").alias("last"))
    calendar = bounds.select("country", F.explode(F.sequence("first", "last")).alias("order_date"))
    return calendar.join(daily, ["country", "order_date"], "left").select(
        "country",
        "order_date",
        F.coalesce("revenue", F.lit(0).cast("decimal(18,2)")).alias("revenue"),
        F.coalesce("orders", F.lit(0).cast("long")).alias("orders"),
    )


def rolling_revenue(daily: DataFrame, window_days: int) -> DataFrame:
    """Per country and date: revenue and orders over the ``window_days`` days ending that date."""
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, got {window_days}")
    trailing = Window.partitionBy("country").orderBy("order_date").rowsBetween(-(window_days - 1), 0)
    return dense_calendar(daily).select(
        "country",
        F.col("order_date").alias("as_of_date"),
        F.sum("revenue").over(trailing).cast("decimal(18,2)").alias("revenue_window"),
        F.sum("orders").over(trailing).alias("orders_window"),
        F.count(F.when(F.col("orders") > 0, 1)).over(trailing).alias("days_with_orders"),
    )
