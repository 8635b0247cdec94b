"""Glue's type names (as in ApplyMapping and ResolveChoice specs) and Glue-style schema printing."""

from __future__ import annotations

import re

from pyspark.sql import types as T

# Glue/Hive type name -> Spark SQL type name.
_SQL = {
    "string": "string",
    "varchar": "string",
    "char": "string",
    "long": "bigint",
    "bigint": "bigint",
    "int": "int",
    "integer": "int",
    "short": "smallint",
    "smallint": "smallint",
    "byte": "tinyint",
    "tinyint": "tinyint",
    "double": "double",
    "float": "float",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "binary": "binary",
    "decimal": "decimal(10,2)",
}
_DECIMAL = re.compile(r"^decimal\(\s*\d+\s*,\s*\d+\s*\)$")


def sql_type(glue_type: str) -> str:
    name = glue_type.strip().lower()
    if name in _SQL:
        return _SQL[name]
    if _DECIMAL.match(name) or name.startswith(("array<", "struct<", "map<")):
        return name
    if name.startswith(("varchar(", "char(")):
        return "string"
    raise ValueError(f"unknown Glue type {glue_type!r}; use one of {', '.join(sorted(_SQL))} or decimal(p,s)")


def glue_name(dtype: T.DataType) -> str:
    """Spark type -> the name Glue prints (long, int, string, struct, array, ...)."""
    names = {
        T.LongType: "long",
        T.IntegerType: "int",
        T.ShortType: "short",
        T.ByteType: "byte",
        T.StringType: "string",
        T.DoubleType: "double",
        T.FloatType: "float",
        T.BooleanType: "boolean",
        T.DateType: "date",
        T.TimestampType: "timestamp",
        T.BinaryType: "binary",
        T.NullType: "null",
        T.StructType: "struct",
        T.ArrayType: "array",
        T.MapType: "map",
    }
    for kind, name in names.items():
        if isinstance(dtype, kind):
            return name
    if isinstance(dtype, T.DecimalType):
        return f"decimal({dtype.precision},{dtype.scale})"
    return dtype.simpleString()


def schema_lines(schema: T.StructType, choices: dict[str, tuple[str, ...]]) -> list[str]:
    """Glue's printSchema layout: ``|-- name: type``, nested fields one ``|    `` deeper, choices listed."""
    lines = ["root"]

    def walk(dtype: T.DataType, depth: int) -> None:
        pad = "|    " * depth
        if isinstance(dtype, T.StructType):
            for f in dtype.fields:
                lines.append(f"{pad}|-- {f.name}: {glue_name(f.dataType)}")
                walk(f.dataType, depth + 1)
        elif isinstance(dtype, T.ArrayType):
            lines.append(f"{pad}|-- element: {glue_name(dtype.elementType)}")
            walk(dtype.elementType, depth + 1)

    for f in schema.fields:
        if f.name in choices:
            lines.append(f"|-- {f.name}: choice")
            lines.extend(f"|    |-- {kind}" for kind in choices[f.name])
        else:
            lines.append(f"|-- {f.name}: {glue_name(f.dataType)}")
            walk(f.dataType, 1)
    return lines
