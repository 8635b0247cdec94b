"""What an awsglue-style script reads on ``local``: catalog tables from the emulator, ``s3://`` URIs from its S3.

On Glue, ``from_catalog(database, table_name)`` asks the Data Catalog (GetTable, as the job's
role) for the table's location and format and reads the objects there. The local smoke runner
does the same before the script starts, for the tables the job declares (``catalog_reads``):
``get_table`` on the emulator as the job's role, then the data under the location into a
folder; the script's ``from_catalog`` gets those answers through its settings file.

A table's format comes from its ``classification`` parameter (what crawlers and
terraform/modules/glue-catalog write), else from its SerDe; a CSV table's separator is the
SerDe's ``field.delim`` and ``skip.header.line.count = 1`` means a header line
("Defining tables in the AWS Glue Data Catalog", https://docs.aws.amazon.com/glue/latest/dg/tables-described.html).

``s3://`` URIs written into a script (not passed as arguments) are found by reading the
script: each literal ``s3://bucket/prefix`` is fetched into a folder as the job's role and
mapped; one the script builds at run time cannot be found and fails naming itself.
"""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import ClientError

from glue_release.errors import UserError

SERDE_FORMATS = {
    "ParquetHiveSerDe": "parquet",
    "OrcSerde": "orc",
    "JsonSerDe": "json",
    "LazySimpleSerDe": "csv",
    "OpenCSVSerde": "csv",
}
# A literal s3:// URI in Python source: up to the closing quote (or whitespace), no f-string braces.
S3_LITERAL = re.compile(r"""["'](s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:/[^"'\s{}]*)?)["']""")


def table_settings(ref: str, table: dict[str, Any]) -> dict[str, Any]:
    """``get_table()['Table']`` as local_glue's resolved table (``awsglue._catalog``)."""
    params = table.get("Parameters") or {}
    descriptor = table.get("StorageDescriptor") or {}
    serde = descriptor.get("SerdeInfo") or {}
    library = str(serde.get("SerializationLibrary") or "")
    fmt = str(params.get("classification") or "").lower() or next(
        (f for name, f in SERDE_FORMATS.items() if library.endswith(name)), ""
    )
    if fmt not in ("csv", "json", "parquet", "orc"):
        raise UserError(
            f"catalog table {ref}: neither its classification parameter nor its SerDe ({library or 'none'}) says "
            "csv, json, parquet or orc; local runs cannot read it"
        )
    location = str(descriptor.get("Location") or "")
    if not location.startswith("s3://"):
        raise UserError(f"catalog table {ref}: its location {location!r} is not an s3:// URI")
    options: dict[str, Any] = {}
    if fmt == "csv":
        serde_params = serde.get("Parameters") or {}
        separator = serde_params.get("field.delim") or serde_params.get("separatorChar")
        if separator:
            options["separator"] = separator
        if str(params.get("skip.header.line.count", "0")) == "1":
            options["withHeader"] = True
    return {
        "location": location if location.endswith("/") else location + "/",
        "format": fmt,
        "format_options": options,
        "columns": [[c["Name"], c.get("Type", "string")] for c in descriptor.get("Columns") or []],
        "partition_keys": [[c["Name"], c.get("Type", "string")] for c in table.get("PartitionKeys") or []],
    }


def resolve_tables(glue: Any, refs: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Each ``database.table`` as the emulator's catalog describes it, asked with ``glue`` (the job's role)."""
    resolved: dict[str, dict[str, Any]] = {}
    for ref in refs:
        database, _, name = ref.partition(".")
        try:
            table = glue.get_table(DatabaseName=database, Name=name)["Table"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "EntityNotFoundException":
                raise UserError(
                    f"catalog table {ref} is not in the emulator's Glue catalog; deploy again "
                    f"(`invoke deploy --env local`) after adding catalog/{database}/{name}.yaml"
                ) from None
            raise
        resolved[ref] = table_settings(ref, table)
    return resolved


def script_s3_uris(source: str) -> list[str]:
    """The literal ``s3://`` URIs in a script's source, in order, once each."""
    return list(dict.fromkeys(m[1] for m in S3_LITERAL.finditer(source)))
