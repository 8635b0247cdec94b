"""The Data Catalog as code (catalog/<database>/<table>.yaml): checks, Terraform's view, local reads.

AWS's documented behaviour these follow:
- "Defining tables in the AWS Glue Data Catalog" (https://docs.aws.amazon.com/glue/latest/dg/tables-described.html):
  a table is metadata (columns, partition keys, SerDe, S3 location); Glue stores names in lower case.
- "GlueContext class", create_dynamic_frame_from_catalog
  (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-glue-context.html):
  reads the table's data from its location in the format the catalog gives.
- "Specifying AWS Glue resource ARNs" (https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html):
  a role reads only the tables its policy names.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
from awsglue._catalog import CatalogError
from awsglue._local import configure
from awsglue._s3 import UnmappedS3Uri, to_local
from awsglue.context import GlueContext
from moto import mock_aws

from glue_release import declarations
from glue_release.artifacts import packaging
from glue_release.catalog import check_reads, load_catalog, terraform_value
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR
from glue_release.runs.glue_local import emulator_catalog

MEDICARE = """\
description: Medicare provider payments
location: {bucket: raw, prefix: medicare/}
format: csv
format_options: {withHeader: true, separator: "|"}
columns:
  - {name: provider id, type: bigint}
  - {name: drg definition, type: string}
partition_keys:
  - {name: year, type: int}
sample: medicare.csv
"""
PERSONS = """\
owned: false   # a crawler made it
location: s3://awsglue-datasets/examples/us-legislators/all/persons/
format: json
columns: [{name: id, type: string}]
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    write(root / "payments" / "medicare.csv", "provider id|drg definition\n10001|039\n")
    write(root / "payments" / "medicare.yaml", MEDICARE)
    write(root / "legislators" / "persons_json.yaml", PERSONS)
    return root


# -- the catalog folder -------------------------------------------------------------------------------


def test_tables_become_terraforms_catalog_tables(catalog):
    value = terraform_value(load_catalog(catalog))
    assert sorted(value) == ["legislators.persons_json", "payments.medicare"]
    medicare = value["payments.medicare"]
    assert (medicare["owned"], medicare["data_lake_bucket"], medicare["bucket"], medicare["prefix"]) == (
        True,
        "raw",
        None,
        "medicare/",
    )
    assert (medicare["header"], medicare["separator"]) == (True, "|")
    assert medicare["columns"] == [
        {"name": "provider id", "type": "bigint"},
        {"name": "drg definition", "type": "string"},
    ]
    assert medicare["partition_keys"] == [{"name": "year", "type": "int"}]
    persons = value["legislators.persons_json"]
    assert (persons["owned"], persons["bucket"], persons["data_lake_bucket"]) == (False, "awsglue-datasets", None)
    assert persons["prefix"] == "examples/us-legislators/all/persons/"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("format: avro", r"field 'format': 'avro' is not one of csv, json, parquet, orc"),
        ('format_options: {quoteChar: "\'"}', r"field 'format_options.quoteChar': a csv catalog table cannot carry it"),
        ("location: s3://bucket/no-slash", r"field 'location': must be s3://bucket/folder/"),
        ("location: {bucket: temp, prefix: x/}", r"field 'location': a data-lake location is \{bucket: raw\|curated"),
        ("colums: []", r"field 'colums': unknown field"),
        ("sample: missing.csv", r"field 'sample': .*missing.csv does not exist"),
        ("columns: [{name: Provider, type: string}]", r"Glue stores column names in lower case"),
    ],
)
def test_a_bad_table_file_names_the_file_and_the_field(catalog, edit, message):
    path = catalog / "payments" / "medicare.yaml"
    key = edit.split(":", 1)[0]
    kept = [line for line in MEDICARE.splitlines() if not line.startswith(key) and not line.startswith("  - ")]
    if key not in ("columns", "colums"):  # keep the columns unless the edit replaces them
        kept = [line for line in kept if not line.startswith("columns:")] + ["columns: [{name: a, type: string}]"]
    write(path, "\n".join([*kept, edit]) + "\n")
    with pytest.raises(UserError, match=message) as caught:
        load_catalog(catalog)
    assert "medicare.yaml" in str(caught.value)


def test_a_job_may_read_only_tables_of_the_catalog(catalog):
    tables = load_catalog(catalog)
    check_reads("j", Path("jobs/j/job.yaml"), ("payments.medicare",), tables)
    with pytest.raises(
        UserError, match=r"jobs/j/job.yaml: field 'catalog_reads': payments.claims is not in the catalog"
    ):
        check_reads("j", Path("jobs/j/job.yaml"), ("payments.medicare", "payments.claims"), tables)


def test_packaging_hands_the_catalog_and_the_reads_to_terraform(tmp_path, catalog):
    jobs = tmp_path / "jobs"
    shutil.copytree(JOBS_DIR, jobs, ignore=shutil.ignore_patterns("__pycache__"))
    declaration = jobs / "customers_clean" / "job.yaml"
    declaration.write_text(declaration.read_text() + "catalog_reads: [payments.medicare]\n")
    packaging.package(declarations.load_jobs(jobs), tmp_path / "out")
    tfvars = json.loads((tmp_path / "out" / "release.tfvars.json").read_text())
    assert tfvars["jobs"]["customers_clean"]["catalog_reads"] == ["payments.medicare"]
    assert tfvars["jobs"]["orders_daily_revenue"]["catalog_reads"] == []
    assert set(tfvars["catalog_tables"]) == {"payments.medicare", "legislators.persons_json"}

    declaration.write_text(declaration.read_text().replace("payments.medicare", "payments.nowhere"))
    with pytest.raises(UserError, match=r"payments.nowhere is not in the catalog; add catalog/payments/nowhere.yaml"):
        packaging.package(declarations.load_jobs(jobs), tmp_path / "out2")


# -- the emulator's answer, as local_glue reads it ----------------------------------------------------


def glue_table(**overrides):
    """get_table()['Table'] as terraform/modules/glue-catalog makes a CSV table."""
    table = {
        "Name": "medicare",
        "DatabaseName": "payments",
        "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
        "StorageDescriptor": {
            "Location": "s3://lake-raw/medicare/",
            "Columns": [{"Name": "provider id", "Type": "bigint"}],
            "SerdeInfo": {
                "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                "Parameters": {"field.delim": "|"},
            },
        },
        "PartitionKeys": [],
    }
    table.update(overrides)
    return table


def test_a_catalog_answer_gives_format_separator_and_header():
    """Format from the classification parameter; field.delim is the separator; skip.header.line.count=1 a header."""
    settings = emulator_catalog.table_settings("payments.medicare", glue_table())
    assert settings == {
        "location": "s3://lake-raw/medicare/",
        "format": "csv",
        "format_options": {"separator": "|", "withHeader": True},
        "columns": [["provider id", "bigint"]],
        "partition_keys": [],
    }


def test_without_classification_the_serde_says_the_format():
    table = glue_table(Parameters={})
    table["StorageDescriptor"]["SerdeInfo"] = {
        "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }
    assert emulator_catalog.table_settings("payments.medicare", table)["format"] == "parquet"
    table["StorageDescriptor"]["SerdeInfo"] = {"SerializationLibrary": "com.example.AvroSerDe"}
    with pytest.raises(UserError, match=r"catalog table payments.medicare: .*com.example.AvroSerDe"):
        emulator_catalog.table_settings("payments.medicare", table)


@mock_aws
def test_resolving_a_table_the_catalog_lacks_says_to_deploy():
    glue = boto3.client("glue", region_name="us-east-1")
    glue.create_database(DatabaseInput={"Name": "payments"})
    with pytest.raises(UserError, match=r"catalog table payments.medicare is not in the emulator's Glue catalog"):
        emulator_catalog.resolve_tables(glue, ("payments.medicare",))


def test_literal_s3_uris_are_found_in_a_script_and_built_ones_are_not():
    source = (
        "df = read('s3://lake-raw/orders/')\n"
        'out = "s3://lake-curated/daily/part.json"\n'
        "again = 's3://lake-raw/orders/'\n"
        "built = f's3://lake-raw/{day}/'\n"
    )
    assert emulator_catalog.script_s3_uris(source) == ["s3://lake-raw/orders/", "s3://lake-curated/daily/part.json"]


# -- local_glue reading what the runner resolved --------------------------------------------------------


@pytest.fixture
def resolved(spark, tmp_path):
    """Settings as a local smoke run writes them: the emulator's tables, their data in folders."""
    data = write(
        tmp_path / "fetched" / "medicare" / "part-0.csv", "provider id|drg definition\n10001|039 - A\n10005|040 - B\n"
    )
    configure(
        s3={"lake-raw/medicare": str(data.parent)},
        tables={"payments.medicare": emulator_catalog.table_settings("payments.medicare", glue_table())},
        catalog_dir=None,
    )
    yield GlueContext(spark.sparkContext)
    configure()


def test_from_catalog_reads_the_location_the_emulator_gave(resolved):
    frame = resolved.create_dynamic_frame.from_catalog(database="payments", table_name="medicare")
    rows = sorted((r["provider id"], r["drg definition"]) for r in frame.toDF().collect())
    assert rows == [(10001, "039 - A"), (10005, "040 - B")]  # header skipped, '|' separated, long ids


def test_from_catalog_of_an_undeclared_table_names_catalog_reads(resolved):
    """On AWS the job's role may GetTable only its declared tables; locally only those were resolved."""
    with pytest.raises(CatalogError, match=r"payments.claims is not one this job declared: add it to catalog_reads"):
        resolved.create_dynamic_frame.from_catalog(database="payments", table_name="claims")


def test_an_unfetched_uri_on_a_smoke_run_says_how_uris_reach_it(resolved):
    with pytest.raises(UnmappedS3Uri, match=r"^s3://other/x: not fetched from the emulator's S3.*as an argument"):
        to_local("s3://other/x")


def test_an_unmapped_bucket_in_run_local_says_how_to_map_it(tmp_path):
    configure(s3={}, catalog_dir=str(tmp_path))
    try:
        with pytest.raises(UnmappedS3Uri, match=r"^s3://other/x: bucket 'other' is not mapped.*local.yaml"):
            to_local("s3://other/x")
    finally:
        configure()


def test_a_data_lake_table_reads_its_sample_in_run_local(spark, catalog):
    configure(s3={}, catalog_dir=str(catalog))
    try:
        frame = GlueContext(spark.sparkContext).create_dynamic_frame.from_catalog(
            database="payments", table_name="medicare"
        )
        assert [r["provider id"] for r in frame.toDF().collect()] == [10001]
        (catalog / "payments" / "medicare.yaml").write_text(MEDICARE.replace("sample: medicare.csv\n", ""))
        with pytest.raises(
            CatalogError, match=r"payments.medicare lives in the data lake's raw bucket.*give it a sample"
        ):
            GlueContext(spark.sparkContext).create_dynamic_frame.from_catalog(
                database="payments", table_name="medicare"
            )
    finally:
        configure()


# -- the smoke runner's folders -----------------------------------------------------------------------


@mock_aws
def test_the_runner_fetches_a_tables_smoke_twin_and_a_scripts_literal_uris(tmp_path):
    from glue_release.smoke.local_runner import LocalRunner

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="lake-raw")
    s3.put_object(Bucket="lake-raw", Key="_smoke/medicare/part-0.csv", Body=b"staged\n")
    s3.put_object(Bucket="lake-raw", Key="medicare/part-0.csv", Body=b"real data, not for smoke runs\n")
    s3.put_object(Bucket="lake-raw", Key="lookup/codes.json", Body=b"{}\n")
    script = write(tmp_path / "main.py", "codes = 's3://lake-raw/lookup/'\n")
    runner = LocalRunner(runs=SimpleNamespace(glue=None), s3=s3, work_dir=tmp_path / "smoke")
    runner._tables["j"] = {"payments.medicare": {"location": "s3://lake-raw/medicare/"}}
    run = SimpleNamespace(planned=SimpleNamespace(job=SimpleNamespace(name="j")))
    mapping, transfers = runner.script_locations(run, script, tmp_path / "run", s3)
    assert (Path(mapping["lake-raw/medicare"]) / "part-0.csv").read_text() == "staged\n"
    assert (Path(mapping["lake-raw/lookup"]) / "codes.json").read_text() == "{}\n"
    assert [str(t.uri) for t in transfers] == ["s3://lake-raw/lookup/"]  # written back after the run; tables are not
