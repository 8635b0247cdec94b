"""awsglue.gluetypes: the type names of "PySpark extension types"
(https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-types.html).

Locally ``DynamicFrame.schema()`` returns Spark's schema, so these names are Spark's own type classes:
the checks scripts make on a schema (``isinstance(field.dataType, StructType)``, ``NullType``,
``ArrayType``; AWS Glue Studio's generated "Drop Null Fields" code does exactly that) hold as on Glue.
``Field`` is Spark's ``StructField``. The Glue-only types (choice, enum, entity) never occur locally.
"""

from __future__ import annotations

from pyspark.sql.types import (
    ArrayType,
    AtomicType,
    BinaryType,
    BooleanType,
    ByteType,
    DataType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    MapType,
    NullType,
    ShortType,
    StringType,
    StructType,
    TimestampType,
)
from pyspark.sql.types import StructField as Field


class ChoiceType(DataType):
    """A field holding values of several types. Locally a choice column is reported by printSchema only."""


class EnumType(DataType):
    """Glue's enum type; never produced locally."""


class EntityType(DataType):
    """Glue's entity type; never produced locally."""


__all__ = [
    "ArrayType",
    "AtomicType",
    "BinaryType",
    "BooleanType",
    "ByteType",
    "ChoiceType",
    "DataType",
    "DateType",
    "DecimalType",
    "DoubleType",
    "EntityType",
    "EnumType",
    "Field",
    "FloatType",
    "IntegerType",
    "LongType",
    "MapType",
    "NullType",
    "ShortType",
    "StringType",
    "StructType",
    "TimestampType",
]
