"""local_glue's awsglue: a DynamicFrame infers its types when an operation needs them, not at read time.

"DynamicFrame class" (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-dynamic-frame.html):
"each record is self-describing, so no schema is required initially. Instead, AWS Glue computes a schema
on-the-fly when required". These tests check that (a) operations that need no types run no Spark job, and
(b) every operation gives what inferring every column at read time (the eager path) gives.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

from glue_release.runs.glue_local import LOCAL_GLUE_DIR

if str(LOCAL_GLUE_DIR) not in sys.path:
    sys.path.insert(0, str(LOCAL_GLUE_DIR))

from awsglue import _io
from awsglue._local import configure
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.transforms import ApplyMapping

# One column per kind inference can find: pure long, pure double, a long/string choice, a double/string
# choice, all null, text only ("1a5" and "3e" are text). Empty fields are nulls.
EDGE = {
    "pure_long": ["1", "-2", "+3", "007", "", "42"],
    "pure_double": ["1.5", "2", "-0.25", "1e3", "", "7."],
    "long_text": ["1", "x", "22", "", "-5", "1a5"],
    "double_text": ["1.5", "x", "3", "", "2.75", "3e"],
    "all_null": ["", "", "", "", "", ""],
    "text": ["a", "b c", "1a5", "3e", "", "z"],
}


@pytest.fixture
def glue(spark, tmp_path):
    (tmp_path / "bucket").mkdir()
    configure(s3={"bucket": str(tmp_path / "bucket")}, glue_version="5.0")
    yield GlueContext(spark.sparkContext)
    configure()


def write_csv(folder: Path, columns: dict[str, list[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = zip(*columns.values(), strict=True)
    (folder / "a.csv").write_text("\n".join([",".join(columns), *(",".join(r) for r in rows)]) + "\n")


def read(glue, prefix: str) -> DynamicFrame:
    return glue.create_dynamic_frame.from_options(
        "s3", {"paths": [f"s3://bucket/{prefix}/"]}, "csv", {"withHeader": True}
    )


def eager(frame: DynamicFrame) -> DynamicFrame:
    """The same read with every column inferred up front, as reads did before."""
    df, choices = _io.infer_choices(frame._raw)
    return DynamicFrame(df, frame.glue_ctx, frame.name, choices)


def jobs_run(spark, action) -> int:
    """How many Spark jobs ``action`` started (its own job group, read back from the status tracker)."""
    sc = spark.sparkContext
    group = f"lazy-{uuid.uuid4().hex}"
    sc.setJobGroup(group, group)
    try:
        action()
    finally:
        sc.setJobGroup("after", "after")
    return len(sc.statusTracker().getJobIdsForGroup(group))


# --- (a) no inference job where no type is needed ------------------------------------------------------------

BENCH_MAPPINGS = [  # bench/dynamicframe_vs_dataframe.py
    ("drg definition", "string", "drg", "string"),
    ("provider id", "long", "provider.id", "long"),
    ("provider city", "string", "provider.city", "string"),
    ("total discharges", "long", "discharges", "int"),
    ("average covered charges", "double", "charges.covered", "double"),
]
MEDICARE = {
    "drg definition": ["DRG 1", "DRG 2", "DRG 3"],
    "provider id": ["10001", "TEXT", "10003"],
    "provider city": ["CITY 1", "CITY 2", "CITY 3"],
    "total discharges": ["91", "14", "31"],
    "average covered charges": ["32963.07", "15131.85", "37560.37"],
}


def test_numeric_casts_and_mappings_run_no_job_beyond_reading_the_header(glue, spark, tmp_path):
    write_csv(tmp_path / "bucket" / "m", MEDICARE)
    src = str(tmp_path / "bucket" / "m")
    plain = jobs_run(spark, lambda: spark.read.option("header", True).csv(src).columns)

    def typed_without_types():
        frame = read(glue, "m").resolveChoice(specs=[("provider id", "cast:long")])
        frame = frame.rename_field("total discharges", "n").drop_fields(["provider city"])
        frame = ApplyMapping.apply(
            frame=frame,
            mappings=[("provider id", "long", "id", "long"), ("n", "int", "n", "int"), *BENCH_MAPPINGS[4:]],
        )
        return frame.toDF().columns

    assert jobs_run(spark, typed_without_types) == plain


def test_the_bench_sequence_infers_only_its_two_text_columns_once(glue, spark, tmp_path):
    write_csv(tmp_path / "bucket" / "m", MEDICARE)
    src = str(tmp_path / "bucket" / "m")
    plain = jobs_run(spark, lambda: spark.read.option("header", True).csv(src).columns)
    frame = None

    def bench_sequence():
        nonlocal frame
        frame = read(glue, "m")
        typed = frame.resolveChoice(specs=[("provider id", "cast:long")])
        return ApplyMapping.apply(frame=typed, mappings=BENCH_MAPPINGS).toDF().columns

    # string -> string must know whether the column holds numbers too (then they would turn null): one pass.
    assert jobs_run(spark, bench_sequence) == plain + 1
    assert sorted(frame._memo) == ["drg definition", "provider city"]
    assert jobs_run(spark, lambda: frame.select_fields(["drg definition"]).schema()) == 0  # remembered


# --- (b) the same results as inferring at read time ----------------------------------------------------------

LAZY_OPS = {
    "cast:long": lambda f, c: f.resolveChoice(specs=[(c, "cast:long")]),
    "cast:int": lambda f, c: f.resolveChoice(specs=[(c, "cast:int")]),
    "cast:double": lambda f, c: f.resolveChoice(specs=[(c, "cast:double")]),
    "project:long": lambda f, c: f.resolveChoice(specs=[(c, "project:long")]),
    "project:double": lambda f, c: f.resolveChoice(specs=[(c, "project:double")]),
    "long->int": lambda f, c: f.apply_mapping([(c, "long", "v", "int")]),
    "long->long": lambda f, c: f.apply_mapping([(c, "long", "v", "long")]),
    "long->double": lambda f, c: f.apply_mapping([(c, "long", "v", "double")]),
    "double->double": lambda f, c: f.apply_mapping([(c, "double", "v", "double")]),
    "double->long": lambda f, c: f.apply_mapping([(c, "double", "v", "long")]),
    "int->bigint": lambda f, c: f.apply_mapping([(c, "int", "v.x", "bigint")]),
}
INFERRING_OPS = {
    "toDF": lambda f, c: f,
    "string->string": lambda f, c: f.apply_mapping([(c, "string", "v", "string")]),
    "long->string": lambda f, c: f.apply_mapping([(c, "long", "v", "string")]),
    "cast:string": lambda f, c: f.resolveChoice(specs=[(c, "cast:string")]),
    "project:string": lambda f, c: f.resolveChoice(specs=[(c, "project:string")]),
    "cast:decimal": lambda f, c: f.resolveChoice(specs=[(c, "cast:decimal(10,2)")]),
    "make_cols": lambda f, c: f.resolveChoice(specs=[(c, "make_cols")]),
    "make_struct": lambda f, c: f.resolveChoice(specs=[(c, "make_struct")]),
    "choice=make_cols": lambda f, c: f.select_fields([c]).resolveChoice(choice="make_cols"),
    "rename": lambda f, c: f.rename_field(c, "renamed"),
    "select": lambda f, c: f.select_fields([c]),
    "drop others": lambda f, c: f.drop_fields([o for o in EDGE if o != c]),
    "repartition": lambda f, c: f.repartition(1).select_fields([c]),
    "filter": lambda f, c: f.filter(lambda r: r[c] is not None),
    "map": lambda f, c: f.map(lambda r: {"v": r[c]}),
}
# Where the lazy cast differs from the eager one (see awsglue.dynamicframe._numeric_value): the decimals of a
# (double, string) choice under an integral target. Inferring first casts their text (null); the lazy cast
# gives the truncated number, as it does (and as inferring first does) for a column of doubles.
DOUBLE_TEXT_INTEGRAL = {"cast:long", "cast:int", "project:long", "long->int", "long->long", "int->bigint"}


@pytest.fixture
def edge(glue, tmp_path):
    write_csv(tmp_path / "bucket" / "e", EDGE)
    return read(glue, "e")


def rows(frame: DynamicFrame) -> list:
    return [r.asDict(recursive=True) for r in frame.toDF().collect()]


def values(records: list[dict], column: str) -> list:
    """The result column: the mapped ``v`` (``v.x`` nested) or the resolved column itself."""
    if "v" not in records[0]:
        return [r[column] for r in records]
    return [r["v"]["x"] if isinstance(r["v"], dict) else r["v"] for r in records]


@pytest.mark.parametrize("op", sorted(LAZY_OPS))
def test_lazy_casts_give_what_inferring_first_gives(edge, spark, op):
    reference = eager(edge)
    for column in EDGE:
        made = {}
        only = edge.select_fields([column])  # so toDF has no other column to infer
        built = jobs_run(
            spark, lambda c=column, m=made, f=only: m.setdefault("frame", LAZY_OPS[op](f, c)).toDF().columns
        )
        assert built == 0, f"{op} on {column} ran a job to infer types"
        lazy, expected = rows(made["frame"]), rows(LAZY_OPS[op](reference.select_fields([column]), column))
        if column == "double_text" and op in DOUBLE_TEXT_INTEGRAL:  # "1.5", "x", "3", null, "2.75", "3e"
            assert values(expected, column) == [None, None, 3, None, None, None]
            assert values(lazy, column) == [1, None, 3, None, 2, None]
            continue
        assert lazy == expected, f"{op} on {column}"
        assert made["frame"].toDF().schema == LAZY_OPS[op](reference.select_fields([column]), column).toDF().schema


@pytest.mark.parametrize("op", sorted(INFERRING_OPS))
def test_operations_that_need_types_infer_and_give_what_inferring_first_gives(edge, op, capsys):
    reference = eager(edge)
    for column in EDGE:
        lazy_frame, eager_frame = INFERRING_OPS[op](edge, column), INFERRING_OPS[op](reference, column)
        assert rows(lazy_frame) == rows(eager_frame), f"{op} on {column}"
        assert lazy_frame.schema() == eager_frame.schema()
        lazy_frame.printSchema()
        eager_frame.printSchema()
        printed = capsys.readouterr().out.split("root\n")
        assert printed[1] == printed[2], f"{op} on {column}"
