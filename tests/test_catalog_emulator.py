"""``from_catalog`` on ``local``: a table Terraform made in the emulator's Glue catalog, read in a smoke run.

The table comes from a catalog/ file through the real terraform/modules/glue-catalog applied to moto's
server; the job is deployed as the smoke tests deploy jobs (``emulator_deploy``, the role with the
grants of terraform/modules/glue-job-role) and smoke-run unmodified under its role. Documented
behaviour followed: create_dynamic_frame.from_catalog reads the table's data from its location in the
format the catalog gives ("GlueContext class",
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-glue-context.html),
and the role reads only the tables its policy names ("Specifying AWS Glue resource ARNs",
https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from glue_release import aws, declarations
from glue_release.catalog import load_catalog, terraform_value
from glue_release.emulator.standins import ensure_catalog_tables
from glue_release.paths import REPO_ROOT
from glue_release.runs.glue_local.emulator_catalog import table_settings
from glue_release.settings import Settings
from glue_release.smoke import run_smoke
from glue_release.smoke.emulator_deploy import bucket_name, deploy_jobs
from glue_release.terraform.runner import cli_config

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

TABLE = """\
description: Medicare provider payments
location: {bucket: raw, prefix: medicare/}
format: csv
format_options: {withHeader: true, separator: "|"}
columns:
  - {name: provider id, type: bigint}
  - {name: drg definition, type: string}
sample: medicare.csv
"""
# A crawler's table in the same database: on AWS both exist before this stack; locally a stand-in.
PARTNERS = """\
description: Partner list, crawled
owned: false
location: {bucket: raw, prefix: partners/}
format: json
columns:
  - {name: partner_id, type: bigint}
"""
SAMPLE = "Provider Id|DRG Definition\n10001|039 - A\n10005|039 - A\n10006|948 - B\n"
SCRIPT = """\
import sys
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "output_path"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)
payments = glue.create_dynamic_frame.from_catalog(database="payments", table_name="{table}")
codes = glue.create_dynamic_frame.from_options("s3", {{"paths": ["s3://{raw}/lookup/"]}}, format="json")
joined = payments.toDF().join(codes.toDF(), "drg definition")
glue.write_dynamic_frame.from_options(
    frame=DynamicFrame.fromDF(joined, glue, "joined"),
    connection_type="s3",
    connection_options={{"path": args["output_path"]}},
    format="json",
)
job.commit()
"""
JOB = """\
description: reads a catalog table and a hard-coded lookup
catalog_reads: [payments.medicare]
inputs:
  # Not passed to the script (it hard-codes the URI), but its role may read only declared locations.
  lookup_path: {bucket: raw, prefix: lookup/, sample: lookup.json}
outputs:
  output_path: {bucket: curated, prefix: medicare_out/}
smoke:
  checks:
    output_path: {min_rows: 3, max_rows: 3}
"""
LOOKUP = b'{"drg definition": "039 - A", "mdc": "nervous"}\n{"drg definition": "948 - B", "mdc": "other"}\n'


@pytest.fixture(scope="module")
def settings(module_emulator_settings: Settings) -> Settings:
    return module_emulator_settings


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    """A repository with catalog/payments/medicare.yaml and two awsglue-style jobs."""
    root = tmp_path_factory.mktemp("repo")
    (root / "catalog" / "payments").mkdir(parents=True)
    (root / "catalog" / "payments" / "medicare.yaml").write_text(TABLE)
    (root / "catalog" / "payments" / "medicare.csv").write_text(SAMPLE)
    (root / "catalog" / "payments" / "partners.yaml").write_text(PARTNERS)
    raw = bucket_name(settings, "raw")
    for job, table in (("catalog_reader", "medicare"), ("undeclared_reader", "claims")):
        folder = root / "jobs" / job
        folder.mkdir(parents=True)
        (folder / "main.py").write_text(SCRIPT.format(table=table, raw=raw))
        text = JOB.replace("medicare_out/", f"{job}_out/")
        (folder / "job.yaml").write_text(text)
        (folder / "lookup.json").write_bytes(b"{}\n")  # staged at _smoke/lookup/; the script reads lookup/
    return root


def apply_catalog_module(settings: Settings, tree: Path, work: Path) -> None:
    """terraform/modules/glue-catalog applied to the emulator, fed as terraform/main.tf feeds it."""
    declared = terraform_value(load_catalog(tree / "catalog"))
    tables = {
        ref: {
            "database": t["database"],
            "name": t["name"],
            "description": t["description"],
            "location": f"s3://{bucket_name(settings, t['data_lake_bucket'])}/{t['prefix']}",
            "format": t["format"],
            "header": t["header"],
            "separator": t["separator"],
            "columns": t["columns"],
            "partition_keys": t["partition_keys"],
        }
        for ref, t in declared.items()
        if t["owned"]
    }
    existing = sorted({t["database"] for t in declared.values() if not t["owned"]})
    emulator = settings.emulator
    assert emulator is not None
    work.mkdir(parents=True, exist_ok=True)
    (work / "tables.auto.tfvars.json").write_text(json.dumps({"tables": tables, "existing": existing}))
    (work / "main.tf").write_text(
        f"""
terraform {{
  required_providers {{
    aws = {{ source = "hashicorp/aws", version = "~> 5.100" }}
  }}
}}
variable "tables" {{ type = any }}
variable "existing" {{ type = set(string) }}
provider "aws" {{
  region                      = "{settings.region}"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  endpoints {{
    glue = "{emulator.endpoint}"
    sts  = "{emulator.endpoint}"
  }}
}}
module "catalog" {{
  source      = "{REPO_ROOT / "terraform" / "modules" / "glue-catalog"}"
  name_prefix = "{settings.name_prefix}"
  tables      = var.tables
  # As terraform/main.tf: a database holding an owned: false table is its owner's.
  existing_databases = var.existing
}}
"""
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))},
        **cli_config(os.environ.get("INVOKE_PROVIDER_MIRROR"), work / "terraform.rc", work / "plugin-cache"),
        **emulator.aws_env(settings.region),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
    }
    for argv in (["init", "-no-color"], ["apply", "-auto-approve", "-no-color"]):
        done = subprocess.run(["terraform", *argv], cwd=work, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"terraform {argv[0]} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def report(settings: Settings, tree: Path, tmp_path_factory: pytest.TempPathFactory):
    # As a local deploy does before Terraform: the crawler's table (and database) stand in.
    ensure_catalog_tables(settings, tree / "catalog")
    apply_catalog_module(settings, tree, tmp_path_factory.mktemp("terraform"))
    jobs = declarations.load_jobs(tree / "jobs")
    deploy_jobs(settings, jobs)
    s3 = aws.client(settings, "s3")
    raw = bucket_name(settings, "raw")
    # The hard-coded lookup, and real data at the table's location that a smoke run must not read.
    s3.put_object(Bucket=raw, Key="lookup/codes.json", Body=LOOKUP)
    s3.put_object(Bucket=raw, Key="medicare/real.csv", Body=b"Provider Id|DRG Definition\n1|039 - A\n")
    report = run_smoke(settings, jobs, timeout_s=300)
    print(report.table())
    return {r.job: r for r in report.results}


def test_the_emulators_catalog_holds_the_table_terraform_made(settings, report):
    glue = aws.client(settings, "glue")
    table = glue.get_table(DatabaseName="payments", Name="medicare")["Table"]
    assert table["StorageDescriptor"]["Location"] == f"s3://{bucket_name(settings, 'raw')}/medicare/"
    assert table["Parameters"]["classification"] == "csv"


def test_a_crawlers_table_stands_in_and_terraform_adds_owned_tables_to_its_database(settings, tree, report):
    """owned: false: made before Terraform as its owner would have; Terraform never creates its database."""
    glue = aws.client(settings, "glue")
    table = glue.get_table(DatabaseName="payments", Name="partners")["Table"]
    assert table["StorageDescriptor"]["Location"] == f"s3://{bucket_name(settings, 'raw')}/partners/"
    resolved = table_settings("payments.partners", table)  # what a smoke run's from_catalog gets
    assert (resolved["format"], resolved["columns"]) == ("json", [["partner_id", "bigint"]])
    assert glue.get_table(DatabaseName="payments", Name="medicare")["Table"]["DatabaseName"] == "payments"
    # A rerun converges: nothing made twice, nothing failing on what exists, and an edited file is followed.
    partners = tree / "catalog" / "payments" / "partners.yaml"
    partners.write_text(PARTNERS + "  - {name: country, type: string}\n")
    assert ensure_catalog_tables(settings, tree / "catalog") == []
    columns = glue.get_table(DatabaseName="payments", Name="partners")["Table"]["StorageDescriptor"]["Columns"]
    assert [c["Name"] for c in columns] == ["partner_id", "country"]


def test_from_catalog_reads_the_staged_sample_at_the_tables_location(report):
    result = report["catalog_reader"]
    assert result.state == "SUCCEEDED", (result.error, result.log_tail, result.problems)
    # 3 sample rows joined to the literal lookup; the real file under medicare/ (provider 1) is not read.
    assert result.rows == {"output_path": 3}, result.problems
    assert result.ok, result.problems


def test_a_table_the_job_did_not_declare_fails_naming_catalog_reads(report):
    result = report["undeclared_reader"]
    assert result.state == "FAILED"
    assert "payments.claims is not one this job declared: add it to catalog_reads" in result.error
