"""DynamicFrame and friends on Spark DataFrames.

Behaviour follows "DynamicFrame class" (AWS Glue Developer Guide,
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-dynamic-frame.html)
and the transform pages it links. A DynamicFrame here is a DataFrame plus the columns
whose type is a *choice* (values of several types in one column, stored as their text
until ``resolveChoice`` or ``toDF`` settles them), plus the error records of ``map``.

Types are inferred when needed, not at read time. The DynamicFrame class page says "no schema is required
initially. Instead, AWS Glue computes a schema on-the-fly when required". So a CSV read leaves its text
columns *pending*: an operation that needs a column's type (schema, printSchema, toDF, make_cols,
make_struct, map, filter, join, a mapping to or from text, ...) infers just the pending columns it touches,
in one pass reading only those columns. Casting a pending column to a number (resolveChoice cast:/project:,
match_catalog, ApplyMapping from a numeric type to a numeric type) needs no inference: ``_numeric_value``
gives what inferring first gives (see there for the exact conditions).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from awsglue import _io
from awsglue._io import DOUBLE_RE, LONG_RE, NOT_INFERRED, quote
from awsglue._local import not_available
from awsglue._paths import find, split_path, sql_ref
from awsglue._types import schema_lines, sql_type

Choices = dict[str, tuple[str, ...]]
# Type names of nested fields as ``DataType.typeName()`` gives them; a mapping to one keeps the value as it is.
_COMPLEX = ("struct", "array", "map")

# Thrown by a Filter function on a record that lacks what it looks at: Glue drops that record
# (Filter class, https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-filter.html).
FILTER_DROPS = (KeyError, ValueError, TypeError)


def _sql_pattern(pattern: str) -> str:
    """A regex as a Spark SQL string literal: the parser unescapes backslashes, so double them."""
    return pattern.replace("\\", "\\\\")


def _choice_value(ref: str, kind: str) -> str:
    """SQL for the values of choice column ``ref`` that are of type ``kind`` (others null)."""
    if kind == "string":
        return f"CASE WHEN {ref} RLIKE '{_sql_pattern(DOUBLE_RE)}' THEN NULL ELSE {ref} END"
    pattern = _sql_pattern(LONG_RE if kind in ("long", "int", "short", "byte") else DOUBLE_RE)
    return f"CASE WHEN {ref} RLIKE '{pattern}' THEN try_cast({ref} AS {sql_type(kind)}) ELSE NULL END"


# Spark types a pending column can be cast to without inferring it first.
_NUMERIC = ("bigint", "int", "smallint", "tinyint", "double")


def _numeric_value(ref: str, target_sql: str) -> str:
    """SQL for a numeric target (one of ``_NUMERIC``) from the raw text ``ref`` of a pending column.

    Inferring first would give, per value, try_cast of the text (text-only and choice columns, and for
    a long column, whose longs cast exactly) or try_cast of the double (a double column). This takes the text's
    own cast and falls back to the double's, which agrees with each of those for every value, except:
    - a decimal value of a (double, string) choice column under an integral target: inferring first casts the
      text, giving null; this gives the truncated number, as for a double column;
    - integers beyond 2**53 in a double column (inferring first rounds them through double),
      integers beyond the long range in a long column (null there; a double here for a double target),
    - text that Spark's cast reads as a number although the patterns do not (" 12", " 1.5", "NaN"): inferring
      first turns a choice column's text into null under project: or a mapping from its own type, and casts it
      otherwise; this casts it.
    tests/test_awsglue_lazy.py checks both ways on one column of each kind.
    """
    if target_sql == "double":
        return f"try_cast({ref} AS double)"
    return f"coalesce(try_cast({ref} AS {target_sql}), try_cast(try_cast({ref} AS double) AS {target_sql}))"


def _safe_sql_type(glue_type: str) -> str | None:
    try:
        return sql_type(glue_type)
    except ValueError:
        return None  # an unknown type name: the eager path reports it


def _records(df: DataFrame):
    return df.rdd.map(lambda row: row.asDict(recursive=True))


class DynamicFrame:
    def __init__(
        self,
        df: DataFrame,
        glue_ctx: Any = None,
        name: str = "",
        choices: Choices | None = None,
        errors: DataFrame | None = None,
    ) -> None:
        if not isinstance(df, DataFrame):
            not_available("DynamicFrame(jdf, ...) from a Java DynamicFrame", "use DynamicFrame.fromDF(dataframe, ...)")
        self._raw = df
        self.glue_ctx = glue_ctx
        self.name = name
        given = {k: v for k, v in (choices or {}).items() if k in df.columns}
        # Settled choice columns; pending ones (text not yet inferred): name -> the read's column name.
        self._kinds: Choices = {k: v for k, v in given.items() if v != NOT_INFERRED}
        self._pending: dict[str, str] = {k: k for k, v in given.items() if v == NOT_INFERRED}
        # What inference found per read column, shared by every frame derived from one read (so it runs once).
        self._memo: dict[str, int] = {}
        self._errors = errors

    def _derive(self, df: DataFrame, kinds: Choices, pending: dict[str, str], name: str | None = None) -> DynamicFrame:
        """A frame of the same rows: pending columns stay pending (inference over them still sees the read's values)."""
        frame = DynamicFrame(df, self.glue_ctx, self.name if name is None else name, kinds, self._errors)
        frame._pending = {k: v for k, v in pending.items() if k in df.columns}
        frame._memo = self._memo
        return frame

    def _with(self, df: DataFrame, choices: Choices | None = None, name: str | None = None) -> DynamicFrame:
        return self._derive(df, self._kinds if choices is None else choices, self._pending, name)

    def _resolve(self, names: Any) -> DynamicFrame:
        """This frame with the pending columns among ``names`` inferred (one pass over those not inferred before)."""
        names = [n for n in self._pending if n in names]
        if not names:
            return self
        todo = [n for n in names if self._pending[n] not in self._memo]
        for n, seen in _io.column_kinds(self._raw, todo).items():
            self._memo[self._pending[n]] = seen
        df, choices = _io.apply_kinds(self._raw, {n: self._memo[self._pending[n]] for n in names})
        pending = {k: v for k, v in self._pending.items() if k not in names}
        return self._derive(df, {**self._kinds, **choices}, pending)

    @property
    def _df(self) -> DataFrame:
        """The data with every column typed (infers what is still pending)."""
        return self._resolve(self._pending)._raw

    @property
    def _choices(self) -> Choices:
        """The choice columns, with every column typed (infers what is still pending)."""
        return self._resolve(self._pending)._kinds

    # --- conversion -------------------------------------------------------------------------------------------
    @classmethod
    def fromDF(cls, dataframe: DataFrame, glue_ctx: Any, name: str = "") -> DynamicFrame:
        return cls(dataframe, glue_ctx, name)

    def toDF(self, options: Any = None) -> DataFrame:
        """A DataFrame; a column still of a choice type becomes a struct with one field per type."""
        frame = self._resolve(self._pending)
        if not frame._kinds:
            return frame._raw
        return frame.resolveChoice(specs=[(c, "make_struct") for c in frame._kinds])._raw

    # --- inspection -------------------------------------------------------------------------------------------
    def count(self) -> int:
        return self._raw.count()

    def schema(self) -> T.StructType:
        frame = self._resolve(self._pending)
        return frame.toDF().schema if not frame._kinds else frame._raw.schema

    def printSchema(self) -> None:
        frame = self._resolve(self._pending)
        print("\n".join(schema_lines(frame._raw.schema, frame._kinds)))

    def show(self, num_rows: int = 20) -> None:
        for row in self.toDF().limit(num_rows).collect():
            print(json.dumps(row.asDict(recursive=True), default=str))

    def getNumPartitions(self) -> int:
        return self._raw.rdd.getNumPartitions()

    def repartition(self, num_partitions: int, transformation_ctx: str = "", **_: Any) -> DynamicFrame:
        return self._with(self._raw.repartition(num_partitions))

    def coalesce(
        self, num_partitions: int, shuffle: bool = False, transformation_ctx: str = "", **_: Any
    ) -> DynamicFrame:
        return self._with(self._raw.coalesce(num_partitions))

    def errorsCount(self) -> int:
        return 0 if self._errors is None else self._errors.count()

    stageErrorsCount = errorsCount

    def errorsAsDynamicFrame(self) -> DynamicFrame:
        errors = self._errors
        if errors is None:
            errors = self._raw.sparkSession.createDataFrame([], "error string, record string")
        return DynamicFrame(errors, self.glue_ctx, f"{self.name}_errors")

    def assertErrorThreshold(self) -> None:
        return None

    def spigot(self, path: str, options: dict | None = None, transformation_ctx: str = "", **_: Any) -> DynamicFrame:
        """Spigot (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-spigot.html):
        writes a sample of the records to ``path`` as JSON (``topk``: the first N, default 100; ``prob``: each
        record with that probability, default 1) and returns this frame unchanged."""
        opts = dict(options or {})
        sample = self.toDF()
        prob = float(opts.get("prob", 1))
        if prob < 1:
            sample = sample.sample(fraction=prob)
        _io.write(sample.limit(int(opts.get("topk", 100))), path, "json", {}, [])
        return self

    # --- transforms -------------------------------------------------------------------------------------------
    def apply_mapping(
        self, mappings: list[tuple], case_sensitive: bool = False, transformation_ctx: str = "", **_: Any
    ) -> DynamicFrame:
        """ApplyMapping (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-ApplyMapping.html).

        Only mapped fields survive; a dotted target nests into structs; a backticked name is one name.
        A pending column is inferred first unless it maps from a numeric type to a numeric type.
        """
        for mapping in mappings:
            if len(mapping) != 4:
                raise ValueError(f"apply_mapping: {mapping!r} must be (source, source_type, target, target_type)")
        need = set()
        for source, source_type, _target, target_type in ((str(m) for m in mapping) for mapping in mappings):
            found = self._find_source(source, case_sensitive)
            numeric = _safe_sql_type(source_type) in _NUMERIC and _safe_sql_type(target_type) in _NUMERIC
            if found and len(found[0]) == 1 and found[0][0] in self._pending and not numeric:
                need.add(found[0][0])
        return self._resolve(need)._apply_mapping(mappings, case_sensitive, transformation_ctx)

    def _apply_mapping(self, mappings: list[tuple], case_sensitive: bool, transformation_ctx: str) -> DynamicFrame:
        tree: dict[str, Any] = {}
        for mapping in mappings:
            source, source_type, target, target_type = (str(m) for m in mapping)
            expr = self._mapped_value(source, source_type, target_type, case_sensitive)
            if expr is None:
                continue  # a record without the source field has no target field (Glue skips it)
            node = tree
            parts = split_path(target)
            for part in parts[:-1]:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise ValueError(f"apply_mapping: target {target!r} nests under a field that is not a struct")
            node[parts[-1]] = expr

        def build(node: dict[str, Any]) -> list[Any]:
            cols = []
            for name, value in node.items():
                cols.append((F.struct(*build(value)) if isinstance(value, dict) else value).alias(name))
            return cols

        return DynamicFrame(self._raw.select(*build(tree)), self.glue_ctx, transformation_ctx or self.name)

    def _find_source(self, source: str, case_sensitive: bool):
        parts = split_path(source)
        found = find(self._raw.schema, parts, case_sensitive)
        if found is None and len(parts) > 1:  # a flat column whose name has dots (fromDF of relationalize output)
            found = find(self._raw.schema, [source.replace("`", "")], case_sensitive)
        return found

    def _mapped_value(self, source: str, source_type: str, target_type: str, case_sensitive: bool):
        found = self._find_source(source, case_sensitive)
        if found is None:
            return None
        names, dtype = found
        ref = sql_ref(names)
        if isinstance(dtype, (T.StructType, T.ArrayType, T.MapType)) and target_type.strip().lower() in _COMPLEX:
            return F.expr(ref)  # ("s", "struct", "s", "struct"): what a mapping built from schema() type names says
        target_sql = sql_type(target_type)
        if len(names) == 1 and names[0] in self._pending:  # numeric to numeric (apply_mapping inferred the rest)
            return F.expr(_numeric_value(ref, target_sql))
        if len(names) == 1 and names[0] in self._kinds:
            kinds = self._kinds[names[0]]
            value = _choice_value(ref, source_type.lower()) if source_type.lower() in kinds else ref
            return F.expr(f"try_cast({value} AS {target_sql})")
        if isinstance(dtype, (T.StructType, T.ArrayType, T.MapType)) or dtype.simpleString() == target_sql:
            return F.expr(ref)
        return F.expr(f"try_cast({ref} AS {target_sql})")

    def resolveChoice(
        self,
        specs: list[tuple[str, str]] | None = None,
        choice: str = "",
        database: str | None = None,
        table_name: str | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
        catalog_id: str | None = None,
        **_: Any,
    ) -> DynamicFrame:
        """ResolveChoice (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-ResolveChoice.html)."""
        if specs is not None and choice:
            raise ValueError(
                "resolveChoice: use either specs or choice, not both (if specs is given, choice must be '')"
            )
        if specs is None and not choice:
            if database and table_name:
                choice = "match_catalog"
            else:
                return self._with(self._raw)
        if specs is None:  # every choice column: which pending columns are choices takes inferring them
            frame = self._resolve(self._pending)
            specs = [(name, choice) for name in frame._kinds]
        else:
            frame = self
        table = None
        actions: dict[str, str] = {}
        for path, action in specs:
            parts = split_path(path)
            if "[]" in path or len(parts) > 1:
                not_available(f"resolveChoice on nested path {path!r}", "top-level fields only")
            found = find(frame._raw.schema, parts, case_sensitive=True) or find(frame._raw.schema, parts)
            if found is None:
                continue
            actions[found[0][0]] = action.strip()
            if action.strip() == "match_catalog" and table is None:
                if not (database and table_name):
                    raise ValueError("resolveChoice: match_catalog needs database and table_name")
                from awsglue._catalog import load_table

                table = load_table(database, table_name)
        lazy: dict[str, str] = {}  # pending column -> the numeric type it is cast to without inferring it
        for name, action in actions.items():
            if name not in frame._pending:
                continue
            kind, _, arg = action.partition(":")
            target = (
                arg
                if kind in ("cast", "project")
                else table.column_type(name)
                if kind == "match_catalog" and table
                else None
            )
            if target and _safe_sql_type(target) in _NUMERIC:
                lazy[name] = sql_type(target)
        frame = frame._resolve([n for n in actions if n not in lazy])
        return frame._resolve_choice(actions, lazy, table, transformation_ctx)

    def _resolve_choice(
        self, actions: dict[str, str], lazy: dict[str, str], table: Any, transformation_ctx: str
    ) -> DynamicFrame:
        choices = dict(self._kinds)
        cols: list[Any] = []
        appended: list[Any] = []
        for name in self._raw.columns:
            ref = quote(name)
            action = actions.get(name)
            kinds = choices.get(name)
            if action is None:
                cols.append(F.col(ref))
                continue
            choices.pop(name, None)
            kind, _, arg = action.partition(":")
            if name in lazy:
                cols.append(F.expr(_numeric_value(ref, lazy[name])).alias(name))
            elif kind == "cast":
                cols.append(F.expr(f"try_cast({ref} AS {sql_type(arg)})").alias(name))
            elif kind == "project":
                value = _choice_value(ref, arg.lower()) if kinds else ref
                cols.append(F.expr(f"try_cast({value} AS {sql_type(arg)})").alias(name))
            elif kind == "make_cols":
                if not kinds:
                    cols.append(F.col(ref))
                    continue
                first, *rest = kinds
                cols.append(F.expr(_choice_value(ref, first)).alias(f"{name}_{first}"))
                appended += [F.expr(_choice_value(ref, k)).alias(f"{name}_{k}") for k in rest]
            elif kind == "make_struct":
                members = kinds or (self._glue_type(name),)
                parts = [F.expr(_choice_value(ref, k) if kinds else ref).alias(k) for k in members]
                cols.append(F.struct(*parts).alias(name))
            elif kind == "match_catalog":
                target = table.column_type(name) if table else None
                cols.append(F.expr(f"try_cast({ref} AS {sql_type(target)})").alias(name) if target else F.col(ref))
            else:
                raise ValueError(
                    f"resolveChoice: action {action!r} for {name!r} is not one of cast:TYPE, project:TYPE, "
                    "make_cols, make_struct, match_catalog"
                )
        pending = {k: v for k, v in self._pending.items() if k not in actions}
        return self._derive(self._raw.select(*cols, *appended), choices, pending, transformation_ctx or self.name)

    def _glue_type(self, name: str) -> str:
        from awsglue._types import glue_name

        return glue_name(self._raw.schema[name].dataType)

    def drop_fields(self, paths: list[str], transformation_ctx: str = "", **_: Any) -> DynamicFrame:
        df = self._raw
        for path in paths:
            found = find(df.schema, split_path(path))
            if found is None:
                continue
            names = found[0]
            if len(names) == 1:
                df = df.drop(names[0])
            else:
                df = df.withColumn(names[0], F.col(quote(names[0])).dropFields(".".join(names[1:])))
        return self._derive(df, self._kinds, self._pending, transformation_ctx or self.name)

    def select_fields(self, paths: list[str], transformation_ctx: str = "", **_: Any) -> DynamicFrame:
        tree: dict[str, Any] = {}
        for path in paths:
            found = find(self._raw.schema, split_path(path))
            if found is None:
                continue
            node = tree
            names = found[0]
            for n in names[:-1]:
                node = node.setdefault(n, {})
            node[names[-1]] = None

        def build(node: dict[str, Any], prefix: list[str]) -> list[Any]:
            out = []
            for name, sub in node.items():
                ref = sql_ref([*prefix, name])
                out.append(
                    F.expr(ref).alias(name) if sub is None else F.struct(*build(sub, [*prefix, name])).alias(name)
                )
            return out

        return self._derive(
            self._raw.select(*build(tree, [])), self._kinds, self._pending, transformation_ctx or self.name
        )

    def rename_field(self, oldName: str, newName: str, transformation_ctx: str = "", **_: Any) -> DynamicFrame:
        found = find(self._raw.schema, split_path(oldName))
        if found is None:
            return self._with(self._raw)
        names = found[0]
        new_parts = split_path(newName)
        value = F.expr(sql_ref(names))
        df = self._raw
        choices = dict(self._kinds)
        pending = dict(self._pending)
        if len(names) == 1 and len(new_parts) == 1:
            df = df.withColumnRenamed(names[0], new_parts[0])
            if names[0] in choices:
                choices[new_parts[0]] = choices.pop(names[0])
            if names[0] in pending:
                pending[new_parts[0]] = pending.pop(names[0])
            return self._derive(df, choices, pending, transformation_ctx or self.name)
        if names[0] in pending or new_parts[0] in pending:  # moved into or out of a struct: type it first
            return self._resolve(pending).rename_field(oldName, newName, transformation_ctx)
        # Nested: add the value at its new place, then drop the old one.
        if len(new_parts) == 1:
            df = df.withColumn(new_parts[0], value)
        else:
            df = df.withColumn(new_parts[0], F.col(quote(new_parts[0])).withField(".".join(new_parts[1:]), value))
        if len(names) == 1:
            df = df.drop(names[0])
        else:
            df = df.withColumn(names[0], F.col(quote(names[0])).dropFields(".".join(names[1:])))
        return self._derive(df, choices, pending, transformation_ctx or self.name)

    def filter(self, f: Callable[[dict], bool], transformation_ctx: str = "", **_: Any) -> DynamicFrame:
        """Filter: records for which ``f`` is true; one where ``f`` raises KeyError, ValueError or TypeError goes."""

        def keep(record: dict) -> bool:
            try:
                return bool(f(record))
            except FILTER_DROPS:
                return False

        frame = self._resolve(self._pending)  # records are typed; and inference must see the rows before filtering
        schema = frame._raw.schema
        rows = frame._raw.rdd.filter(lambda row: keep(row.asDict(recursive=True)))
        df = frame._raw.sparkSession.createDataFrame(rows, schema)
        return DynamicFrame(df, self.glue_ctx, transformation_ctx or self.name, frame._kinds)

    def map(
        self,
        f: Callable[[dict], dict],
        transformation_ctx: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
        **_: Any,
    ) -> DynamicFrame:
        """Map: ``f`` applied to every record; a record on which it raises becomes an error record, not a failure."""

        def apply(record: dict) -> tuple[bool, str]:
            try:
                return True, json.dumps(f(record), default=str)
            except Exception as exc:  # the documented contract: failures become error records
                return False, json.dumps(
                    {"error": f"{type(exc).__name__}: {exc}", "record": json.dumps(record, default=str)}
                )

        results = _records(self._df).map(apply).cache()
        spark = self._df.sparkSession
        good = results.filter(lambda r: r[0]).map(lambda r: r[1])
        bad = results.filter(lambda r: not r[0]).map(lambda r: r[1])
        df = spark.read.json(good) if not good.isEmpty() else spark.createDataFrame([], T.StructType([]))
        errors = spark.read.schema("error string, record string").json(bad)
        limit = stageThreshold or totalThreshold
        if limit and errors.count() > limit:
            raise RuntimeError(
                f"map {transformation_ctx or self.name}: {errors.count()} error records, over the threshold {limit}"
            )
        return DynamicFrame(df, self.glue_ctx, transformation_ctx or self.name, errors=errors)

    def join(
        self, paths1: list[str], paths2: list[str], frame2: DynamicFrame, transformation_ctx: str = "", **_: Any
    ) -> DynamicFrame:
        """Join: equality join of this frame's ``paths1`` with ``frame2``'s ``paths2``; all fields of both stay."""
        if len(paths1) != len(paths2):
            raise ValueError("join: paths1 and paths2 must have the same number of keys")
        left, right = self.toDF().alias("__l"), frame2.toDF().alias("__r")
        cond = None
        for k1, k2 in zip(paths1, paths2, strict=True):
            term = F.col(f"__l.{quote(k1)}") == F.col(f"__r.{quote(k2)}")
            cond = term if cond is None else cond & term
        joined = left.join(right, cond, "inner")
        same = {k2 for k1, k2 in zip(paths1, paths2, strict=True) if k1 == k2}
        cols = [F.col(f"__l.{quote(c)}") for c in left.columns]
        cols += [F.col(f"__r.{quote(c)}") for c in right.columns if c not in same]
        return DynamicFrame(joined.select(*cols), self.glue_ctx, transformation_ctx or self.name)

    def split_fields(
        self, paths: list[str], name1: str, name2: str, transformation_ctx: str = "", **_: Any
    ) -> DynamicFrameCollection:
        """SplitFields: ``name1`` holds the fields at ``paths``, ``name2`` the fields that remain."""
        chosen, rest = self.select_fields(paths), self.drop_fields(paths)
        return DynamicFrameCollection(
            {
                name1: DynamicFrame(chosen._df, self.glue_ctx, name1, chosen._choices),
                name2: DynamicFrame(rest._df, self.glue_ctx, name2, rest._choices),
            },
            self.glue_ctx,
        )

    def split_rows(
        self, comparison_dict: dict[str, dict[str, Any]], name1: str, name2: str, transformation_ctx: str = "", **_: Any
    ) -> DynamicFrameCollection:
        """SplitRows: ``name1`` holds the records whose fields meet every comparison (``{"age": {">": 10}}``),
        ``name2`` the others (a null field meets none)."""
        cond = F.lit(True)
        for path, comparisons in comparison_dict.items():
            found = find(self._df.schema, split_path(path))
            if found is None:
                raise ValueError(f"split_rows: no field {path!r}")
            ref = F.expr(sql_ref(found[0]))
            for op, value in comparisons.items():
                if op not in _COMPARATORS:
                    raise ValueError(f"split_rows: comparator {op!r} is not one of {', '.join(_COMPARATORS)}")
                cond = cond & _COMPARATORS[op](ref, F.lit(value))
        cond = F.coalesce(cond, F.lit(False))
        frame = self._resolve(self._pending)  # the comparisons need typed values; both halves keep those types
        return DynamicFrameCollection(
            {
                name1: frame._with(frame._raw.where(cond), name=name1),
                name2: frame._with(frame._raw.where(~cond), name=name2),
            },
            self.glue_ctx,
        )

    def mergeDynamicFrame(
        self,
        stage_dynamic_frame: DynamicFrame,
        primary_keys: list[str],
        transformation_ctx: str = "",
        options: dict | None = None,
        **_: Any,
    ) -> DynamicFrame:
        """mergeDynamicFrame: the staging frame's records, plus this frame's records whose primary keys are not
        in the staging frame (a staged record replaces the source records with its keys)."""
        source, stage = self.toDF(), stage_dynamic_frame.toDF()
        kept = source.join(stage.select(*[quote(k) for k in primary_keys]), list(primary_keys), "left_anti")
        merged = stage.unionByName(kept, allowMissingColumns=True)
        return DynamicFrame(merged, self.glue_ctx, transformation_ctx or self.name)

    def unbox(self, path: str, format: str, transformation_ctx: str = "", **options: Any) -> DynamicFrame:
        """Unbox: a string field holding JSON becomes the struct (or array) it encodes."""
        if str(format).lower() != "json":
            not_available(f"DynamicFrame.unbox(format={format!r})", "local runs unbox json only")
        found = find(self._df.schema, split_path(path))
        if found is None:
            raise ValueError(f"unbox: no field {path!r}")
        names = found[0]
        texts = self._df.select(F.expr(sql_ref(names)).alias("v")).where(F.col("v").isNotNull())
        spark = self._df.sparkSession
        schema = spark.read.json(texts.rdd.map(lambda r: r.v)).schema if not texts.isEmpty() else T.StringType()
        if isinstance(schema, T.StructType) and [f.name for f in schema.fields] == ["_corrupt_record"]:
            raise ValueError(f"unbox: field {path!r} does not hold JSON")
        value = F.from_json(F.expr(sql_ref(names)), schema)
        if len(names) == 1:
            df = self._df.withColumn(names[0], value)
        else:
            df = self._df.withColumn(names[0], F.col(quote(names[0])).withField(".".join(names[1:]), value))
        return DynamicFrame(df, self.glue_ctx, transformation_ctx or self.name, self._choices)

    def unnest(self, transformation_ctx: str = "", **_: Any) -> DynamicFrame:
        return DynamicFrame(_flatten(self.toDF()), self.glue_ctx, transformation_ctx or self.name)

    def relationalize(
        self,
        root_table_name: str = "roottable",
        staging_path: str | None = None,
        options: Any = None,
        transformation_ctx: str = "",
        **_: Any,
    ) -> DynamicFrameCollection:
        """Relationalize (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-Relationalize.html).

        Structs flatten to ``a.b`` columns. Each array column ``c`` of table ``t`` becomes table
        ``t_c`` with ``id`` (the value left in ``t.c``), ``index`` (position) and ``c.val`` (or
        ``c.val.<field>`` for structs). ``staging_path`` is not needed locally.
        """
        frames: dict[str, DynamicFrame] = {}
        queue: list[tuple[str, DataFrame]] = [(root_table_name, self.toDF())]
        while queue:
            name, table = queue.pop(0)
            flat = _flatten(table)
            arrays = [f.name for f in flat.schema.fields if isinstance(f.dataType, T.ArrayType)]
            if arrays:
                # Ids must agree between the table and its child tables: fix them once.
                flat = flat.withColumn("__rid", F.monotonically_increasing_id() + 1).localCheckpoint()
                for a in arrays:
                    child = flat.select(
                        F.when(F.col(quote(a)).isNotNull(), F.col("__rid")).alias("id"),
                        F.posexplode(F.col(quote(a))).alias("index", f"{a}.val"),
                    )
                    queue.append((f"{name}_{a}", child))
                flat = flat.select(
                    *[
                        F.when(F.col(quote(c)).isNotNull(), F.col("__rid")).alias(c) if c in arrays else F.col(quote(c))
                        for c in flat.columns
                        if c != "__rid"
                    ]
                )
            frames[name] = DynamicFrame(flat, self.glue_ctx, name)
        return DynamicFrameCollection(frames, self.glue_ctx)

    def __getattr__(self, name: str) -> Any:
        if name in _UNAVAILABLE_METHODS:
            return lambda *a, **k: not_available(f"DynamicFrame.{name}")
        raise AttributeError(f"'DynamicFrame' object has no attribute {name!r}")


_UNAVAILABLE_METHODS = {
    "simplify_ddb_json",
    "gs_to_timestamp",
    "flatMap",
    "drop_duplicates",
}


_COMPARATORS = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def _flatten(df: DataFrame) -> DataFrame:
    """Struct fields as top-level ``parent.child`` columns, all the way down (arrays stay)."""
    cols: list[Any] = []

    def walk(names: list[str], dtype: T.DataType) -> None:
        if isinstance(dtype, T.StructType) and dtype.fields:
            for f in dtype.fields:
                walk([*names, f.name], f.dataType)
        else:
            cols.append(F.expr(sql_ref(names)).alias(".".join(names)))

    for f in df.schema.fields:
        walk([f.name], f.dataType)
    return df.select(*cols)


class DynamicFrameCollection:
    """Named DynamicFrames (the result of relationalize, SplitFields, ...)."""

    def __init__(self, dynamic_frames: dict[str, DynamicFrame], glue_ctx: Any = None) -> None:
        self._frames = dict(dynamic_frames)
        self.glue_ctx = glue_ctx

    def keys(self):
        return self._frames.keys()

    def values(self):
        return self._frames.values()

    def __getitem__(self, key: str) -> DynamicFrame:
        return self.select(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def select(self, key: str, transformation_ctx: str = "") -> DynamicFrame:
        if key not in self._frames:
            raise KeyError(f"no frame {key!r} in this collection; it has {', '.join(self._frames)}")
        return self._frames[key]

    def map(
        self, callable: Callable[[DynamicFrame, str], DynamicFrame], transformation_ctx: str = ""
    ) -> DynamicFrameCollection:
        return DynamicFrameCollection(
            {k: callable(v, transformation_ctx) for k, v in self._frames.items()}, self.glue_ctx
        )

    def flatmap(self, f: Callable[[DynamicFrame, str], Any], transformation_ctx: str = "") -> DynamicFrameCollection:
        out: dict[str, DynamicFrame] = {}
        for key, frame in self._frames.items():
            result = f(frame, transformation_ctx)
            if isinstance(result, DynamicFrameCollection):
                out.update({f"{key}_{k}": v for k, v in result._frames.items()})
            else:
                out[key] = result
        return DynamicFrameCollection(out, self.glue_ctx)


S3_ONLY = "s3"


def _check_connection(connection_type: str, call: str = "") -> None:
    if str(connection_type).lower() != S3_ONLY:
        api = f"{call}(connection_type={connection_type!r})" if call else f"connection_type {connection_type!r}"
        not_available(api, "local runs read and write s3 (mapped to folders) only")


class DynamicFrameReader:
    """``glueContext.create_dynamic_frame``: from_options, from_catalog, from_rdd."""

    def __init__(self, glue_context: Any) -> None:
        self._glue_context = glue_context

    def from_options(
        self,
        connection_type: str,
        connection_options: dict | None = None,
        format: str | None = None,
        format_options: dict | None = None,
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        **_: Any,
    ) -> DynamicFrame:
        _check_connection(connection_type, "create_dynamic_frame.from_options")
        opts = dict(connection_options or {})
        paths = _io.as_list(opts.get("paths")) or _io.as_list(opts.get("path"))
        if not paths:
            raise ValueError(
                "create_dynamic_frame.from_options: connection_options needs 'paths' (a list of s3:// URIs)"
            )
        files = _io.list_files(paths, _io.truthy(opts.get("recurse", False)), _io.as_list(opts.get("exclusions")))
        return self._frame(files, format or "", dict(format_options or {}), transformation_ctx, push_down_predicate)

    def _frame(
        self,
        files: list[str],
        fmt: str,
        fmt_options: dict,
        ctx: str,
        predicate: str,
        lowercase: bool = False,
        partition_keys: list[tuple[str, str]] | None = None,
    ) -> DynamicFrame:
        from awsglue._bookmarks import active
        from awsglue._partitions import with_partition_columns

        session = active()
        if ctx and session is not None:
            files = session.select(ctx, files)
        df, choices = _io.read(self._glue_context.spark_session, files, fmt, fmt_options)
        df = with_partition_columns(df, partition_keys or [])
        if lowercase:  # Data Catalog column names are lower case; a catalog read sees the data by those names
            choices = {k.lower(): v for k, v in choices.items()}
            df = df.toDF(*[c.lower() for c in df.columns])
        if predicate:
            # On Glue the predicate prunes partitions before anything is read, so types are inferred from
            # the kept partitions only. It names partition columns, which are typed here, never pending.
            df = df.where(predicate)
        return DynamicFrame(df, self._glue_context, ctx, choices)

    def from_catalog(
        self,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        additional_options: dict | None = None,
        catalog_id: str | None = None,
        name_space: str | None = None,
        **_: Any,
    ) -> DynamicFrame:
        from awsglue._catalog import load_table

        database = database or name_space
        if not database or not table_name:
            raise ValueError("from_catalog needs database and table_name")
        table = load_table(database, table_name)
        extra = dict(additional_options or {})
        files = _io.list_files([table.local_path()], True, _io.as_list(extra.get("exclusions")))
        # catalogPartitionPredicate prunes partitions in the catalog before push_down_predicate; both are
        # filters on the partition columns, so locally each is a where().
        predicates = [p for p in (str(extra.get("catalogPartitionPredicate") or ""), push_down_predicate) if p]
        return self._frame(
            files,
            table.format,
            {**table.format_options, **extra},
            transformation_ctx,
            " AND ".join(f"({p})" for p in predicates),
            lowercase=True,
            partition_keys=table.partition_keys,
        )

    def from_rdd(
        self, data: Any, name: str, schema: Any = None, sample_ratio: float | None = None, transformation_ctx: str = ""
    ) -> DynamicFrame:
        df = self._glue_context.spark_session.createDataFrame(data, schema=schema, samplingRatio=sample_ratio)
        return DynamicFrame(df, self._glue_context, name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *a, **k: not_available(f"create_dynamic_frame.{name}")


class DynamicFrameWriter:
    """``glueContext.write_dynamic_frame``: from_options, from_catalog (S3 only locally)."""

    def __init__(self, glue_context: Any) -> None:
        self._glue_context = glue_context

    def from_options(
        self,
        frame: DynamicFrame,
        connection_type: str,
        connection_options: dict | None = None,
        format: str | None = None,
        format_options: dict | None = None,
        transformation_ctx: str = "",
        **_: Any,
    ) -> DynamicFrame:
        _check_connection(connection_type, "write_dynamic_frame.from_options")
        opts = dict(connection_options or {})
        if "path" not in opts:
            raise ValueError("write_dynamic_frame.from_options: connection_options needs 'path' (an s3:// URI)")
        df = frame.toDF() if isinstance(frame, DynamicFrame) else frame
        _io.write(
            df,
            str(opts["path"]),
            format or "",
            _io.with_s3_compression(dict(format_options or {}), opts),
            _io.as_list(opts.get("partitionKeys")),
        )
        return frame

    def from_catalog(
        self,
        frame: DynamicFrame,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        additional_options: dict | None = None,
        catalog_id: str | None = None,
        name_space: str | None = None,
        **_: Any,
    ) -> DynamicFrame:
        from awsglue._catalog import load_table

        table = load_table(database or name_space or "", table_name or "")
        extra = dict(additional_options or {})
        keys = _io.as_list(extra.get("partitionKeys")) or [k for k, _ in table.partition_keys]
        df = frame.toDF() if isinstance(frame, DynamicFrame) else frame
        _io.write(df, table.location, table.format, {**table.format_options, **extra}, keys)
        return frame

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *a, **k: not_available(f"write_dynamic_frame.{name}")
