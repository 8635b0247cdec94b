"""awsglue.transforms: the transform classes ("Built-in transforms",
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-transforms.html).

Each is called as ``Transform.apply(frame=..., ...)`` or ``Transform()(frame, ...)`` and delegates to
the DynamicFrame method of the same meaning. Transforms not implemented locally are importable and
raise NotAvailableLocally when called.
"""

from __future__ import annotations

from typing import Any

from awsgluedq.transforms import EvaluateDataQuality  # also importable from here, as on Glue

from awsglue._local import not_available
from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection


class GlueTransform:
    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        return cls()(*args, **kwargs)

    @classmethod
    def name(cls) -> str:
        return cls.__name__

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {"name": cls.__name__, "description": (cls.__doc__ or "").strip()}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        not_available(f"awsglue.transforms.{type(self).__name__}")


class ApplyMapping(GlueTransform):
    """Maps source fields to target fields with types; unmapped fields are dropped."""

    def __call__(
        self,
        frame: DynamicFrame,
        mappings: list,
        case_sensitive: bool = False,
        transformation_ctx: str = "",
        **kwargs: Any,
    ) -> DynamicFrame:
        return frame.apply_mapping(mappings, case_sensitive=case_sensitive, transformation_ctx=transformation_ctx)


class ResolveChoice(GlueTransform):
    """Resolves choice types: specs or choice; cast/project/make_cols/make_struct/match_catalog."""

    def __call__(
        self,
        frame: DynamicFrame,
        specs: list | None = None,
        choice: str = "",
        database: str | None = None,
        table_name: str | None = None,
        transformation_ctx: str = "",
        **kwargs: Any,
    ) -> DynamicFrame:
        return frame.resolveChoice(
            specs=specs, choice=choice, database=database, table_name=table_name, transformation_ctx=transformation_ctx
        )


class DropNullFields(GlueTransform):
    """Drops fields that are null in every record, also inside structs
    (DropNullFields class, https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-DropNullFields.html)."""

    def __call__(self, frame: DynamicFrame, transformation_ctx: str = "", **kwargs: Any) -> DynamicFrame:
        from pyspark.sql import functions as F
        from pyspark.sql import types as T

        from awsglue._paths import sql_ref

        df = frame._df
        leaves: list[list[str]] = []

        def walk(names: list[str], dtype: T.DataType) -> None:
            if isinstance(dtype, T.StructType) and dtype.fields:
                for f in dtype.fields:
                    walk([*names, f.name], f.dataType)
            else:
                leaves.append(names)

        for f in df.schema.fields:
            walk([f.name], f.dataType)
        if not leaves:
            return frame
        counts = df.agg(*[F.count(F.expr(sql_ref(p))).alias(f"c{i}") for i, p in enumerate(leaves)]).first()
        empty = [p for i, p in enumerate(leaves) if counts[f"c{i}"] == 0]
        result = frame
        # Deepest first, so a struct whose fields all go is dropped as a whole afterwards.
        for path in sorted(empty, key=len, reverse=True):
            result = result.drop_fields([".".join(f"`{n}`" for n in path)])
        for f in list(result._df.schema.fields):
            if isinstance(f.dataType, T.StructType) and not f.dataType.fields:
                result = result.drop_fields([f"`{f.name}`"])
        return DynamicFrame(result._df, frame.glue_ctx, transformation_ctx or frame.name, frame._choices)


class DropFields(GlueTransform):
    def __call__(
        self, frame: DynamicFrame, paths: list[str], transformation_ctx: str = "", **kwargs: Any
    ) -> DynamicFrame:
        return frame.drop_fields(paths, transformation_ctx=transformation_ctx)


class SelectFields(GlueTransform):
    def __call__(
        self, frame: DynamicFrame, paths: list[str], transformation_ctx: str = "", **kwargs: Any
    ) -> DynamicFrame:
        return frame.select_fields(paths, transformation_ctx=transformation_ctx)


class RenameField(GlueTransform):
    def __call__(
        self, frame: DynamicFrame, old_name: str, new_name: str, transformation_ctx: str = "", **kwargs: Any
    ) -> DynamicFrame:
        return frame.rename_field(old_name, new_name, transformation_ctx=transformation_ctx)


class Filter(GlueTransform):
    def __call__(self, frame: DynamicFrame, f: Any, transformation_ctx: str = "", **kwargs: Any) -> DynamicFrame:
        return frame.filter(f, transformation_ctx=transformation_ctx)


class Map(GlueTransform):
    def __call__(self, frame: DynamicFrame, f: Any, transformation_ctx: str = "", **kwargs: Any) -> DynamicFrame:
        return frame.map(
            f,
            transformation_ctx=transformation_ctx,
            stageThreshold=kwargs.get("stageThreshold", 0),
            totalThreshold=kwargs.get("totalThreshold", 0),
        )


class Join(GlueTransform):
    def __call__(
        self,
        frame1: DynamicFrame,
        frame2: DynamicFrame,
        keys1: list[str],
        keys2: list[str],
        transformation_ctx: str = "",
        **kwargs: Any,
    ) -> DynamicFrame:
        keys1 = [keys1] if isinstance(keys1, str) else keys1
        keys2 = [keys2] if isinstance(keys2, str) else keys2
        return frame1.join(keys1, keys2, frame2, transformation_ctx=transformation_ctx)


class Relationalize(GlueTransform):
    def __call__(
        self,
        frame: DynamicFrame,
        staging_path: str | None = None,
        name: str = "roottable",
        options: Any = None,
        transformation_ctx: str = "",
        **kwargs: Any,
    ) -> DynamicFrameCollection:
        return frame.relationalize(name, staging_path, options, transformation_ctx=transformation_ctx)


class SelectFromCollection(GlueTransform):
    def __call__(
        self, dfc: DynamicFrameCollection, key: str, transformation_ctx: str = "", **kwargs: Any
    ) -> DynamicFrame:
        return dfc.select(key)


class ErrorsAsDynamicFrame(GlueTransform):
    def __call__(self, frame: DynamicFrame, **kwargs: Any) -> DynamicFrame:
        return frame.errorsAsDynamicFrame()


class UnnestFrame(GlueTransform):
    def __call__(self, frame: DynamicFrame, transformation_ctx: str = "", **kwargs: Any) -> DynamicFrame:
        return frame.unnest(transformation_ctx=transformation_ctx)


class Spigot(GlueTransform):
    """Writes a sample of the records to S3 (JSON) and passes the frame on unchanged."""

    def __call__(
        self, frame: DynamicFrame, path: str, options: dict | None = None, transformation_ctx: str = "", **kwargs: Any
    ) -> DynamicFrame:
        return frame.spigot(path, options, transformation_ctx=transformation_ctx)


def _names(transform: str, name1: str | None, name2: str | None) -> tuple[str, str]:
    if not name1 or not name2:
        raise ValueError(f"{transform}: pass name1 and name2, the names of the two frames it returns")
    return name1, name2


class SplitFields(GlueTransform):
    """Splits a frame in two by fields: name1 gets ``paths``, name2 the rest."""

    def __call__(
        self,
        frame: DynamicFrame,
        paths: list[str],
        name1: str | None = None,
        name2: str | None = None,
        transformation_ctx: str = "",
        **kwargs: Any,
    ) -> DynamicFrameCollection:
        return frame.split_fields(paths, *_names("SplitFields", name1, name2), transformation_ctx=transformation_ctx)


class SplitRows(GlueTransform):
    """Splits a frame in two by rows: name1 gets the records meeting every comparison, name2 the others."""

    def __call__(
        self,
        frame: DynamicFrame,
        comparison_dict: dict,
        name1: str | None = None,
        name2: str | None = None,
        transformation_ctx: str = "",
        **kwargs: Any,
    ) -> DynamicFrameCollection:
        names = _names("SplitRows", name1, name2)
        return frame.split_rows(comparison_dict, *names, transformation_ctx=transformation_ctx)


class Unbox(GlueTransform):
    """Parses a string field holding JSON into the structure it encodes."""

    def __call__(
        self, frame: DynamicFrame, path: str, format: str, transformation_ctx: str = "", **kwargs: Any
    ) -> DynamicFrame:
        return frame.unbox(path, format, transformation_ctx=transformation_ctx, **kwargs)


class FlatMap(GlueTransform):
    """Applies a transform to every frame of a collection; a collection it returns is flattened into the result."""

    def __call__(
        self,
        dfc: DynamicFrameCollection,
        BaseTransform: Any,
        frame_name: str,
        transformation_ctx: str = "",
        **base_kwargs: Any,
    ) -> DynamicFrameCollection:
        return dfc.flatmap(lambda frame, ctx: BaseTransform.apply(**{frame_name: frame}, **base_kwargs))


# Importable so scripts load; calling them says they are not available locally.
_NOT_LOCAL = [
    "FillMissingValues",
    "FindIncrementalMatches",
    "FindMatches",
    "MapToCollection",
    "DropDuplicates",
]
for _name in _NOT_LOCAL:
    globals()[_name] = type(_name, (GlueTransform,), {"__doc__": f"{_name}: not available locally."})

__all__ = [
    "ApplyMapping",
    "DropFields",
    "DropNullFields",
    "ErrorsAsDynamicFrame",
    "EvaluateDataQuality",
    "Filter",
    "GlueTransform",
    "Join",
    "Map",
    "Relationalize",
    "RenameField",
    "ResolveChoice",
    "SelectFields",
    "SelectFromCollection",
    "Spigot",
    "SplitFields",
    "SplitRows",
    "FlatMap",
    "Unbox",
    "UnnestFrame",
    *_NOT_LOCAL,
]
