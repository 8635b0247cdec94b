"""Local-run settings (S3 mapping, catalog folder, bookmarks folder, Glue version) and the one error for gaps.

The runner (``glue_release.runs.glue_local``) writes the settings as JSON and names the file in
``GLUE_LOCAL_CONFIG``; tests call ``configure`` instead. Nothing here exists on Glue.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn

CONFIG_ENV = "GLUE_LOCAL_CONFIG"
GLUE_VERSIONS = ("5.0", "5.1", "6.0")


class NotAvailableLocally(NotImplementedError):
    """An ``awsglue`` API that this local implementation does not provide."""


def not_available(api: str, hint: str = "") -> NoReturn:
    extra = f"; {hint}" if hint else ""
    raise NotAvailableLocally(
        f"{api} is not available locally (local_glue implements awsglue on plain PySpark){extra}; "
        "run this part on AWS Glue, or keep it out of locally tested code"
    )


@dataclass(frozen=True)
class Settings:
    s3: dict[str, str] = field(default_factory=dict)  # "bucket" or "bucket/prefix" -> local folder
    catalog_dir: str | None = None  # holds <database>/<table>.yaml
    bookmarks_dir: str | None = None  # bookmark state per job, one JSON file each
    glue_version: str = "5.0"
    env: str = "local-run"
    # On ``local`` smoke runs: the tables the runner got from the emulator's Glue catalog (get_table, as the
    # job's role), "database.table" -> {location, format, format_options, columns, partition_keys}. None: the
    # catalog folder is the catalog (run-local, tests).
    tables: dict[str, dict[str, Any]] | None = None


_override: Settings | None = None


def settings() -> Settings:
    if _override is not None:
        return _override
    path = os.environ.get(CONFIG_ENV)
    if not path:
        return Settings(glue_version=os.environ.get("GLUE_VERSION", "5.0"))
    data: dict[str, Any] = json.loads(Path(path).read_text())
    return Settings(**data)


def configure(**changes: Any) -> Settings:
    """Set local settings in this process (tests). ``configure()`` with no arguments resets to the environment's."""
    global _override
    if not changes:
        _override = None
        return settings()
    current = settings()
    _override = replace(current, **changes)
    if _override.glue_version not in GLUE_VERSIONS:
        raise ValueError(f"glue_version {_override.glue_version!r} is not one of {', '.join(GLUE_VERSIONS)}")
    return _override
