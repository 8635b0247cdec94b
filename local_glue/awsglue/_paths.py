"""Field paths as Glue writes them: ``a.b`` is field ``b`` of struct ``a``; ``\\`a.b\\``` is one name with a dot."""

from __future__ import annotations

from pyspark.sql import types as T

from awsglue._io import quote


def split_path(path: str) -> list[str]:
    parts: list[str] = []
    current = ""
    in_ticks = False
    for ch in path:
        if ch == "`":
            in_ticks = not in_ticks
        elif ch == "." and not in_ticks:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def find(schema: T.StructType, parts: list[str], case_sensitive: bool = False) -> tuple[list[str], T.DataType] | None:
    """The real (stored) names along ``parts`` and the leaf type, or None when the path is not there."""
    names: list[str] = []
    dtype: T.DataType = schema
    for part in parts:
        if not isinstance(dtype, T.StructType):
            return None
        match = [f for f in dtype.fields if f.name == part]
        if not match and not case_sensitive:
            match = [f for f in dtype.fields if f.name.lower() == part.lower()]
        if not match:
            return None
        names.append(match[0].name)
        dtype = match[0].dataType
    return names, dtype


def sql_ref(names: list[str]) -> str:
    return ".".join(quote(n) for n in names)
