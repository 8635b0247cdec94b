"""Customer cleaning: pure DataFrame -> DataFrame functions, no I/O."""

from __future__ import annotations

import datetime as dt

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

# Everything is read as text so that one bad value marks one row, not the file.
RAW_SCHEMA = StructType(
    [
        StructField(name, StringType())
        for name in (
            "customer_id",
            "first_name",
            "last_name",
            "email",
            "country",
            "birth_date",
            "signup_date",
            "updated_at",
        )
    ]
)


def type_columns(raw: DataFrame) -> DataFrame:
    """Typed columns; values that do not parse become null."""
    return raw.select(
        F.col("customer_id").cast("long").alias("customer_id"),
        F.col("first_name"),
        F.col("last_name"),
        F.col("email"),
        F.col("country"),
        F.to_date("birth_date", "yyyy-MM-dd").alias("birth_date"),
        F.to_date("signup_date", "yyyy-MM-dd").alias("signup_date"),
        F.to_timestamp("updated_at", "yyyy-MM-dd HH:mm:ss").alias("updated_at"),
    )


def normalise_text(df: DataFrame) -> DataFrame:
    """Names trimmed and title-cased, email lower-cased, country as upper-case ISO code."""
    return df.withColumns(
        {
            "first_name": F.initcap(F.trim("first_name")),
            "last_name": F.initcap(F.trim("last_name")),
            "email": F.lower(F.trim("email")),
            "country": F.upper(F.trim("country")),
        }
    )


def keep_adults(df: DataFrame, min_age: int, as_of: dt.date) -> DataFrame:
    """Customers at least ``min_age`` whole years old on ``as_of``; unknown birth dates are not adults."""
    age = F.floor(F.months_between(F.lit(as_of), F.col("birth_date")) / 12)
    return df.where(F.col("birth_date").isNotNull() & (age >= min_age))


def latest_per_customer(df: DataFrame) -> DataFrame:
    """One row per customer id: the most recently updated one; rows without an id are dropped."""
    newest_first = Window.partitionBy("customer_id").orderBy(F.col("updated_at").desc_nulls_last())
    return (
        df.where(F.col("customer_id").isNotNull())
        .withColumn("_rank", F.row_number().over(newest_first))
        .where(F.col("_rank") == 1)
        .drop("_rank")
    )


def clean_customers(raw: DataFrame, min_age: int, as_of: dt.date) -> DataFrame:
    typed = normalise_text(type_columns(raw))
    return keep_adults(latest_per_customer(typed), min_age, as_of)
