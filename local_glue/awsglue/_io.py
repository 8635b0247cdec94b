"""Reading and writing S3-style sources with Spark, with the options Glue documents.

Options from "Data format options for inputs and outputs in AWS Glue for Spark"
(https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-format.html) and
"Amazon S3 connections" (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-connect-s3-home.html).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from awsglue._local import not_available
from awsglue._s3 import to_local

LONG_RE = r"^[+-]?[0-9]+$"
DOUBLE_RE = r"^[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?$"
FORMATS = ("csv", "json", "parquet", "glueparquet", "orc")
# The choices entry of a column read as text whose type is not inferred yet (see DynamicFrame).
NOT_INFERRED: tuple[str, ...] = ()


def quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def col(name: str) -> Column:
    return F.col(quote(name))


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("["):
            return [str(v) for v in json.loads(value)]
        return [value]
    return [str(v) for v in value]


def truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def list_files(paths: Iterable[str], recurse: bool, exclusions: list[str]) -> list[str]:
    """The data files under ``paths`` (s3:// or local), as Glue's S3 source lists them."""
    files: list[str] = []
    for given in paths:
        local = Path(to_local(given))
        if local.is_file():
            candidates = [local]
        elif local.is_dir():
            candidates = sorted(p for p in (local.rglob("*") if recurse else local.iterdir()) if p.is_file())
        else:
            raise FileNotFoundError(f"{given}: no such file or folder (locally {local})")
        for path in candidates:
            rel = path.relative_to(local).as_posix() if local.is_dir() else path.name
            if any(part.startswith(("_", ".")) for part in Path(rel).parts):
                continue  # Spark/Hadoop markers (_SUCCESS, .crc) are not data
            uri = given.rstrip("/") + "/" + rel if local.is_dir() else given
            if any(fnmatch.fnmatch(uri, pat) or fnmatch.fnmatch(rel, pat) for pat in exclusions):
                continue
            files.append(str(path))
    return files


def read(
    spark: SparkSession, files: list[str], fmt: str, options: dict[str, Any]
) -> tuple[DataFrame, dict[str, tuple[str, ...]]]:
    """A DataFrame of ``files`` plus the choice columns (name -> candidate types) Glue would infer."""
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        not_available(f"format {fmt!r}", f"local reads support {', '.join(FORMATS)}")
    if not files:
        return spark.createDataFrame([], T.StructType([])), {}
    if fmt == "csv":
        return _read_csv(spark, files, options)
    if fmt == "json":
        return _read_json(spark, files, options), {}
    if fmt == "orc":
        return spark.read.orc(files), {}
    return spark.read.parquet(*files), {}


def _read_csv(spark: SparkSession, files: list[str], options: dict[str, Any]):
    header = truthy(options.get("withHeader", False))
    skip_first = truthy(options.get("skipFirst", False))
    if header and skip_first:
        not_available("csv format option skipFirst together with withHeader")
    quote_char = str(options.get("quoteChar", '"'))
    reader = (
        spark.read.option("header", header or skip_first)
        .option("sep", str(options.get("separator", ",")))
        .option("quote", "\u0000" if quote_char == "-1" else quote_char)
        .option("multiLine", truthy(options.get("multiLine", False)))
        .option("inferSchema", False)
    )
    if "escaper" in options:
        reader = reader.option("escape", str(options["escaper"]))
    df = reader.csv(files)
    if not header:  # Glue names headerless columns col0, col1, ...
        df = df.toDF(*[f"col{i}" for i in range(len(df.columns))])
    # Not typed yet: the DynamicFrame infers a column's type when an operation needs it (awsglue.dynamicframe).
    return df, dict.fromkeys(df.columns, NOT_INFERRED)


# What one value of a text column is, as bits ORed over the column: 1 long, 2 double, 4 string.
LONG, DOUBLE, STRING = 1, 2, 4


def _kind(c: Column) -> Column:
    """The kind bit of each value, with at most one regex per value (four before). Only a digit, a sign
    or a dot can start a number, so most text is typed by its first character; the regex settles the
    rest, and a DOUBLE_RE match without '.', 'e' or 'E' is exactly a LONG_RE match. The first character is
    compared as a one-character substring (Spark compares strings by their UTF-8 bytes), not through
    ``ascii()``, which makes a Java string of every value: a quarter of this pass's time on text columns."""
    first = F.substring(c, 1, 1)
    may_be_number = first.between("0", "9") | first.isin("+", "-", ".")
    integral = (F.instr(c, ".") == 0) & (F.instr(c, "e") == 0) & (F.instr(c, "E") == 0)
    number = F.when(integral, F.lit(LONG)).otherwise(F.lit(DOUBLE))
    return F.when(c.isNull(), 0).when(~may_be_number, STRING).when(c.rlike(DOUBLE_RE), number).otherwise(STRING)


def column_kinds(df: DataFrame, names: list[str]) -> dict[str, int]:
    """The kind bits seen in each of the text columns ``names``: one aggregate pass that reads only those columns
    (Spark prunes the others from a CSV scan). Whole-stage code generation is switched on for this one query:
    the local session turns it off to start small test queries sooner, but over a whole file it makes this pass
    several times faster."""
    if not names:
        return {}
    conf = df.sparkSession.conf
    key = "spark.sql.codegen.wholeStage"
    before = conf.get(key, "true")
    conf.set(key, "true")
    try:
        row = df.agg(*[F.bit_or(_kind(col(n))).alias(f"k{i}") for i, n in enumerate(names)]).first()
    finally:
        conf.set(key, before)
    return {n: row[f"k{i}"] or 0 for i, n in enumerate(names)}


def apply_kinds(df: DataFrame, kinds: dict[str, int]) -> tuple[DataFrame, dict[str, tuple[str, ...]]]:
    """Type the text columns of ``kinds`` by what was seen in them: long, double, string, or a choice of them."""
    choices: dict[str, tuple[str, ...]] = {}
    casts: dict[str, str] = {}
    for name, seen in kinds.items():
        numeric = "double" if seen & DOUBLE else "long"
        if seen & (LONG | DOUBLE) and seen & STRING:
            choices[name] = (numeric, "string")
        elif seen & (LONG | DOUBLE):
            casts[name] = "bigint" if numeric == "long" else "double"
    if casts:
        df = df.select(
            *[F.expr(f"try_cast({quote(n)} AS {casts[n]})").alias(n) if n in casts else col(n) for n in df.columns]
        )
    return df, choices


def infer_choices(df: DataFrame, names: list[str] | None = None) -> tuple[DataFrame, dict[str, tuple[str, ...]]]:
    """Type string columns per value, as a DynamicFrame does: long, double, string, or a choice of them.

    One pass over the data (one aggregate per column), as Spark's own ``inferSchema`` makes; ``names``
    limits it to those columns (default: every string column).
    """
    if names is None:
        names = [f.name for f in df.schema.fields if isinstance(f.dataType, T.StringType)]
    return apply_kinds(df, column_kinds(df, names))


_JSON_PATH = re.compile(r"^\$((?:\.[A-Za-z_][\w]*)*)\[\*\]$")


def _read_json(spark: SparkSession, files: list[str], options: dict[str, Any]) -> DataFrame:
    json_path = options.get("jsonPath")
    multi = truthy(options.get("multiLine", False)) or json_path is not None
    df = spark.read.option("multiLine", multi).json(files)
    if json_path and json_path != "$[*]":
        match = _JSON_PATH.match(str(json_path))
        if not match:
            not_available(f"jsonPath {json_path!r}", "local reads support '$[*]' and '$.a.b[*]'")
        field = match[1].lstrip(".")
        df = df.select(F.explode(F.col(field)).alias("__r")).select("__r.*")
    return df


def with_s3_compression(format_options: dict[str, Any], connection_options: dict[str, Any]) -> dict[str, Any]:
    """Format options plus the S3 connection's ``compression`` ("gzip", "bzip2", ...: "Amazon S3 connection
    option reference"), which Glue applies to what it writes; a format option of its own wins."""
    if "compression" in connection_options and "compression" not in format_options:
        return {**format_options, "compression": connection_options["compression"]}
    return dict(format_options)


def write(df: DataFrame, path: str, fmt: str, options: dict[str, Any], partition_keys: list[str]) -> None:
    """Append ``df`` under ``path`` (Glue's S3 sink adds files; it never replaces a folder)."""
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        not_available(f"format {fmt!r}", f"local writes support {', '.join(FORMATS)}")
    local = to_local(path)
    os.makedirs(local, exist_ok=True)
    if not df.columns:  # an empty DynamicFrame (e.g. a bookmarked read with nothing new): no files
        return
    writer = df.write.mode("append")
    if partition_keys:
        writer = writer.partitionBy(*partition_keys)
    if "compression" in options:
        writer = writer.option("compression", str(options["compression"]))
    if fmt == "csv":
        writer.option("header", truthy(options.get("writeHeader", True))).option(
            "sep", str(options.get("separator", ","))
        ).csv(local)
    elif fmt == "json":
        writer.json(local)
    elif fmt == "orc":
        writer.orc(local)
    else:
        writer.parquet(local)
