"""``s3://`` paths given straight to Spark (``spark.read.parquet("s3://...")``, ``df.write.save("s3://...")``).

On Glue, Spark reads and writes S3 itself (EMRFS), so real scripts mix DataFrame reads and writes on
``s3://`` URIs with DynamicFrame calls. Locally there is no S3 filesystem in Spark (no hadoop-aws), so
those calls would fail deep in Hadoop with "No FileSystem for scheme s3". When ``awsglue`` is imported
(local runs and tests only: on Glue the real ``awsglue`` is used and this module does not exist), the
path arguments of Spark's file readers and writers go through the same mapping as every DynamicFrame
read and write (``awsglue._s3.to_local``), and an unmapped bucket fails with its one-line message.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from pyspark import RDD, SparkContext
from pyspark.sql.readwriter import DataFrameReader, DataFrameWriter

from awsglue._s3 import is_s3, to_local

_MARK = "__awsglue_local_paths__"
# The reader/writer methods whose first argument (or ``path``/``paths`` keyword) is a location.
READER_METHODS = ("load", "parquet", "json", "csv", "orc", "text")
WRITER_METHODS = ("save", "parquet", "json", "csv", "orc", "text")
# Older scripts read and write S3 through RDDs: sc.textFile("s3://..."), rdd.saveAsTextFile("s3://...").
CONTEXT_METHODS = ("textFile", "wholeTextFiles", "binaryFiles")
RDD_METHODS = ("saveAsTextFile",)


def local(value: Any) -> Any:
    """``value`` with each ``s3://`` URI in it (a string, or a list/tuple of them) as its local path."""
    if isinstance(value, str):
        return to_local(value) if is_s3(value) else value
    if isinstance(value, (list, tuple)):
        return type(value)(local(v) for v in value)
    return value


def _mapped(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        args = tuple(local(a) for a in args)  # parquet(*paths) takes several; others take one first
        for key in ("path", "paths", "name"):  # name: SparkContext.textFile(name=...)
            if key in kwargs:
                kwargs[key] = local(kwargs[key])
        return method(self, *args, **kwargs)

    setattr(call, _MARK, True)
    return call


def _mapped_option(method: Callable[..., Any]) -> Callable[..., Any]:
    """``.option("path", "s3://...")`` (then ``load()``/``save()`` without a path)."""

    @functools.wraps(method)
    def call(self: Any, key: str, value: Any) -> Any:
        return method(self, key, local(value) if str(key).lower() == "path" else value)

    setattr(call, _MARK, True)
    return call


def install() -> None:
    """Map ``s3://`` paths in Spark's readers, writers, ``SparkContext`` file reads and RDD saves (once per process)."""
    targets = (
        (DataFrameReader, READER_METHODS, _mapped),
        (DataFrameWriter, WRITER_METHODS, _mapped),
        (DataFrameReader, ("option",), _mapped_option),
        (DataFrameWriter, ("option",), _mapped_option),
        (SparkContext, CONTEXT_METHODS, _mapped),
        (RDD, RDD_METHODS, _mapped),
    )
    for cls, names, wrap in targets:
        for name in names:
            method = getattr(cls, name)
            if not getattr(method, _MARK, False):
                setattr(cls, name, wrap(method))
