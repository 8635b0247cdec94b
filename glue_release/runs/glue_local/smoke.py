"""Settings for awsglue-style scripts in local smoke runs (the emulator's ``local`` environment).

The smoke runner already swaps every ``s3://`` *argument* for a local folder; what remains is
the bookmark state (``build/local/bookmarks``, next to the runner's work folder) and the Glue
version (argument parsing differs on 6.0), the catalog tables the runner resolved from the
emulator (``tables``) and the folders holding their data and the script's literal ``s3://``
URIs (``s3``), see ``emulator_catalog``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from glue_release.runs.glue_local import CATALOG_DIR, LocalSettings


def smoke_settings(
    work_dir: Path,
    run_dir: Path,
    glue_version: str,
    s3: dict[str, str] | None = None,
    tables: dict[str, dict[str, Any]] | None = None,
) -> Path:
    """Write the settings file for one smoke run under ``run_dir``; ``work_dir`` is build/local/smoke."""
    settings = LocalSettings(
        s3=dict(s3 or {}),
        catalog_dir=str(CATALOG_DIR),
        bookmarks_dir=str(work_dir.parent / "bookmarks"),
        glue_version=glue_version,
        env=work_dir.parent.name,
        tables=dict(tables or {}),  # the emulator's catalog: only the declared reads exist
    )
    return settings.write(run_dir / "glue_local.json")
