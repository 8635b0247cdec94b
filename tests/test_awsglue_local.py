"""local_glue's awsglue: the documented semantics, one test each, on the session ``spark``.

Each test names the AWS Glue documentation page whose behaviour it checks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.sql import Row

from glue_release.runs.glue_local import LOCAL_GLUE_DIR

if str(LOCAL_GLUE_DIR) not in sys.path:
    sys.path.insert(0, str(LOCAL_GLUE_DIR))

from awsglue import NotAvailableLocally, transforms
from awsglue._local import configure
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection
from awsglue.job import Job
from awsglue.utils import GlueArgumentError, getResolvedOptions

GET_RESOLVED_OPTIONS = (
    "https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-get-resolved-options.html"
)
MIGRATING_60 = "https://docs.aws.amazon.com/glue/latest/dg/migrating-version-60.html"


@pytest.fixture
def glue(spark, tmp_path):
    """A GlueContext whose s3://bucket is tmp_path/bucket; settings reset afterwards."""
    (tmp_path / "bucket").mkdir()
    configure(
        s3={"bucket": str(tmp_path / "bucket")},
        catalog_dir=str(tmp_path / "catalog"),
        bookmarks_dir=str(tmp_path / "bm"),
        glue_version="5.0",
    )
    yield GlueContext(spark.sparkContext)
    configure()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- getResolvedOptions (GET_RESOLVED_OPTIONS) --------------------------------------------------------------


def test_resolved_options_required_unknown_ignored_equals_and_last_wins(glue):
    argv = ["script.py", "--JOB_NAME", "j", "--day=1", "--other", "x", "--day", "2"]
    args = getResolvedOptions(argv, ["JOB_NAME", "day"])
    assert (args["JOB_NAME"], args["day"]) == ("j", "2")
    assert "other" not in args
    with pytest.raises(GlueArgumentError, match="the following arguments are required: --hour"):
        getResolvedOptions(argv, ["JOB_NAME", "hour"])


def test_resolved_options_hyphens_come_back_as_underscores_and_glue_keys_are_present(glue):
    args = getResolvedOptions(["s.py", "--my-arg", "v", "--job-bookmark-option", "job-bookmark-enable"], ["my-arg"])
    assert args["my_arg"] == "v"
    assert args["job_bookmark_option"] == "job-bookmark-enable"
    assert {"job_bookmark_from", "job_bookmark_to", "TempDir", "JOB_ID", "JOB_RUN_ID"} <= set(args)
    assert getResolvedOptions(["s.py"], [])["job_bookmark_option"] == "job-bookmark-disable"


def test_resolved_options_refuses_a_reserved_name(glue):
    with pytest.raises(RuntimeError, match="reserved arguments --job_bookmark_option"):
        getResolvedOptions(["s.py", "--job_bookmark_option", "x"], ["job_bookmark_option"])


def test_abbreviations_are_accepted_on_5x_and_rejected_on_60_unless_allowed(glue):
    # 5.x runs Python 3.11 argparse with abbreviations on; 6.0 turns them off (MIGRATING_60).
    argv = ["s.py", "--input", "s3://b/k"]
    assert getResolvedOptions(argv, ["input_path"])["input_path"] == "s3://b/k"
    configure(glue_version="6.0")
    with pytest.raises(GlueArgumentError, match="required: --input_path"):
        getResolvedOptions(argv, ["input_path"])
    assert getResolvedOptions(argv, ["input_path"], allow_abbrev=True)["input_path"] == "s3://b/k"


# --- ApplyMapping (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-ApplyMapping.html)


def test_apply_mapping_drops_unmapped_nests_dotted_targets_and_matches_case_insensitively(glue, spark):
    df = spark.createDataFrame([Row(**{"Name": "ann", "a.b": "7", "extra": 1, "s": Row(x="1.5")})])
    frame = DynamicFrame.fromDF(df, glue, "in")
    out = transforms.ApplyMapping.apply(
        frame=frame,
        mappings=[
            ("name", "string", "person.name", "string"),
            ("`a.b`", "string", "person.age", "int"),
            ("s.x", "string", "score", "double"),
        ],
    ).toDF()
    expected = spark.createDataFrame(
        [Row(person=Row(name="ann", age=7), score=1.5)], "person struct<name:string,age:int>, score double"
    )
    assert_df_equality(out, expected, ignore_nullable=True)


# --- ResolveChoice (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-ResolveChoice.html)


@pytest.fixture
def medicare(glue, tmp_path):
    write(tmp_path / "bucket" / "m" / "a.csv", "drg,provider id,n\nA,1,91\nB,2,14\nC,XX,31\n")
    return glue.create_dynamic_frame.from_options("s3", {"paths": ["s3://bucket/m/"]}, "csv", {"withHeader": True})


def test_a_column_of_numbers_and_text_is_a_choice_until_resolved(medicare, capsys):
    medicare.printSchema()
    assert "|-- provider id: choice\n|    |-- long\n|    |-- string\n|-- n: long" in capsys.readouterr().out


def test_resolve_choice_actions_as_documented(medicare, capsys):
    cast = medicare.resolveChoice(specs=[("provider id", "cast:long")]).toDF()
    assert [r["provider id"] for r in cast.collect()] == [1, 2, None]
    project = medicare.resolveChoice(specs=[("provider id", "project:string")]).toDF()
    assert [r["provider id"] for r in project.collect()] == [None, None, "XX"]
    cols = medicare.resolveChoice(specs=[("provider id", "make_cols")])
    # The resolve_choice example's schema: <name>_long in place, <name>_string appended.
    assert cols.toDF().columns == ["drg", "provider id_long", "n", "provider id_string"]
    struct = medicare.resolveChoice(specs=[("provider id", "make_struct")])
    struct.printSchema()
    assert "|-- provider id: struct\n|    |-- long: long\n|    |-- string: string" in capsys.readouterr().out
    assert medicare.resolveChoice(choice="cast:string").toDF().schema["provider id"].dataType.simpleString() == "string"


def test_text_that_only_looks_like_a_number_stays_text(glue, tmp_path):
    # "1a5" and "3e" are strings in a long/string choice: the number patterns' "." and "e" are literal.
    write(tmp_path / "bucket" / "t" / "a.csv", "id\n1\n1a5\n3e\n")
    frame = glue.create_dynamic_frame.from_options("s3", {"paths": ["s3://bucket/t/"]}, "csv", {"withHeader": True})
    text = frame.resolveChoice(specs=[("id", "project:string")]).toDF()
    assert [r["id"] for r in text.collect()] == [None, "1a5", "3e"]


def test_resolve_choice_specs_and_choice_are_exclusive(medicare):
    with pytest.raises(ValueError, match="either specs or choice"):
        medicare.resolveChoice(specs=[("provider id", "cast:long")], choice="make_cols")


def test_resolve_choice_match_catalog_casts_to_the_catalog_type(medicare, tmp_path):
    write(
        tmp_path / "catalog" / "db" / "t.yaml",
        "location: s3://bucket/m/\nformat: csv\ncolumns:\n  - {name: provider id, type: bigint}\n",
    )
    out = medicare.resolveChoice(choice="match_catalog", database="db", table_name="t").toDF()
    assert out.schema["provider id"].dataType.simpleString() == "bigint"


# --- DropNullFields (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-DropNullFields.html)


def test_drop_null_fields_drops_fields_null_in_every_record_also_in_structs(glue, spark):
    df = spark.createDataFrame(
        [(1, None, (None, "x")), (2, None, (None, None))], "id int, gone string, s struct<empty:string, kept:string>"
    )
    out = transforms.DropNullFields.apply(frame=DynamicFrame.fromDF(df, glue, "d")).toDF()
    assert out.schema.simpleString() == "struct<id:int,s:struct<kept:string>>"


# --- Relationalize (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-Relationalize.html)


def test_relationalize_names_tables_and_columns_as_glue(glue, spark):
    df = spark.createDataFrame(
        [Row(id="p1", name=Row(first="A"), links=[Row(url="u1"), Row(url="u2")], tags=["x"])],
        "id string, name struct<first:string>, links array<struct<url:string>>, tags array<string>",
    )
    dfc = DynamicFrame.fromDF(df, glue, "p").relationalize("root", "s3://bucket/tmp/")
    assert isinstance(dfc, DynamicFrameCollection)
    assert sorted(dfc.keys()) == ["root", "root_links", "root_tags"]
    root = dfc.select("root").toDF()
    assert root.columns == ["id", "name.first", "links", "tags"]
    links = dfc.select("root_links").toDF()
    assert links.columns == ["id", "index", "links.val.url"]
    assert dfc.select("root_tags").toDF().columns == ["id", "index", "tags.val"]
    # The join key: the root's array column holds the id of its rows in the child table.
    joined = root.join(links, root["links"] == links["id"]).select("`links.val.url`", "index").collect()
    assert sorted((r[0], r[1]) for r in joined) == [("u1", 0), ("u2", 1)]


# --- Reads and writes ("Data format options", https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-format.html)


def test_csv_options(glue, tmp_path):
    write(tmp_path / "bucket" / "c" / "a.csv", "a|b\n'x|y'|2\n")
    frame = glue.create_dynamic_frame.from_options(
        "s3", {"paths": ["s3://bucket/c/"]}, "csv", {"withHeader": True, "separator": "|", "quoteChar": "'"}
    )
    assert [r.asDict() for r in frame.toDF().collect()] == [{"a": "x|y", "b": 2}]
    write(tmp_path / "bucket" / "d" / "a.csv", 'skip,me\n1,"two\nlines"\n')
    frame = glue.create_dynamic_frame.from_options(
        "s3", {"paths": ["s3://bucket/d/a.csv"]}, "csv", {"skipFirst": True, "multiLine": True}
    )
    assert [r.asDict() for r in frame.toDF().collect()] == [{"col0": 1, "col1": "two\nlines"}]


def test_json_path_and_multiline(glue, tmp_path):
    write(tmp_path / "bucket" / "j" / "a.json", json.dumps({"records": [{"k": 1}, {"k": 2}]}, indent=2))
    frame = glue.create_dynamic_frame.from_options(
        "s3", {"paths": ["s3://bucket/j/"]}, "json", {"jsonPath": "$.records[*]"}
    )
    assert sorted(r.k for r in frame.toDF().collect()) == [1, 2]
    write(tmp_path / "bucket" / "k" / "a.json", '[{"k": 3},\n {"k": 4}]')
    frame = glue.create_dynamic_frame.from_options("s3", {"paths": ["s3://bucket/k/"]}, "json", {"multiLine": True})
    assert sorted(r.k for r in frame.toDF().collect()) == [3, 4]


def test_s3_paths_recurse_and_exclusions(glue, tmp_path):
    write(tmp_path / "bucket" / "r" / "top.json", '{"k": 1}\n')
    write(tmp_path / "bucket" / "r" / "sub" / "deep.json", '{"k": 2}\n')
    write(tmp_path / "bucket" / "r" / "sub" / "skip.json", '{"k": 3}\n')

    def keys(opts):
        return sorted(r.k for r in glue.create_dynamic_frame.from_options("s3", opts, "json").toDF().collect())

    assert keys({"paths": ["s3://bucket/r/"]}) == [1]
    assert keys({"paths": ["s3://bucket/r/"], "recurse": True}) == [1, 2, 3]
    assert keys({"paths": ["s3://bucket/r/"], "recurse": True, "exclusions": '["**skip.json"]'}) == [1, 2]


def test_writes_append_and_partition_keys_make_k_v_folders(glue, spark, tmp_path):
    frame = DynamicFrame.fromDF(spark.createDataFrame([(1, "a"), (2, "b")], "n int, k string"), glue, "w")
    for fmt in ("parquet", "glueparquet"):
        target = {"path": f"s3://bucket/out_{fmt}/", "partitionKeys": ["k"]}
        glue.write_dynamic_frame.from_options(frame=frame, connection_type="s3", connection_options=target, format=fmt)
        glue.write_dynamic_frame.from_options(frame=frame, connection_type="s3", connection_options=target, format=fmt)
        out = tmp_path / "bucket" / f"out_{fmt}"
        assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["k=a", "k=b"]
        back = glue.create_dynamic_frame.from_options("s3", {"paths": [str(out)], "recurse": True}, fmt)
        assert back.count() == 4  # appended, not replaced


def test_an_unmapped_bucket_names_the_uri_and_how_to_map_it(glue):
    with pytest.raises(ValueError, match=r"s3://elsewhere/x: bucket 'elsewhere' is not mapped.*local.yaml"):
        glue.create_dynamic_frame.from_options("s3", {"paths": ["s3://elsewhere/x"]}, "json")


# --- Filter and Map (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-filter.html,
#     https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-transforms-map.html)


def test_filter_drops_records_whose_function_raises_key_value_or_type_error(glue, spark):
    df = spark.createDataFrame([("1",), ("x",), (None,)], "v string")
    frame = DynamicFrame.fromDF(df, glue, "f")
    assert transforms.Filter.apply(frame=frame, f=lambda r: int(r["v"]) > 0).count() == 1
    assert frame.filter(lambda r: r["missing"]).count() == 0


def test_map_turns_failures_into_error_records(glue, spark):
    frame = DynamicFrame.fromDF(spark.createDataFrame([("1",), ("x",)], "v string"), glue, "m")
    out = transforms.Map.apply(frame=frame, f=lambda r: {"n": int(r["v"])})
    assert [r.n for r in out.toDF().collect()] == [1]
    assert out.errorsCount() == 1
    assert "ValueError" in out.errorsAsDynamicFrame().toDF().first().error


def test_join_keeps_fields_of_both(glue, spark):
    left = DynamicFrame.fromDF(spark.createDataFrame([(1, "a")], "id int, x string"), glue, "l")
    right = DynamicFrame.fromDF(spark.createDataFrame([(1, "b"), (2, "c")], "pid int, y string"), glue, "r")
    out = transforms.Join.apply(left, right, "id", "pid").toDF()
    assert [r.asDict() for r in out.collect()] == [{"id": 1, "x": "a", "pid": 1, "y": "b"}]


# --- What is not there says so, naming the API -----------------------------------------------------------------


def test_unimplemented_apis_raise_one_clear_error(glue, medicare):
    with pytest.raises(
        NotAvailableLocally,
        match=r"^create_dynamic_frame.from_options\(connection_type='mysql'\) is not available locally",
    ):
        glue.create_dynamic_frame.from_options("mysql", {"url": "jdbc:..."})
    with pytest.raises(NotAvailableLocally, match=r"^GlueContext.extract_jdbc_conf is not available locally"):
        glue.extract_jdbc_conf("conn")
    with pytest.raises(NotAvailableLocally, match=r"^awsglue.transforms.FindMatches is not available locally"):
        transforms.FindMatches.apply(frame=medicare)
    with pytest.raises(NotAvailableLocally, match=r"^DynamicFrame.simplify_ddb_json is not available locally"):
        medicare.simplify_ddb_json()


# --- Bookmarks ("Tracking processed data using job bookmarks", https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html)


def _bookmarked_run(glue, option: str) -> int:
    job = Job(glue)
    job.init("bm_job", {"job_bookmark_option": option})
    frame = glue.create_dynamic_frame.from_options(
        "s3", {"paths": ["s3://bucket/in/"]}, "json", transformation_ctx="src"
    )
    rows = frame.count()
    job.commit()
    return rows


def test_bookmarks_enable_pause_disable(glue, tmp_path):
    write(tmp_path / "bucket" / "in" / "1.json", '{"k": 1}\n')
    assert _bookmarked_run(glue, "job-bookmark-enable") == 1
    assert _bookmarked_run(glue, "job-bookmark-enable") == 0  # nothing new
    write(tmp_path / "bucket" / "in" / "2.json", '{"k": 2}\n{"k": 3}\n')
    assert _bookmarked_run(glue, "job-bookmark-pause") == 2  # new files, state left as it was
    assert _bookmarked_run(glue, "job-bookmark-disable") == 3  # everything
    assert _bookmarked_run(glue, "job-bookmark-enable") == 2  # pause and disable did not move the bookmark
    assert _bookmarked_run(glue, "job-bookmark-enable") == 0
    assert json.loads((tmp_path / "bm" / "bm_job.json").read_text())["src"].keys() == {
        str(tmp_path / "bucket" / "in" / "1.json"),
        str(tmp_path / "bucket" / "in" / "2.json"),
    }
