"""Real public Glue scripts (MIT-0, vendored unmodified) run through run-local on local_glue.

Expectations come from AWS's documentation of the examples:
- "Exploring the resolveChoice Method" (aws-samples/aws-glue-samples examples/resolve_choice.md) and
- "Code example: Data preparation using ResolveChoice, Lambda, and ApplyMapping"
  (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-samples-medicaid.html).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from glue_release.declarations import load_job
from glue_release.runs import local_run

FIXTURES = Path(__file__).parent / "fixtures" / "glue_scripts"
SHA256 = {
    "resolve_choice.py": "3cac44542dac005d12336bcb22b9019e276d64189e86bb691a769b9b9c6717a3",
    "data_cleaning_and_lambda.py": "6a6cbda0674367b3df4eb0e229332f074398be6f85ec8c2a8e7e7e4f0def00b7",
    "process_legislators.py": "53a17cb9dccca3f25497787e8a840ae4df741e2c87f2e45de6fa3b91fb202690",
}
MEDICARE_COLUMNS = [
    "DRG Definition",
    "Provider Id",
    "Provider Name",
    "Provider Street Address",
    "Provider City",
    "Provider State",
    "Provider Zip Code",
    "Hospital Referral Region Description",
    "Total Discharges",
    "Average Covered Charges",
    "Average Total Payments",
    "Average Medicare Payments",
]
# Good rows, then (as in AWS's modified file) erroneous records at the tail with text in Provider Id.
MEDICARE_ROWS = [
    ["039 - EXTRACRANIAL PROCEDURES", "10001", "SOUTHEAST ALABAMA MEDICAL CENTER", "1108 ROSS CLARK CIRCLE", "DOTHAN", "AL", "36301", "AL - Dothan", "91", "$32963.07", "$5777.24", "$4763.73"],  # noqa: E501
    ["039 - EXTRACRANIAL PROCEDURES", "10005", "MARSHALL MEDICAL CENTER SOUTH", "2505 U S HIGHWAY 431 NORTH", "BOAZ", "AL", "35957", "AL - Birmingham", "14", "$15131.85", "$5787.57", "$4976.71"],  # noqa: E501
    ["039 - EXTRACRANIAL PROCEDURES", "10006", "ELIZA COFFEE MEMORIAL HOSPITAL", "205 MARENGO STREET", "FLORENCE", "AL", "35631", "AL - Birmingham", "24", "$37560.37", "$5434.95", "$4453.79"],  # noqa: E501
    ["948 - SIGNS & SYMPTOMS W/O MCC", "ABCDEF", "UNIVERSITY OF TEXAS MEDICAL BRANCH", "301 UNIVERSITY BLVD", "GALVESTON", "TX", "77555", "TX - Houston", "33", "$11273.16", "$4326.02", "$3418.29"],  # noqa: E501
    ["948 - SIGNS & SYMPTOMS W/O MCC", "ZYXWVU", "UNIVERSITY OF TEXAS MEDICAL BRANCH", "301 UNIVERSITY BLVD", "GALVESTON", "TX", "77555", "TX - Houston", "12", "$11273.16", "$4326.02", "$3418.29"],  # noqa: E501
]  # fmt: skip
MEDICARE_TABLE = """\
description: Medicare provider payments (the medicare sample of AWS's Glue examples)
location: s3://awsglue-datasets/examples/medicare/
format: csv
format_options: {withHeader: true}
columns:
  - {name: drg definition, type: string}
  - {name: provider id, type: bigint}
  - {name: total discharges, type: bigint}
"""


def test_fixtures_are_unmodified():
    for name, digest in SHA256.items():
        text = (FIXTURES / name).read_bytes()
        assert hashlib.sha256(text).hexdigest() == digest, f"{name} was edited; vendored scripts stay as published"
        assert b"SPDX-License-Identifier: MIT-0" in text


def make_job(root: Path, script: str, local_yaml: str) -> Path:
    folder = root / "jobs" / script.removesuffix(".py")
    folder.mkdir(parents=True)
    (folder / "job.yaml").write_text(f"description: vendored {script}, unmodified\n")
    shutil.copyfile(FIXTURES / script, folder / "main.py")
    (folder / "local.yaml").write_text(local_yaml)
    return folder


def medicare_job(tmp_path: Path, script: str) -> Path:
    data = tmp_path / "datasets"
    csv = data / "examples" / "medicare" / "Medicare_Hospital_Provider.csv"
    csv.parent.mkdir(parents=True)
    csv.write_text("\n".join(",".join(f'"{v}"' for v in row) for row in [MEDICARE_COLUMNS, *MEDICARE_ROWS]) + "\n")
    catalog = tmp_path / "catalog" / "payments"
    catalog.mkdir(parents=True)
    (catalog / "medicare.yaml").write_text(MEDICARE_TABLE)
    return make_job(
        tmp_path,
        script,
        f"s3:\n  awsglue-datasets: {data}\n  glue-sample-target: null\ncatalog: {tmp_path / 'catalog'}\n",
    )


def run(folder: Path, out: Path, **overrides: str) -> local_run.LocalRun:
    result = local_run.run_local(load_job(folder), overrides, out, echo=False)
    assert result.returncode == 0, "\n".join(result.log[-40:])
    return result


def rows(folder: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(folder.glob("*.json")) for line in f.read_text().splitlines()]


@pytest.mark.slow
def test_resolve_choice_example_runs_unmodified(tmp_path):
    out = tmp_path / "out"
    run(medicare_job(tmp_path, "resolve_choice.py"), out)
    target = out / "s3" / "glue-sample-target" / "output-dir"
    cast = rows(target / "medicare_json_cast")
    # cast:long: the text ids become null (Spark's JSON writer leaves null fields out).
    assert [r.get("provider id") for r in cast] == [10001, 10005, 10006, None, None]
    assert [r.get("provider id") for r in rows(target / "medicare_json_project")] == [10001, 10005, 10006, None, None]
    cols = rows(target / "medicare_json_make_cols")
    assert [(r.get("provider id_long"), r.get("provider id_string")) for r in cols][-2:] == [
        (None, "ABCDEF"),
        (None, "ZYXWVU"),
    ]
    struct = rows(target / "medicare_json_make_struct")
    assert struct[0]["provider id"] == {"long": 10001} and struct[-1]["provider id"] == {"string": "ZYXWVU"}
    assert sorted(r["total discharges"] for r in rows(target / "medicare_json_sql")) == [33, 91]


@pytest.mark.slow
def test_data_cleaning_example_runs_unmodified(tmp_path, spark):
    out = tmp_path / "out"
    run(medicare_job(tmp_path, "data_cleaning_and_lambda.py"), out)
    df = spark.read.parquet(str(out / "s3" / "glue-sample-target" / "output-dir" / "medicare_parquet"))
    # The documented result schema of the nested apply_mapping.
    assert df.schema.simpleString() == (
        "struct<drg:string,provider:struct<id:bigint,name:string,city:string,state:string,zip:bigint>,"
        "rr:string,charges:struct<covered:double,total_pay:double,medicare_pay:double>>"
    )
    got = sorted((r.provider.id, r.charges.covered) for r in df.collect())
    assert got == [(10001, 32963.07), (10005, 15131.85), (10006, 37560.37)]  # erroneous records removed


@pytest.mark.slow
def test_process_legislators_runs_unmodified_with_an_s3_argument(tmp_path):
    persons = tmp_path / "datasets" / "examples" / "us-legislators" / "all" / "persons.json"
    persons.parent.mkdir(parents=True)
    people = [
        {"id": f"p{i}", "name": f"Person {i}", "identifiers": [{"scheme": "x", "identifier": str(i)}]} for i in range(7)
    ]
    persons.write_text("\n".join(json.dumps(p) for p in people) + "\n")
    folder = make_job(tmp_path, "process_legislators.py", f"s3:\n  awsglue-datasets: {tmp_path / 'datasets'}\n")
    result = run(folder, tmp_path / "out", input_path="s3://awsglue-datasets/examples/us-legislators/all/persons.json")
    log = "\n".join(result.log)
    assert " |-- identifiers: array (nullable = true)" in log  # df.printSchema() of what it read
    assert "|Person6|" in log.replace(" ", "")  # df.show(): all 7 records, the last one included
