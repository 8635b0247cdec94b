"""Reading and checking ``catalog/<database>/<table>.yaml``, and Terraform's view of it.

One file per table is the only place a table is defined (catalog/README.md has the format):
Terraform creates the tables the project owns from it, jobs name the tables they read
(``catalog_reads: [database.table]`` in job.yaml) and get exactly those, and local runs read
the same files. Semantics from "Defining tables in the AWS Glue Data Catalog"
(https://docs.aws.amazon.com/glue/latest/dg/tables-described.html): a table is metadata
(columns, partition keys, a SerDe and an S3 location); the data stays in S3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glue_release.declarations.yaml_source import load_yaml
from glue_release.errors import UserError
from glue_release.paths import REPO_ROOT

CATALOG_DIR = REPO_ROOT / "catalog"
DATA_LAKE_BUCKETS = ("raw", "curated")
FORMATS = ("csv", "json", "parquet", "orc")
# The format options a catalog table can carry (as its SerDe / table parameters); others only exist on reads.
TABLE_OPTIONS = {"csv": ("withHeader", "separator"), "json": (), "parquet": (), "orc": ()}
NAME_RE = re.compile(r"^[a-z0-9_]{1,255}$")  # Glue stores database and table names in lower case
COLUMN_RE = re.compile(r"^[a-z0-9_][a-z0-9_ .-]{0,254}$")
TYPE_RE = re.compile(r"^[a-z][a-z0-9_<>,:() ]*$")
FIELDS = ("description", "owned", "location", "format", "format_options", "columns", "partition_keys", "sample")


@dataclass(frozen=True)
class CatalogTable:
    database: str
    name: str
    file: Path
    location: str  # "s3://bucket/prefix/" (a bucket of its own) or "" for a data-lake bucket
    data_lake_bucket: str | None  # raw | curated: the environment's bucket of that role
    prefix: str
    format: str
    columns: tuple[tuple[str, str], ...]
    partition_keys: tuple[tuple[str, str], ...] = ()
    format_options: tuple[tuple[str, Any], ...] = ()
    description: str = ""
    owned: bool = True  # False: made elsewhere (a crawler, another stack); Terraform leaves it alone
    sample: Path | None = None

    @property
    def ref(self) -> str:
        return f"{self.database}.{self.name}"

    @property
    def bucket(self) -> str | None:
        """The bucket of a table with its own ``s3://`` location (None for a data-lake bucket)."""
        return None if self.data_lake_bucket else self.location.removeprefix("s3://").split("/", 1)[0]


def _shown(path: Path) -> Path:
    try:
        return path.resolve().relative_to(REPO_ROOT)
    except ValueError:
        return path


def _fail(path: Path, where: str, message: str) -> UserError:
    shown = _shown(path)
    return UserError(f"{shown}: field '{where}': {message}" if where else f"{shown}: {message}")


def load_catalog(root: Path = CATALOG_DIR) -> dict[str, CatalogTable]:
    """Every table under ``root`` by ``database.table``; none when the folder is missing."""
    tables: dict[str, CatalogTable] = {}
    if not root.is_dir():
        return tables
    for path in sorted(root.glob("*/*.yaml")):
        table = parse(path)
        tables[table.ref] = table
    return tables


def parse(path: Path) -> CatalogTable:
    database, name = path.parent.name, path.stem
    for what, value in (("database folder", database), ("table file", name)):
        if not NAME_RE.match(value):
            raise _fail(path, "", f"{what} name {value!r} must be lowercase letters, digits, underscores (as Glue)")
    # The declarations' reader: one line for invalid YAML (with its line), a key given twice, non-UTF-8 text.
    data = load_yaml(path, str(_shown(path))) or {}
    if not isinstance(data, dict):
        raise _fail(path, "", "must be a mapping of fields (see catalog/README.md)")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise _fail(path, unknown[0], f"unknown field; known fields are {', '.join(FIELDS)}")
    for key in ("location", "format", "columns"):
        if key not in data:
            raise _fail(path, key, "is required")
    fmt = str(data["format"])
    if fmt not in FORMATS:
        raise _fail(path, "format", f"{fmt!r} is not one of {', '.join(FORMATS)}")
    options = data.get("format_options") or {}
    if not isinstance(options, dict):
        raise _fail(path, "format_options", "must be a mapping")
    for key in options:
        if key not in TABLE_OPTIONS[fmt]:
            allowed = ", ".join(TABLE_OPTIONS[fmt]) or "none"
            raise _fail(path, f"format_options.{key}", f"a {fmt} catalog table cannot carry it (allowed: {allowed})")
    owned = data.get("owned", True)
    if not isinstance(owned, bool):
        raise _fail(path, "owned", f"must be true or false, got {owned!r}")
    location, lake, prefix = _location(path, data["location"])
    sample = None
    if data.get("sample") is not None:
        sample = (path.parent / str(data["sample"])).resolve()
        if not sample.exists():
            raise _fail(path, "sample", f"{sample} does not exist")
    return CatalogTable(
        database=database,
        name=name,
        file=path,
        location=location,
        data_lake_bucket=lake,
        prefix=prefix,
        format=fmt,
        columns=_columns(path, "columns", data["columns"], required=True),
        partition_keys=_columns(path, "partition_keys", data.get("partition_keys") or [], required=False),
        format_options=tuple(sorted(options.items())),
        description=str(data.get("description") or ""),
        owned=owned,
        sample=sample,
    )


def _location(path: Path, value: Any) -> tuple[str, str | None, str]:
    """``s3://bucket/prefix/`` or ``{bucket: raw|curated, prefix: p/}`` -> (uri or "", data-lake bucket, prefix)."""
    if isinstance(value, dict):
        if set(value) != {"bucket", "prefix"} or value["bucket"] not in DATA_LAKE_BUCKETS:
            shape = f"{{bucket: {'|'.join(DATA_LAKE_BUCKETS)}, prefix: p/}}"
            raise _fail(path, "location", f"a data-lake location is {shape}")
        prefix = str(value["prefix"])
        if not prefix.endswith("/") or prefix.startswith("/"):
            raise _fail(path, "location.prefix", f"a folder ends with '/' and does not start with one, got {prefix!r}")
        return "", str(value["bucket"]), prefix
    text = str(value)
    bucket, _, prefix = text.removeprefix("s3://").partition("/")
    if not text.startswith("s3://") or not bucket or not text.endswith("/"):
        raise _fail(path, "location", f"must be s3://bucket/folder/ or {{bucket: raw, prefix: folder/}}, got {text!r}")
    return text, None, prefix


def _columns(path: Path, key: str, value: Any, required: bool) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list) or (required and not value):
        raise _fail(path, key, "must be a list of {name, type}" + (" with at least one column" if required else ""))
    out: list[tuple[str, str]] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) - {"name", "type", "comment"} or not {"name", "type"} <= set(item):
            raise _fail(path, f"{key}[{i}]", f"needs name and type, got {item!r}")
        name, kind = str(item["name"]), str(item["type"]).strip().lower()
        if not COLUMN_RE.match(name):
            raise _fail(path, f"{key}[{i}].name", f"{name!r}: Glue stores column names in lower case")
        if not TYPE_RE.match(kind):
            raise _fail(path, f"{key}[{i}].type", f"{item['type']!r} is not a Glue/Hive type like bigint or string")
        out.append((name, kind))
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise _fail(path, key, "a column is listed twice")
    return tuple(out)


def check_reads(job_name: str, declaration: Path, reads: tuple[str, ...], tables: dict[str, CatalogTable]) -> None:
    """Every ``catalog_reads`` entry of a job names a table of the catalog folder."""
    for ref in reads:
        if ref not in tables:
            database, _, table = ref.partition(".")
            raise UserError(
                f"{_shown(declaration)}: field 'catalog_reads': {ref} is not in the catalog; add "
                f"catalog/{database}/{table}.yaml (see catalog/README.md) or remove it"
            )


def terraform_value(tables: dict[str, CatalogTable]) -> dict[str, dict[str, Any]]:
    """Terraform's ``catalog_tables`` variable (terraform/variables.tf): every table, owned or not.

    Jobs' read grants need the tables made elsewhere too; only owned ones become resources.
    """
    value: dict[str, dict[str, Any]] = {}
    for ref, t in sorted(tables.items()):
        options = dict(t.format_options)
        value[ref] = {
            "database": t.database,
            "name": t.name,
            "description": t.description,
            "owned": t.owned,
            "data_lake_bucket": t.data_lake_bucket,
            "bucket": t.bucket,
            "prefix": t.prefix,
            "format": t.format,
            "header": bool(options.get("withHeader", False)),
            "separator": str(options.get("separator", ",")),
            "columns": [{"name": n, "type": k} for n, k in t.columns],
            "partition_keys": [{"name": n, "type": k} for n, k in t.partition_keys],
        }
    return value
