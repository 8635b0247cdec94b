"""The Data Catalog as code: ``<catalog_dir>/<database>/<table>.yaml``.

One file per table says where its data is on S3 (``location``), how it is stored
(``format``, ``format_options``), its columns, and optionally a ``sample`` file or folder
(relative to the YAML file) that local runs read instead of S3. The same files feed
Terraform's ``aws_glue_catalog_table`` resources (glue_release.catalog.tables).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from awsglue._local import settings
from awsglue._s3 import to_local


class CatalogError(LookupError):
    pass


@dataclass(frozen=True)
class Table:
    database: str
    name: str
    location: str  # s3://bucket/prefix/
    format: str  # csv | json | parquet | orc
    columns: list[tuple[str, str]] = field(default_factory=list)  # (name, Glue/Hive type)
    format_options: dict[str, Any] = field(default_factory=dict)
    partition_keys: list[tuple[str, str]] = field(default_factory=list)
    sample: Path | None = None

    def local_path(self) -> str:
        """Where a local run reads this table: its sample when declared, else its location mapped to a folder."""
        if self.sample is not None:
            return str(self.sample)
        if not self.location.startswith("s3://"):  # {bucket: raw, prefix: ...}: the environment's bucket
            raise CatalogError(
                f"table {self.database}.{self.name} lives in the data lake's {self.location} bucket, whose name "
                f"depends on the environment; give it a sample: in its catalog/{self.database}/{self.name}.yaml"
            )
        return to_local(self.location)

    def column_type(self, name: str) -> str | None:
        for column, kind in [*self.columns, *self.partition_keys]:
            if column.lower() == name.lower():
                return kind
        return None


def catalog_dir() -> Path:
    configured = settings().catalog_dir
    if not configured:
        raise CatalogError(
            "no local Data Catalog is configured; declare tables in catalog/<database>/<table>.yaml "
            "(run-local passes that folder) or, in a test, awsglue._local.configure(catalog_dir=...)"
        )
    return Path(configured)


def load_table(database: str, table_name: str) -> Table:
    resolved = settings().tables
    if resolved is not None:
        return _resolved_table(database, table_name, resolved)
    root = catalog_dir()
    path = root / database / f"{table_name}.yaml"
    if not path.is_file():
        known = sorted(f"{p.parent.name}.{p.stem}" for p in root.glob("*/*.yaml"))
        raise CatalogError(
            f"table {database}.{table_name} is not in the local catalog {root}; add {path} "
            f"(known tables: {', '.join(known) or 'none'})"
        )
    return parse_table(path)


def _resolved_table(database: str, table_name: str, resolved: dict[str, dict[str, Any]]) -> Table:
    """A table as the emulator's Glue catalog described it (Glue matches names in lower case)."""
    key = f"{database}.{table_name}".lower()
    if key not in resolved:
        raise CatalogError(
            f"table {database}.{table_name} is not one this job declared: add it to catalog_reads in its job.yaml "
            f"(declared: {', '.join(sorted(resolved)) or 'none'}); on AWS its role may read only those"
        )
    data = resolved[key]
    return Table(
        database=database.lower(),
        name=table_name.lower(),
        location=str(data["location"]),
        format=str(data["format"]),
        columns=[(str(n), str(t)) for n, t in data.get("columns") or []],
        format_options=dict(data.get("format_options") or {}),
        partition_keys=[(str(n), str(t)) for n, t in data.get("partition_keys") or []],
    )


def parse_table(path: Path) -> Table:
    data = yaml.safe_load(path.read_text()) or {}
    where = f"{path}"
    for key in ("location", "format"):
        if key not in data:
            raise CatalogError(f"{where}: field '{key}' is required")
    location = data["location"]
    if isinstance(location, dict) and set(location) == {"bucket", "prefix"}:
        location = str(location["bucket"])  # a data-lake bucket role: only its sample can be read locally
    elif not str(location).startswith("s3://"):
        raise CatalogError(
            f"{where}: field 'location' must be an s3:// URI or {{bucket: raw, prefix: p/}}, got {data['location']!r}"
        )

    def columns(key: str) -> list[tuple[str, str]]:
        out = []
        for item in data.get(key) or []:
            if not isinstance(item, dict) or "name" not in item or "type" not in item:
                raise CatalogError(f"{where}: every entry of '{key}' needs name and type, got {item!r}")
            out.append((str(item["name"]), str(item["type"])))
        return out

    sample = data.get("sample")
    sample_path = None
    if sample is not None:
        sample_path = (path.parent / str(sample)).resolve()
        if not sample_path.exists():
            raise CatalogError(f"{where}: field 'sample': {sample_path} does not exist")
    return Table(
        database=path.parent.name,
        name=path.stem,
        location=str(location),
        format=str(data["format"]),
        columns=columns("columns"),
        format_options=dict(data.get("format_options") or {}),
        partition_keys=columns("partition_keys"),
        sample=sample_path,
    )
