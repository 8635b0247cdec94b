"""Two more real public Glue scripts, vendored unmodified, run through run-local on local_glue.

They exercise what the first three did not: Spark's own writes to s3:// (``df.write.parquet("s3://...")``),
positional ``Join.apply``, getSink with ``enableUpdateCatalog`` on a table that does not exist yet,
``glueparquet``, and a JDBC write that cannot run locally. Expectations come from the samples' documentation:
- aws-samples/aws-glue-samples examples/join_and_relationalize.md ("Joining and relationalizing data"),
- awslabs/aws-glue-blueprint-libs samples/partitioning/README.md (timestamp-based Hive-style partitions,
  parquet output, a new table in the Data Catalog).
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
    "join_and_relationalize.py": ("619cc0368f77a5c123455df6ee9e8c2c3a9c4f3e1f61df1a555ce2095ce01859", b"MIT-0"),
    "partitioning.py": ("1d366627b3869ded0eaabe79e5a5d26761b62734a0d231239eed7955872307a4", b"Apache-2.0"),
}


def test_fixtures_are_unmodified():
    for name, (digest, license_id) in SHA256.items():
        text = (FIXTURES / name).read_bytes()
        assert hashlib.sha256(text).hexdigest() == digest, f"{name} was edited; vendored scripts stay as published"
        assert b"SPDX-License-Identifier: " + license_id in text


def make_job(root: Path, script: str, local_yaml: str) -> Path:
    folder = root / "jobs" / script.removesuffix(".py")
    folder.mkdir(parents=True)
    (folder / "job.yaml").write_text(f"description: vendored {script}, unmodified\n")
    shutil.copyfile(FIXTURES / script, folder / "main.py")
    (folder / "local.yaml").write_text(local_yaml)
    return folder


def json_lines(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")


def table(catalog: Path, database: str, name: str, location: str, fmt: str, columns: list[str]) -> None:
    path = catalog / database / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = "\n".join(f"  - {{name: {c}, type: string}}" for c in columns)
    path.write_text(f"description: {name}\nlocation: {location}\nformat: {fmt}\ncolumns:\n{cols}\n")


@pytest.mark.slow
def test_join_and_relationalize_runs_unmodified_up_to_its_redshift_write(tmp_path, spark):
    data, catalog = tmp_path / "datasets", tmp_path / "catalog"
    json_lines(data / "persons" / "p.json", [{"id": "p1", "name": "Ann"}, {"id": "p2", "name": "Bob"}])
    json_lines(
        data / "memberships" / "m.json",
        [{"person_id": "p1", "organization_id": "o1", "role": "rep"}, {"person_id": "p2", "organization_id": "o2"}],
    )
    json_lines(
        data / "organizations" / "o.json",
        [
            {"id": "o1", "name": "House", "classification": "legislature", "other_names": [], "identifiers": []},
            {"id": "o2", "name": "Senate", "classification": "legislature", "other_names": [], "identifiers": []},
        ],
    )
    for name in ("persons", "memberships", "organizations"):
        table(catalog, "legislators", f"{name}_json", f"s3://awsglue-datasets/{name}/", "json", ["id"])
    folder = make_job(
        tmp_path,
        "join_and_relationalize.py",
        f"s3:\n  awsglue-datasets: {data}\n  glue-sample-target: null\ncatalog: {catalog}\n",
    )
    result = local_run.run_local(load_job(folder), {}, tmp_path / "out", echo=False)
    # Its last step writes to Redshift over JDBC: one clear line naming the call, after everything else ran.
    assert result.returncode != 0
    assert result.log[-1].startswith("awsglue._local.NotAvailableLocally: write_dynamic_frame.from_jdbc_conf is not")
    target = tmp_path / "out" / "s3" / "glue-sample-target" / "output-dir"
    history = spark.read.parquet(str(target / "legislator_history"))
    # The documented l_history: persons joined to memberships joined to orgs, person_id and org_id dropped.
    assert {"person_id", "org_id"}.isdisjoint(history.columns)
    assert {"org_name", "organization_id", "role", "name", "id", "classification"} <= set(history.columns)
    assert sorted((r.name, r.org_name) for r in history.collect()) == [("Ann", "House"), ("Bob", "Senate")]
    single = [p for p in (target / "legislator_single").iterdir() if p.suffix == ".parquet"]
    assert len(single) == 1  # repartition(1): "all the history data into a single file"
    parts = sorted(p.name for p in (target / "legislator_part").iterdir() if p.is_dir())
    assert parts == ["org_name=House", "org_name=Senate"]  # "separate it by the Senate and the House"


@pytest.mark.slow
def test_partitioning_blueprint_runs_unmodified_with_timestamp_partitions(tmp_path, spark):
    data, catalog = tmp_path / "lake", tmp_path / "catalog"
    json_lines(
        data / "tmp" / "t.json",
        [
            {"id": 1, "ts": "2024-01-02 03:04:05", "note": None},
            {"id": 2, "ts": "2024-03-04 05:06:07", "note": None},
            {"id": 3, "ts": "2024-03-05 05:06:07", "note": None},
        ],
    )
    table(catalog, "db", "tmp_table", "s3://lake/tmp/", "json", ["id", "ts"])
    folder = make_job(tmp_path, "partitioning.py", f"s3:\n  lake: {data}\n  target: null\ncatalog: {catalog}\n")
    args = {
        "output_database": "db",
        "tmp_table": "tmp_table",
        "output_table": "partitioned",  # not in the catalog: the sink's enableUpdateCatalog creates it on Glue
        "output_path": "s3://target/out/",
        "timestamp_column_name": "ts",
        "timestamp_column_granularity": "day",
    }
    result = local_run.run_local(load_job(folder), args, tmp_path / "out", echo=False)
    assert result.returncode == 0, "\n".join(result.log[-40:])
    out = tmp_path / "out" / "s3" / "target" / "out"
    folders = sorted(str(p.relative_to(out)) for p in out.glob("year=*/month=*/day=*"))
    assert folders == ["year=2024/month=1/day=2", "year=2024/month=3/day=4", "year=2024/month=3/day=5"]
    assert all(p.suffix == ".parquet" for p in out.rglob("part-*"))  # converted to parquet
    df = spark.read.parquet(str(out))
    assert "note" not in df.columns  # DropNullFields: null in every record
    assert sorted(r.id for r in df.collect()) == [1, 2, 3]
