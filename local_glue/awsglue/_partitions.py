"""A catalog table's partition columns, from the ``key=value`` folders its files sit in.

A Data Catalog read returns the table's partition keys as columns (last, typed as the catalog says), and
``push_down_predicate`` / ``catalogPartitionPredicate`` filter on them ("Managing partitions for ETL output
in AWS Glue", https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-partitions.html). Locally a
read lists the data files itself, so the values come from each file's path.
"""

from __future__ import annotations

import re

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from awsglue._types import sql_type


def with_partition_columns(df: DataFrame, keys: list[tuple[str, str]]) -> DataFrame:
    """``df`` plus one column per (name, Glue type) partition key, its value taken from ``/name=value/`` in the
    path of the file each row came from (null for a file outside such a folder)."""
    if not keys or not df.columns:
        return df
    source = F.input_file_name()
    cols = []
    for name, kind in keys:
        if name.lower() in (c.lower() for c in df.columns):
            continue  # the files carry the column themselves
        raw = F.regexp_extract(source, f"/{re.escape(name)}=([^/]*)/", 1)
        value = F.url_decode(raw) if hasattr(F, "url_decode") else raw  # Hive escapes '/', '=' ... as %XX
        cols.append(F.when(raw == "", None).otherwise(value).cast(sql_type(kind)).alias(name))
    return df.select("*", *cols)
