"""Daily revenue per country: pure DataFrame -> DataFrame functions, no I/O.

Bad rows are never dropped silently: ``split_valid`` returns them with the
reason, the entrypoint writes them out and logs the counts per reason.
"""

from __future__ import annotations

from typing import NamedTuple

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

ORDER_SCHEMA = StructType(
    [
        StructField("order_id", StringType()),
        StructField("customer_id", StringType()),
        StructField("order_ts", StringType()),
        StructField("amount", StringType()),
        StructField("currency", StringType()),
        StructField("status", StringType()),
        # Spark's PERMISSIVE JSON reader puts unparseable lines here.
        StructField("_corrupt_record", StringType()),
    ]
)
# Customer files are read by header name, not position: raw/customers/ carries the
# full customer record (see customers_clean), of which this job needs three columns.
CUSTOMER_COLUMNS = ("customer_id", "country", "updated_at")
AMOUNT = "decimal(18,2)"


class Split(NamedTuple):
    valid: DataFrame
    rejected: DataFrame


def customer_countries(customers: DataFrame) -> DataFrame:
    """customer_id -> country from each customer's latest record, so the join cannot fan out."""
    missing = [c for c in CUSTOMER_COLUMNS if c not in customers.columns]
    if missing:
        raise ValueError(f"customers input lacks column(s) {', '.join(missing)}; has {', '.join(customers.columns)}")
    newest_first = Window.partitionBy("customer_id").orderBy(F.col("updated_at").desc_nulls_last())
    return (
        customers.select(
            F.col("customer_id").cast("long").alias("customer_id"),
            F.upper(F.trim("country")).alias("country"),
            F.to_timestamp("updated_at", "yyyy-MM-dd HH:mm:ss").alias("updated_at"),
        )
        .where(F.col("customer_id").isNotNull())
        .withColumn("_rank", F.row_number().over(newest_first))
        .where("_rank = 1")
        .select("customer_id", F.nullif(F.col("country"), F.lit("")).alias("country"))
    )


def split_valid(orders: DataFrame, countries: DataFrame, currency: str) -> Split:
    """Typed, joined orders that can be counted, and the rest with a ``reject_reason``.

    The first failing rule names the reason, in the order listed below.
    """
    typed = orders.select(
        "order_id",
        F.col("customer_id").cast("long").alias("customer_id"),
        F.to_timestamp("order_ts").alias("order_ts"),
        F.col("amount").cast(AMOUNT).alias("amount"),
        F.upper("currency").alias("currency"),
        F.lower("status").alias("status"),
        "_corrupt_record",
    ).join(countries, "customer_id", "left")
    reason = (
        F.when(F.col("_corrupt_record").isNotNull(), "malformed_record")
        .when(F.col("customer_id").isNull(), "missing_customer_id")
        .when(F.col("order_ts").isNull(), "bad_timestamp")
        .when(F.col("amount").isNull() | (F.col("amount") < 0), "bad_amount")
        .when(F.col("currency") != F.lit(currency.upper()), "other_currency")
        .when(F.col("country").isNull(), "unknown_country")
    )
    checked = typed.withColumn("reject_reason", reason)
    return Split(
        valid=checked.where(F.col("reject_reason").isNull()).drop("reject_reason", "_corrupt_record"),
        rejected=checked.where(F.col("reject_reason").isNotNull()),
    )


def daily_revenue(valid: DataFrame) -> DataFrame:
    """Completed revenue and order count per order date (UTC) and country."""
    return (
        valid.where(F.col("status") == "completed")
        .groupBy(F.to_date("order_ts").alias("order_date"), "country")
        .agg(F.sum("amount").cast(AMOUNT).alias("revenue"), F.count("*").alias("orders"))
    )


def reject_counts(rejected: DataFrame) -> dict[str, int]:
    return {r["reject_reason"]: r["count"] for r in rejected.groupBy("reject_reason").count().collect()}
