import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from chispa import assert_df_equality

from revenue_rolling_7d.transforms import dense_calendar, rolling_revenue

SAMPLE = Path(__file__).resolve().parent.parent / "sample" / "daily_revenue"
DAILY = "order_date date, country string, revenue decimal(18,2), orders long"


def day(n: int) -> dt.date:
    return dt.date(2024, 3, 1) + dt.timedelta(days=n)


def test_dense_calendar_fills_missing_days_with_zero(spark):
    daily = spark.createDataFrame([(day(0), "GB", Decimal("5.00"), 1), (day(2), "GB", Decimal("7.00"), 2)], DAILY)
    expected = spark.createDataFrame(
        [("GB", day(0), Decimal("5.00"), 1), ("GB", day(1), Decimal("0.00"), 0), ("GB", day(2), Decimal("7.00"), 2)],
        "country string, order_date date, revenue decimal(18,2), orders long",
    )
    assert_df_equality(dense_calendar(daily), expected, ignore_row_order=True, ignore_nullable=True)


def test_rolling_window_counts_calendar_days_not_rows(spark):
    daily = spark.createDataFrame(
        [(day(0), "GB", Decimal("1.00"), 1), (day(2), "GB", Decimal("2.00"), 1), (day(3), "GB", Decimal("4.00"), 1)],
        DAILY,
    )
    result = {r.as_of_date: (r.revenue_window, r.days_with_orders) for r in rolling_revenue(daily, 3).collect()}
    assert result == {
        day(0): (Decimal("1.00"), 1),
        day(1): (Decimal("1.00"), 1),
        day(2): (Decimal("3.00"), 2),
        day(3): (Decimal("6.00"), 2),  # day 0 has left the 3-day window
    }


def test_countries_do_not_mix(spark):
    daily = spark.createDataFrame([(day(0), "GB", Decimal("1.00"), 1), (day(0), "US", Decimal("9.00"), 3)], DAILY)
    result = {r.country: r.orders_window for r in rolling_revenue(daily, 7).collect()}
    assert result == {"GB": 1, "US": 3}


def test_window_must_be_positive(spark):
    daily = spark.createDataFrame([], DAILY)
    with pytest.raises(ValueError, match="window_days"):
        rolling_revenue(daily, 0)


def test_sample_has_one_row_per_country_and_day(spark):
    rolling = rolling_revenue(spark.read.parquet(str(SAMPLE)), 7)
    assert rolling.count() == rolling.select("country", "as_of_date").distinct().count() > 0
