"""On ``local`` only: stand-ins for what other teams own, made before Terraform runs.

- the buckets of ``external_buckets`` in local.tfvars;
- the Data Catalog tables declared ``owned: false`` (a crawler's, another stack's) and their databases.

On AWS these exist already and Terraform only references them (it must never create, change or
delete another team's bucket or table). The emulator starts empty, so the tool makes each one there,
as its owner would have, with the emulator's administrator: never through Terraform and never in
its state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from glue_release import aws
from glue_release.catalog import load_catalog
from glue_release.catalog.tables import CatalogTable
from glue_release.declarations.external_buckets import read_external_buckets
from glue_release.emulator.control import data_lake_bucket
from glue_release.settings import Settings


def ensure_external_buckets(settings: Settings) -> list[str]:
    """Create the environment's external buckets that are missing (``local`` only); the names created."""
    if not settings.is_local:
        return []
    s3: Any = aws.client(settings, "s3")
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    created = []
    for declared in read_external_buckets(settings.tfvars).values():
        if declared.bucket and declared.bucket not in existing:
            s3.create_bucket(Bucket=declared.bucket)
            created.append(declared.bucket)
    return created


# What a crawler writes for each format ("Defining tables in the AWS Glue Data Catalog",
# https://docs.aws.amazon.com/glue/latest/dg/tables-described.html); the same as terraform/modules/glue-catalog.
SERDES = {
    "csv": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
    "json": "org.openx.data.jsonserde.JsonSerDe",
    "parquet": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    "orc": "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
}


def ensure_catalog_tables(settings: Settings, catalog_root: Path) -> list[str]:
    """Create the ``owned: false`` tables of ``catalog_root`` (and their databases) that are missing (``local``
    only); the ``database.table`` names created. Owned tables are Terraform's (terraform/modules/glue-catalog)."""
    if not settings.is_local:
        return []
    glue: Any = aws.client(settings, "glue")
    created = []
    for ref, table in sorted(load_catalog(catalog_root).items()):
        if table.owned:
            continue
        try:
            glue.create_database(DatabaseInput={"Name": table.database})
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "AlreadyExistsException":
                raise
        table_input = _table_input(settings, table)
        try:
            glue.create_table(DatabaseName=table.database, TableInput=table_input)
            created.append(ref)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "AlreadyExistsException":
                raise
            # Its catalog/ file may have changed since: the stand-in follows it, so reruns converge.
            glue.update_table(DatabaseName=table.database, TableInput=table_input)
    return created


def _table_input(settings: Settings, table: CatalogTable) -> dict[str, Any]:
    """The table as its file describes it, with the classification and SerDe a crawler writes (what
    ``from_catalog`` reads), at the location its file declares."""
    bucket = data_lake_bucket(settings.name_prefix, table.data_lake_bucket) if table.data_lake_bucket else table.bucket
    options = dict(table.format_options)
    parameters = {"classification": table.format, "EXTERNAL": "TRUE"}
    serde_parameters = {}
    if table.format == "csv":
        serde_parameters["field.delim"] = str(options.get("separator", ","))
        if options.get("withHeader"):
            parameters["skip.header.line.count"] = "1"
    return {
        "Name": table.name,
        "Description": table.description,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": parameters,
        "PartitionKeys": [{"Name": n, "Type": t} for n, t in table.partition_keys],
        "StorageDescriptor": {
            "Location": f"s3://{bucket}/{table.prefix}",
            "Columns": [{"Name": n, "Type": t} for n, t in table.columns],
            "SerdeInfo": {"SerializationLibrary": SERDES[table.format], "Parameters": serde_parameters},
        },
    }
