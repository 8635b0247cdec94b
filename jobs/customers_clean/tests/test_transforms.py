import datetime as dt
from pathlib import Path

from chispa import assert_df_equality

from customers_clean.transforms import (
    RAW_SCHEMA,
    clean_customers,
    keep_adults,
    latest_per_customer,
    normalise_text,
    type_columns,
)

SAMPLE = Path(__file__).resolve().parent.parent / "sample" / "customers.csv"
AS_OF = dt.date(2024, 6, 1)


def raw_rows(spark, *rows):
    return spark.createDataFrame(list(rows), RAW_SCHEMA)


def test_type_columns_turns_bad_values_into_nulls(spark):
    df = type_columns(raw_rows(spark, ("x1", "a", "b", "e", "gb", "1990-13-45", "2024-01-01", "garbage")))
    row = df.first()
    assert (row.customer_id, row.birth_date, row.signup_date, row.updated_at) == (None, None, dt.date(2024, 1, 1), None)


def test_normalise_text_trims_and_cases(spark):
    df = spark.createDataFrame(
        [("  alice ", "SMITH", " A.B@Example.COM ", " gb")],
        "first_name string, last_name string, email string, country string",
    )
    expected = spark.createDataFrame(
        [("Alice", "Smith", "a.b@example.com", "GB")],
        "first_name string, last_name string, email string, country string",
    )
    assert_df_equality(normalise_text(df), expected)


def test_keep_adults_uses_whole_years_on_the_as_of_date(spark):
    df = spark.createDataFrame(
        [(1, dt.date(2006, 6, 1)), (2, dt.date(2006, 6, 2)), (3, None)], "customer_id long, birth_date date"
    )
    assert [r.customer_id for r in keep_adults(df, 18, AS_OF).collect()] == [1]


def test_latest_per_customer_keeps_newest_and_drops_missing_ids(spark):
    df = spark.createDataFrame(
        [
            (1, "old", dt.datetime(2024, 1, 1)),
            (1, "new", dt.datetime(2024, 2, 1)),
            (2, "only", None),
            (None, "no id", dt.datetime(2024, 3, 1)),
        ],
        "customer_id long, tag string, updated_at timestamp",
    )
    expected = spark.createDataFrame(
        [(1, "new", dt.datetime(2024, 2, 1)), (2, "only", None)], "customer_id long, tag string, updated_at timestamp"
    )
    assert_df_equality(latest_per_customer(df), expected, ignore_row_order=True)


def test_clean_customers_on_the_sample(spark):
    raw = spark.read.csv(str(SAMPLE), header=True, schema=RAW_SCHEMA)
    result = {r.customer_id: r for r in clean_customers(raw, min_age=18, as_of=AS_OF).collect()}
    # 2 and 4 are minors, 5 has no valid birth date, the row without an id is dropped.
    assert sorted(result) == [1, 3, 6, 7]
    assert (result[1].first_name, result[1].last_name, result[1].email) == ("Alice", "Smith", "alice.smith@example.com")
    assert result[3].last_name == "Díaz-ruiz"  # the newer of the two records for id 3
    assert result[3].signup_date == dt.date(2024, 1, 6)
