"""GlueContext on a plain SparkSession ("GlueContext class",
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-glue-context.html)."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from awsglue import _io
from awsglue._local import not_available
from awsglue._s3 import to_local
from awsglue.dynamicframe import DynamicFrame, DynamicFrameReader, DynamicFrameWriter


class _DataFrameReader:
    """``glueContext.create_data_frame``: like create_dynamic_frame, but a DataFrame typed as the catalog says."""

    def __init__(self, glue_context: GlueContext) -> None:
        self._glue_context = glue_context

    def from_catalog(
        self,
        database: str | None = None,
        table_name: str | None = None,
        transformation_ctx: str = "",
        additional_options: dict | None = None,
        **kwargs: Any,
    ) -> DataFrame:
        from awsglue._catalog import load_table
        from awsglue._types import sql_type

        frame = self._glue_context.create_dynamic_frame.from_catalog(
            database=database,
            table_name=table_name,
            transformation_ctx=transformation_ctx,
            additional_options=additional_options,
            **kwargs,
        )
        table = load_table(database or kwargs.get("name_space", ""), table_name or "")
        typed = frame.resolveChoice(
            specs=[(c, "match_catalog") for c in frame._df.columns], database=table.database, table_name=table.name
        )
        df = typed._df
        for name, kind in table.columns:
            if name in df.columns:
                df = df.withColumn(name, df[_io.quote(name)].cast(sql_type(kind)))
        return df

    def from_options(
        self,
        connection_type: str,
        connection_options: dict | None = None,
        format: str | None = None,
        format_options: dict | None = None,
        transformation_ctx: str = "",
        **kwargs: Any,
    ) -> DataFrame:
        return self._glue_context.create_dynamic_frame.from_options(
            connection_type, connection_options, format, format_options, transformation_ctx, **kwargs
        ).toDF()


class _DataFrameWriter:
    def __init__(self, glue_context: GlueContext) -> None:
        self._glue_context = glue_context

    def from_catalog(
        self, frame: DataFrame, database: str | None = None, table_name: str | None = None, **kwargs: Any
    ) -> DataFrame:
        self._glue_context.write_dynamic_frame.from_catalog(
            DynamicFrame(frame, self._glue_context), database, table_name, **kwargs
        )
        return frame


class DataSink:
    """``getSink``: setFormat, setCatalogInfo, writeFrame (S3 only locally)."""

    def __init__(self, glue_context: GlueContext, connection_type: str, options: dict[str, Any]) -> None:
        if str(connection_type).lower() != "s3":
            not_available(f"getSink(connection_type={connection_type!r})")
        self._glue_context = glue_context
        self.options = dict(options)
        self.format: str | None = options.get("format")
        self.format_options: dict[str, Any] = {}
        self.catalog: tuple[str, str] | None = None

    def setFormat(self, format: str, **options: Any) -> None:
        self.format, self.format_options = format, options

    def setCatalogInfo(self, catalogDatabase: str, catalogTableName: str, catalogId: str | None = None) -> None:
        # With enableUpdateCatalog Glue updates the table's schema and partitions, and creates the table
        # when it does not exist yet ("Updating the schema, and adding new partitions in the Data Catalog
        # using AWS Glue ETL jobs", https://docs.aws.amazon.com/glue/latest/dg/update-from-job.html).
        # The local catalog is code and is never written: a table is only checked to exist when the sink
        # would not create it (then a missing table fails as on Glue).
        from awsglue._catalog import load_table

        if not _io.truthy(self.options.get("enableUpdateCatalog", False)):
            load_table(catalogDatabase, catalogTableName)
        self.catalog = (catalogDatabase, catalogTableName)

    def writeFrame(self, dynamic_frame: DynamicFrame, info: str = "") -> DynamicFrame:
        if "path" not in self.options:
            raise ValueError("getSink: pass path=s3://... to write locally")
        _io.write(
            dynamic_frame.toDF(),
            str(self.options["path"]),
            self.format or "",
            _io.with_s3_compression(self.format_options, self.options),
            _io.as_list(self.options.get("partitionKeys")),
        )
        return dynamic_frame

    def writeDataFrame(self, data_frame: DataFrame, glue_context: Any = None, info: str = "") -> DataFrame:
        self.writeFrame(DynamicFrame(data_frame, self._glue_context))
        return data_frame


class DataSource:
    """``getSource``: setFormat, getFrame (S3 only locally)."""

    def __init__(self, glue_context: GlueContext, connection_type: str, options: dict[str, Any], ctx: str) -> None:
        if str(connection_type).lower() != "s3":
            not_available(f"getSource(connection_type={connection_type!r})")
        self._glue_context, self.options, self.ctx = glue_context, dict(options), ctx
        self.format: str | None = options.pop("format", None)
        self.format_options: dict[str, Any] = {}

    def setFormat(self, format: str, **options: Any) -> None:
        self.format, self.format_options = format, options

    def getFrame(self, **_: Any) -> DynamicFrame:
        return self._glue_context.create_dynamic_frame.from_options(
            "s3", self.options, self.format, self.format_options, self.ctx
        )


class _Logger:
    """What ``get_logger`` returns on Glue is log4j's; locally the same calls go to Python logging (stderr)."""

    def __init__(self) -> None:
        self._log = logging.getLogger("awsglue")
        if not self._log.handlers:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
            self._log.addHandler(handler)
            self._log.setLevel(logging.INFO)

    def info(self, msg: Any) -> None:
        self._log.info(msg)

    def warn(self, msg: Any) -> None:
        self._log.warning(msg)

    warning = warn

    def error(self, msg: Any) -> None:
        self._log.error(msg)

    def debug(self, msg: Any) -> None:
        self._log.debug(msg)


class GlueContext:
    def __init__(self, sparkContext: Any = None, **options: Any) -> None:
        self._sc = sparkContext
        self.spark_session = SparkSession.builder.getOrCreate()
        self.create_dynamic_frame = DynamicFrameReader(self)
        self.write_dynamic_frame = DynamicFrameWriter(self)
        self.create_data_frame = _DataFrameReader(self)
        self.write_data_frame = _DataFrameWriter(self)

    # Older flat spellings of the same calls, still common in scripts.
    def create_dynamic_frame_from_options(self, *args: Any, **kwargs: Any) -> DynamicFrame:
        return self.create_dynamic_frame.from_options(*args, **kwargs)

    def create_dynamic_frame_from_catalog(self, *args: Any, **kwargs: Any) -> DynamicFrame:
        return self.create_dynamic_frame.from_catalog(*args, **kwargs)

    def create_data_frame_from_catalog(self, *args: Any, **kwargs: Any) -> DataFrame:
        return self.create_data_frame.from_catalog(*args, **kwargs)

    def create_data_frame_from_options(self, *args: Any, **kwargs: Any) -> DataFrame:
        return self.create_data_frame.from_options(*args, **kwargs)

    def write_dynamic_frame_from_options(self, *args: Any, **kwargs: Any) -> DynamicFrame:
        return self.write_dynamic_frame.from_options(*args, **kwargs)

    def write_dynamic_frame_from_catalog(self, *args: Any, **kwargs: Any) -> DynamicFrame:
        return self.write_dynamic_frame.from_catalog(*args, **kwargs)

    def write_from_options(
        self,
        frame_or_dfc: Any,
        connection_type: str,
        connection_options: dict | None = None,
        format: str | None = None,
        format_options: dict | None = None,
        transformation_ctx: str = "",
        **kwargs: Any,
    ) -> Any:
        if not isinstance(frame_or_dfc, DynamicFrame):
            not_available("write_from_options with a DynamicFrameCollection", "write each frame of it")
        return self.write_dynamic_frame.from_options(
            frame_or_dfc, connection_type, connection_options, format, format_options, transformation_ctx, **kwargs
        )

    def getSink(
        self, connection_type: str, format: str | None = None, transformation_ctx: str = "", **options: Any
    ) -> DataSink:
        return DataSink(self, connection_type, {**options, "format": format})

    def getSource(
        self, connection_type: str, format: str | None = None, transformation_ctx: str = "", **options: Any
    ) -> DataSource:
        return DataSource(self, connection_type, {**options, "format": format}, transformation_ctx)

    def purge_s3_path(self, s3_path: str, options: dict | None = None, transformation_ctx: str = "") -> None:
        """Delete files under ``s3_path`` older than ``retentionPeriod`` hours (default 168, as documented)."""
        opts = dict(options or {})
        hours = float(opts.get("retentionPeriod", 168))
        cutoff = time.time() - hours * 3600
        root = Path(to_local(s3_path))
        if not root.exists():
            return
        for path in sorted(root.rglob("*"), reverse=True):
            if path.is_file() and path.stat().st_mtime <= cutoff:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()

    def purge_table(
        self,
        database: str,
        table_name: str,
        options: dict | None = None,
        transformation_ctx: str = "",
        catalog_id: str | None = None,
    ) -> None:
        from awsglue._catalog import load_table

        self.purge_s3_path(load_table(database, table_name).location, options, transformation_ctx)

    def get_logger(self) -> _Logger:
        return _Logger()

    @property
    def sparkSession(self) -> SparkSession:
        return self.spark_session

    # On Glue, GlueContext is a pyspark SQLContext ("GlueContext class": it "wraps the Apache Spark
    # SparkContext object"), so scripts call SQLContext methods on it: glueContext.sql("..."), .read, ...
    def sql(self, sqlQuery: str) -> DataFrame:
        return self.spark_session.sql(sqlQuery)

    @property
    def read(self) -> Any:
        return self.spark_session.read

    @property
    def readStream(self) -> Any:
        return self.spark_session.readStream

    @property
    def udf(self) -> Any:
        return self.spark_session.udf

    def table(self, tableName: str) -> DataFrame:
        return self.spark_session.table(tableName)

    def createDataFrame(self, data: Any, schema: Any = None, samplingRatio: Any = None, verifySchema: bool = True):
        return self.spark_session.createDataFrame(data, schema, samplingRatio, verifySchema)

    def range(self, start: int, end: int | None = None, step: int = 1, numPartitions: int | None = None):
        return self.spark_session.range(start, end, step, numPartitions)

    def getConf(self, key: str, defaultValue: Any = None) -> Any:
        return self.spark_session.conf.get(key, defaultValue)

    def setConf(self, key: str, value: Any) -> None:
        self.spark_session.conf.set(key, value)

    def registerDataFrameAsTable(self, df: DataFrame, tableName: str) -> None:
        df.createOrReplaceTempView(tableName)

    def dropTempTable(self, tableName: str) -> None:
        self.spark_session.catalog.dropTempView(tableName)

    def cacheTable(self, tableName: str) -> None:
        self.spark_session.catalog.cacheTable(tableName)

    def uncacheTable(self, tableName: str) -> None:
        self.spark_session.catalog.uncacheTable(tableName)

    def clearCache(self) -> None:
        self.spark_session.catalog.clearCache()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *a, **k: not_available(f"GlueContext.{name}")
