"""Call shapes real public Glue scripts use that the vendored three did not: each found by running such a
script (aws-samples/aws-glue-samples, awslabs/aws-glue-blueprint-libs, aws-samples DMS CDC walkthrough) on
local_glue, and checked here against AWS's documentation of the call.
"""

from __future__ import annotations

import gzip
import sys

import pytest
from chispa import assert_df_equality

from glue_release.runs.glue_local import LOCAL_GLUE_DIR

if str(LOCAL_GLUE_DIR) not in sys.path:
    sys.path.insert(0, str(LOCAL_GLUE_DIR))

import awsglue
from awsglue import NotAvailableLocally
from awsglue._local import configure
from awsglue._s3 import UnmappedS3Uri
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.transforms import Spigot


@pytest.fixture
def glue(spark, tmp_path):
    """A GlueContext whose s3://bucket is tmp_path/bucket; settings reset afterwards."""
    (tmp_path / "bucket").mkdir()
    configure(s3={"bucket": str(tmp_path / "bucket")}, catalog_dir=str(tmp_path / "catalog"), glue_version="5.0")
    yield GlueContext(spark.sparkContext)
    configure()


def test_spark_reads_and_writes_on_s3_uris_go_to_the_mapped_folder(glue, spark, tmp_path):
    # On Glue, Spark itself reads and writes s3:// (the blueprint encoding.py: spark.read.format(f).load(input_path);
    # the DMS CDC LoadInitial job: spark.read.parquet("s3://.../LOAD*.parquet") then .write.partitionBy(...)).
    df = spark.createDataFrame([(1, "a"), (2, "b")], "id long, dept string")
    df.write.mode("overwrite").partitionBy("dept").parquet("s3://bucket/out/emp")
    assert sorted(p.name for p in (tmp_path / "bucket" / "out" / "emp").iterdir() if p.is_dir()) == [
        "dept=a",
        "dept=b",
    ]
    back = spark.read.parquet("s3://bucket/out/emp").select("id", "dept")
    assert_df_equality(back, df, ignore_row_order=True)
    df.write.format("json").save(path="s3://bucket/j")
    assert spark.read.format("json").load("s3://bucket/j").count() == 2
    with pytest.raises(UnmappedS3Uri, match="bucket 'elsewhere' is not mapped"):
        spark.read.csv("s3://elsewhere/x.csv")
    spark.read.format("json").option("path", "s3://bucket/j").load().write.option("path", "s3://bucket/k").save()
    assert spark.read.parquet(str(tmp_path / "bucket" / "k")).count() == 2
    # Older scripts go through RDDs: sc.textFile("s3://...") and rdd.saveAsTextFile("s3://...").
    spark.sparkContext.parallelize(["x", "y"], 1).saveAsTextFile("s3://bucket/txt")
    assert sorted(spark.sparkContext.textFile("s3://bucket/txt").collect()) == ["x", "y"]


def test_dynamic_frame_is_importable_from_the_package(glue):
    # "Creating custom visual transforms in AWS Glue Studio" examples write `from awsglue import DynamicFrame`.
    assert awsglue.DynamicFrame is DynamicFrame


def test_gluetypes_match_the_schema_a_dynamic_frame_reports(glue, spark):
    # AWS Glue Studio's generated Drop Null Fields code walks dyf.schema() with gluetypes' StructType/NullType.
    from awsglue.gluetypes import ArrayType, Field, NullType, StructType

    df = spark.sql("SELECT named_struct('a', 1) AS s, array(1) AS xs, NULL AS n")
    schema = DynamicFrame.fromDF(df, glue, "t").schema()
    kinds = {f.name: f.dataType for f in schema}
    assert isinstance(schema, StructType) and isinstance(kinds["s"], StructType)
    assert isinstance(kinds["xs"], ArrayType) and isinstance(kinds["n"], NullType)
    assert all(isinstance(f, Field) for f in schema)


def test_apply_mapping_from_schema_type_names_keeps_nested_fields(glue, spark):
    # The blueprint partitioning.py builds its mapping from dyf.schema(): (name, typeName(), name, typeName()),
    # so a struct field (ResolveChoice make_struct) is mapped as ("v", "struct", "v", "struct").
    df = spark.sql("SELECT 1L AS id, named_struct('int', 5, 'string', CAST(NULL AS STRING)) AS v")
    dyf = DynamicFrame.fromDF(df, glue, "t")
    mapping = [(f.name, f.dataType.typeName(), f.name, f.dataType.typeName()) for f in dyf.schema()]
    assert_df_equality(dyf.apply_mapping(mapping).toDF(), df)


def test_spigot_writes_the_first_topk_records_as_json_and_passes_the_frame_on(glue, spark, tmp_path):
    # Spigot class: "topk ... the total number of records written out"; the input frame is returned.
    dyf = DynamicFrame.fromDF(spark.range(10).toDF("id"), glue, "t")
    out = Spigot.apply(frame=dyf, path="s3://bucket/spigot", options={"topk": 3})
    assert out.count() == 10
    assert spark.read.json(str(tmp_path / "bucket" / "spigot")).count() == 3


def test_get_sink_with_enable_update_catalog_may_name_a_table_that_does_not_exist_yet(glue, spark, tmp_path):
    # "Updating the schema, and adding new partitions in the Data Catalog using AWS Glue ETL jobs": with
    # enableUpdateCatalog the sink creates the table (the blueprints' setCatalogInfo on their new output table).
    dyf = DynamicFrame.fromDF(spark.createDataFrame([(1, "x")], "id long, k string"), glue, "t")
    sink = glue.getSink(connection_type="s3", path="s3://bucket/out/", enableUpdateCatalog=True, partitionKeys=["k"])
    sink.setFormat("glueparquet")
    sink.setCatalogInfo(catalogDatabase="db", catalogTableName="new_table")
    sink.writeFrame(dyf)
    assert (tmp_path / "bucket" / "out" / "k=x").is_dir()
    plain = glue.getSink(connection_type="s3", path="s3://bucket/out2/")
    with pytest.raises(LookupError):
        plain.setCatalogInfo(catalogDatabase="db", catalogTableName="new_table")


def test_s3_connection_compression_applies_to_written_files(glue, spark, tmp_path):
    # Amazon S3 connection option reference: "compression" ("gzip", "bzip2", ...) in connection_options.
    dyf = DynamicFrame.fromDF(spark.createDataFrame([(1,)], "id long"), glue, "t")
    glue.write_dynamic_frame.from_options(
        frame=dyf,
        connection_type="s3",
        connection_options={"path": "s3://bucket/gz", "compression": "gzip"},
        format="json",
    )
    files = [p for p in (tmp_path / "bucket" / "gz").iterdir() if p.name.startswith("part-")]
    assert files and all(p.name.endswith(".json.gz") for p in files)
    assert b"".join(gzip.decompress(p.read_bytes()) for p in files).strip() == b'{"id":1}'


def test_a_connection_that_is_not_s3_names_the_call(glue, spark):
    dyf = DynamicFrame.fromDF(spark.createDataFrame([(1,)], "id long"), glue, "t")
    with pytest.raises(NotAvailableLocally, match=r"^write_dynamic_frame.from_options\(connection_type='postgresql'\)"):
        glue.write_dynamic_frame.from_options(frame=dyf, connection_type="postgresql", connection_options={})
    with pytest.raises(
        NotAvailableLocally, match=r"^create_dynamic_frame.from_options\(connection_type='custom.spark'"
    ):
        glue.create_dynamic_frame_from_options(connection_type="custom.spark", connection_options={})


def test_glue_context_answers_the_sql_context_calls_scripts_make(glue, spark):
    # On Glue GlueContext is a pyspark SQLContext: scripts call glueContext.sql(...), .read, getConf/setConf.
    spark.createDataFrame([("drama",), ("drama",), ("comedy",)], "category_name string").createOrReplaceTempView(
        "streaming_films"
    )
    got = glue.sql("SELECT category_name, count(*) AS streams FROM streaming_films GROUP BY category_name")
    assert sorted(tuple(r) for r in got.collect()) == [("comedy", 1), ("drama", 2)]
    glue.setConf("spark.sql.parquet.mergeSchema", "true")
    assert glue.getConf("spark.sql.parquet.mergeSchema") == "true"
    assert glue.read is not None and glue.read.parquet  # DataFrameReader, s3:// mapped like spark.read


# AWS Glue Studio writes this node into every visual job it generates (default ruleset "ColumnCount > 0").
STUDIO_RULESET = """
    Rules = [
        ColumnCount > 0
    ]
"""


def test_glue_studio_data_quality_node_runs_with_its_default_ruleset(glue, spark):
    from awsgluedq.transforms import EvaluateDataQuality

    dyf = DynamicFrame.fromDF(spark.createDataFrame([(1, None), (2, "x")], "id long, s string"), glue, "t")
    EvaluateDataQuality().process_rows(
        frame=dyf,
        ruleset=STUDIO_RULESET,
        publishing_options={
            "dataQualityEvaluationContext": "EvaluateDataQuality_node1",
            "enableDataQualityResultsPublishing": True,
        },
        additional_options={"dataQualityResultsPublishing.strategy": "BEST_EFFORT", "observations.scope": "ALL"},
    )
    ruleset = 'Rules = [ RowCount >= 3, ColumnCount = 2, IsComplete "id", IsComplete "s", ColumnExists "zz" ]'
    outcomes = EvaluateDataQuality().process_rows(frame=dyf, ruleset=ruleset)
    rules = outcomes[EvaluateDataQuality.DATA_QUALITY_RULE_OUTCOMES_KEY].toDF()
    assert [(r.Rule, r.Outcome) for r in rules.collect()] == [
        ("RowCount >= 3", "Failed"),  # two rows
        ("ColumnCount = 2", "Passed"),
        ('IsComplete "id"', "Passed"),
        ('IsComplete "s"', "Failed"),  # one null
        ('ColumnExists "zz"', "Failed"),
    ]
    with pytest.raises(NotAvailableLocally, match="EvaluateDataQuality rule 'Mean \"id\" > 1'"):
        EvaluateDataQuality().process_rows(frame=dyf, ruleset='Rules = [ Mean "id" > 1 ]')
    with pytest.raises(NotAvailableLocally, match="rowLevelOutcomes"):
        outcomes.select("rowLevelOutcomes")
    from awsglue.transforms import EvaluateDataQuality as FromTransforms  # the older import, transform-shaped

    assert FromTransforms.apply(frame=dyf, ruleset=STUDIO_RULESET).toDF().first().Outcome == "Passed"


def test_a_partitioned_catalog_table_reads_its_partition_columns_and_push_down_predicate_filters_them(
    glue, spark, tmp_path
):
    # "Managing partitions for ETL output in AWS Glue": partition keys are columns of a catalog read, and
    # push_down_predicate (as in from_catalog(..., push_down_predicate="year = '2024'")) filters on them.
    for year, ids in (("2023", [1, 2]), ("2024", [3])):
        folder = tmp_path / "bucket" / "events" / f"year={year}"
        folder.mkdir(parents=True)
        (folder / "part.json").write_text("".join(f'{{"id": {i}}}\n' for i in ids))
    table = tmp_path / "catalog" / "db" / "events.yaml"
    table.parent.mkdir(parents=True)
    table.write_text(
        "location: s3://bucket/events/\nformat: json\ncolumns:\n  - {name: id, type: bigint}\n"
        "partition_keys:\n  - {name: year, type: string}\n"
    )
    everything = glue.create_dynamic_frame.from_catalog(database="db", table_name="events").toDF()
    assert everything.columns == ["id", "year"] and dict(everything.dtypes)["year"] == "string"
    assert sorted(tuple(r) for r in everything.collect()) == [(1, "2023"), (2, "2023"), (3, "2024")]
    pruned = glue.create_dynamic_frame.from_catalog(
        database="db", table_name="events", push_down_predicate="year = '2024'"
    )
    assert [tuple(r) for r in pruned.toDF().collect()] == [(3, "2024")]
    by_catalog = glue.create_dynamic_frame.from_catalog(
        database="db", table_name="events", additional_options={"catalogPartitionPredicate": "year < '2024'"}
    )
    assert by_catalog.count() == 2


def test_push_down_predicate_prunes_before_types_are_inferred(glue, tmp_path):
    # "Pre-filtering using pushdown predicates": Glue reads only the partitions the predicate keeps, so a
    # column is typed from those alone; text in a pruned partition does not make it a choice.
    for year, values in (("2023", ["n/a", "7"]), ("2024", ["3", "4"])):
        folder = tmp_path / "bucket" / "sales" / f"year={year}"
        folder.mkdir(parents=True)
        (folder / "part.csv").write_text("v\n" + "\n".join(values) + "\n")
    table = tmp_path / "catalog" / "db" / "sales.yaml"
    table.parent.mkdir(parents=True)
    table.write_text(
        "location: s3://bucket/sales/\nformat: csv\nformat_options: {withHeader: true}\n"
        "columns:\n  - {name: v, type: string}\npartition_keys:\n  - {name: year, type: string}\n"
    )
    whole = glue.create_dynamic_frame.from_catalog(database="db", table_name="sales")
    assert dict(whole.toDF().dtypes)["v"].startswith("struct")  # a choice of long and string
    pruned = glue.create_dynamic_frame.from_catalog(
        database="db", table_name="sales", push_down_predicate="year = '2024'"
    )
    assert dict(pruned.toDF().dtypes)["v"] == "bigint"
    assert sorted(r.v for r in pruned.toDF().collect()) == [3, 4]


@pytest.fixture
def people(glue, spark):
    df = spark.createDataFrame(
        [(1, "Ann", 30, '{"city": "Oslo"}'), (2, "Bob", 12, '{"city": "Rome"}'), (3, "Cy", None, None)],
        "id long, name string, age long, address string",
    )
    return DynamicFrame.fromDF(df, glue, "people")


def test_split_fields_puts_the_paths_in_name1_and_the_rest_in_name2(people):
    # SplitFields class: "name1 ... the DynamicFrame that is split off; name2 ... the DynamicFrame that remains".
    from awsglue.transforms import SplitFields

    dfc = SplitFields.apply(frame=people, paths=["id", "name"], name1="ids", name2="rest")
    assert list(dfc.keys()) == ["ids", "rest"]
    assert dfc["ids"].toDF().columns == ["id", "name"] and dfc["rest"].toDF().columns == ["age", "address"]


def test_split_rows_splits_off_the_records_meeting_every_comparison(people):
    # SplitRows class: {"age": {">": 10, "<": 20}} "splits off all rows whose value in the age column is
    # greater than 10 and less than 20".
    from awsglue.transforms import SplitRows

    dfc = SplitRows.apply(frame=people, comparison_dict={"age": {">": 10, "<": 20}}, name1="teen", name2="other")
    assert [r.name for r in dfc["teen"].toDF().collect()] == ["Bob"]
    assert sorted(r.name for r in dfc["other"].toDF().collect()) == ["Ann", "Cy"]  # a null age meets nothing


def test_merge_dynamic_frame_takes_staged_records_over_source_records_with_the_same_keys(people, glue, spark):
    # mergeDynamicFrame: a record in both frames comes from the staging frame; one only in the source stays.
    stage = DynamicFrame.fromDF(
        spark.createDataFrame([(2, "Bobby", 13, None), (4, "Di", 40, None)], people.toDF().schema), glue, "stage"
    )
    merged = people.mergeDynamicFrame(stage, ["id"]).toDF()
    assert sorted((r.id, r.name) for r in merged.collect()) == [(1, "Ann"), (2, "Bobby"), (3, "Cy"), (4, "Di")]


def test_unbox_parses_a_json_string_field_into_a_struct(people):
    # Unbox class: "Unboxes (reformats) a string field in a DynamicFrame" (format="json").
    from awsglue.transforms import Unbox

    unboxed = Unbox.apply(frame=people, path="address", format="json").toDF()
    assert unboxed.schema["address"].dataType.simpleString() == "struct<city:string>"
    assert [r.city for r in unboxed.orderBy("id").select("address.city").collect()] == ["Oslo", "Rome", None]
    with pytest.raises(NotAvailableLocally, match=r"unbox\(format='avro'\)"):
        people.unbox("address", "avro")


def test_flat_map_applies_a_transform_to_every_frame_of_a_collection(people):
    # FlatMap class: FlatMap.apply(dfc, BaseTransform, frame_name, **base_kwargs).
    from awsglue.transforms import FlatMap, SelectFields, SplitFields

    dfc = SplitFields.apply(frame=people, paths=["id", "name"], name1="a", name2="b")
    out = FlatMap.apply(dfc=dfc, BaseTransform=SelectFields, frame_name="frame", paths=["name", "age"])
    assert {k: out[k].toDF().columns for k in out} == {"a": ["name"], "b": ["age"]}


def test_write_from_options_writes_a_frame(people, glue, spark, tmp_path):
    glue.write_from_options(
        frame_or_dfc=people, connection_type="s3", connection_options={"path": "s3://bucket/w"}, format="json"
    )
    assert spark.read.json(str(tmp_path / "bucket" / "w")).count() == 3
