import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from chispa import assert_df_equality

from orders_daily_revenue.transforms import (
    ORDER_SCHEMA,
    customer_countries,
    daily_revenue,
    reject_counts,
    split_valid,
)

SAMPLE = Path(__file__).resolve().parent.parent / "sample"


def orders(spark, *rows):
    return spark.createDataFrame([(*row, None) for row in rows], ORDER_SCHEMA)


def test_customer_countries_takes_latest_record_and_blanks_become_null(spark):
    # Extra columns, in any order, as in the full customer record of raw/customers/.
    customers = spark.createDataFrame(
        [
            ("1", "Ann", "es", "2024-01-01 00:00:00"),
            ("1", "Ann", " pt ", "2024-02-01 00:00:00"),
            ("2", "Bo", "", "2024-01-01 00:00:00"),
        ],
        "customer_id string, first_name string, country string, updated_at string",
    )
    expected = spark.createDataFrame([(1, "PT"), (2, None)], "customer_id long, country string")
    assert_df_equality(customer_countries(customers), expected, ignore_row_order=True, ignore_nullable=True)


def test_split_valid_names_a_reason_for_every_rejected_row(spark):
    countries = spark.createDataFrame([(1, "GB"), (2, None)], "customer_id long, country string")
    split = split_valid(
        orders(
            spark,
            ("ok", "1", "2024-03-01T10:00:00Z", "10.00", "eur", "completed"),
            ("no-customer", None, "2024-03-01T10:00:00Z", "10.00", "EUR", "completed"),
            ("bad-ts", "1", "yesterday", "10.00", "EUR", "completed"),
            ("negative", "1", "2024-03-01T10:00:00Z", "-1", "EUR", "completed"),
            ("dollars", "1", "2024-03-01T10:00:00Z", "10.00", "USD", "completed"),
            ("no-country", "2", "2024-03-01T10:00:00Z", "10.00", "EUR", "completed"),
            ("stranger", "7", "2024-03-01T10:00:00Z", "10.00", "EUR", "completed"),
        ),
        countries,
        currency="EUR",
    )
    assert [r.order_id for r in split.valid.collect()] == ["ok"]
    reasons = {r.order_id: r.reject_reason for r in split.rejected.collect()}
    assert reasons == {
        "no-customer": "missing_customer_id",
        "bad-ts": "bad_timestamp",
        "negative": "bad_amount",
        "dollars": "other_currency",
        "no-country": "unknown_country",
        "stranger": "unknown_country",
    }


def test_daily_revenue_sums_completed_orders_per_day_and_country(spark):
    valid = spark.createDataFrame(
        [
            (dt.datetime(2024, 3, 1, 9), Decimal("10.50"), "completed", "GB"),
            (dt.datetime(2024, 3, 1, 23), Decimal("4.50"), "completed", "GB"),
            (dt.datetime(2024, 3, 1, 12), Decimal("99.00"), "cancelled", "GB"),
            (dt.datetime(2024, 3, 2, 1), Decimal("1.00"), "completed", "US"),
        ],
        "order_ts timestamp, amount decimal(18,2), status string, country string",
    )
    expected = spark.createDataFrame(
        [(dt.date(2024, 3, 1), "GB", Decimal("15.00"), 2), (dt.date(2024, 3, 2), "US", Decimal("1.00"), 1)],
        "order_date date, country string, revenue decimal(18,2), orders long",
    )
    assert_df_equality(daily_revenue(valid), expected, ignore_row_order=True, ignore_nullable=True)


def test_sample_counts_every_row(spark):
    raw = spark.read.json(str(SAMPLE / "orders.jsonl"), schema=ORDER_SCHEMA, mode="PERMISSIVE").cache()
    customers = spark.read.csv(str(SAMPLE / "customers.csv"), header=True)
    split = split_valid(raw, customer_countries(customers), currency="EUR")
    counts = reject_counts(split.rejected)
    assert counts == {
        "malformed_record": 1,
        "missing_customer_id": 1,
        "bad_timestamp": 1,
        "bad_amount": 1,
        "other_currency": 1,
        "unknown_country": 1,
    }
    assert split.valid.count() + sum(counts.values()) == raw.count()
    revenue = {(r.order_date, r.country): r.revenue for r in daily_revenue(split.valid).collect()}
    assert revenue[(dt.date(2024, 3, 1), "US")] == Decimal("50.25")
    assert revenue[(dt.date(2024, 3, 2), "PT")] == Decimal("80.00")  # customer 3 moved to PT
    assert (dt.date(2024, 3, 2), "DE") not in revenue  # the cancelled order


def test_customers_without_needed_columns_are_named(spark):
    customers = spark.createDataFrame([("1", "GB")], "id string, country string")
    with pytest.raises(ValueError, match="lacks column\\(s\\) customer_id, updated_at"):
        customer_countries(customers)
