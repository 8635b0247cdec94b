"""A local, clean-room implementation of AWS Glue's Python ``awsglue`` API on plain PySpark.

Written from AWS's public documentation (AWS Glue Developer Guide, "Program AWS Glue
ETL scripts in PySpark"), never from awslabs/aws-glue-libs. Only on ``sys.path`` for
local runs and tests: Glue always uses its own ``awsglue``.
"""

from typing import Any

from awsglue import _spark_paths
from awsglue._local import NotAvailableLocally

# Spark's own readers and writers see s3:// URIs too (spark.read.parquet("s3://..."), df.write.save(...)).
_spark_paths.install()

__all__ = ["DynamicFrame", "NotAvailableLocally"]


def __getattr__(name: str) -> Any:
    # ``from awsglue import DynamicFrame``, as AWS's custom visual transform examples write it
    # ("Creating custom visual transforms in AWS Glue Studio"); imported lazily to keep this package's import light.
    if name == "DynamicFrame":
        from awsglue.dynamicframe import DynamicFrame

        return DynamicFrame
    raise AttributeError(f"module 'awsglue' has no attribute {name!r}")
