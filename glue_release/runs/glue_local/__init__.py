"""Running unmodified ``awsglue`` scripts locally: the settings local_glue's ``awsglue`` reads.

The data path: a job's ``local.yaml`` (how its ``s3://`` buckets map to folders, which catalog)
+ ``catalog/`` (tables as code) + the declaration's ``glue_version`` and ``bookmarks`` ->
one JSON settings file per run -> ``GLUE_LOCAL_CONFIG`` in the script's environment, with
``local_glue/`` first on its ``sys.path``. Only local runners do this; packaging never
ships ``local_glue/`` (tests/test_packaging.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from glue_release.declarations import JobDeclaration
from glue_release.errors import UserError
from glue_release.paths import BUILD_DIR, REPO_ROOT

LOCAL_GLUE_DIR = REPO_ROOT / "local_glue"
CATALOG_DIR = REPO_ROOT / "catalog"
CONFIG_ENV = "GLUE_LOCAL_CONFIG"
LOCAL_FILE = "local.yaml"


@dataclass(frozen=True)
class LocalSettings:
    s3: dict[str, str]
    catalog_dir: str
    bookmarks_dir: str
    glue_version: str
    env: str
    tables: dict[str, dict[str, Any]] | None = None  # local smoke runs: resolved from the emulator's catalog

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.__dict__, indent=2, sort_keys=True) + "\n")
        return path


def read_local_file(job: JobDeclaration) -> dict[str, Any]:
    path = job.folder / LOCAL_FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict) or set(data) - {"s3", "catalog"}:
        raise UserError(f"{path}: expected a mapping with 's3' (bucket -> folder or null) and optional 'catalog'")
    if not isinstance(data.get("s3") or {}, dict):
        raise UserError(f"{path}: field 's3' must map bucket names to folders (null: a fresh output folder)")
    return data


def local_settings(
    job: JobDeclaration, output_root: Path, env: str = "local-run", bookmarks_dir: Path | None = None
) -> LocalSettings:
    """Settings for one local run of ``job``: a bucket mapped to null gets a fresh folder under ``output_root``."""
    data = read_local_file(job)
    s3: dict[str, str] = {}
    for bucket, folder in (data.get("s3") or {}).items():
        if folder is None:
            target = output_root / "s3" / str(bucket)
            target.mkdir(parents=True, exist_ok=True)
        else:
            target = (job.folder / str(folder)).resolve()
            if not target.exists():
                raise UserError(f"{job.folder / LOCAL_FILE}: s3.{bucket}: {target} does not exist")
        s3[str(bucket)] = str(target)
    catalog = (job.folder / str(data["catalog"])).resolve() if data.get("catalog") else CATALOG_DIR
    return LocalSettings(
        s3=s3,
        catalog_dir=str(catalog),
        bookmarks_dir=str(bookmarks_dir or BUILD_DIR / env / "bookmarks"),
        glue_version=job.glue_version,
        env=env,
    )


def bookmark_argument(job: JobDeclaration) -> dict[str, str]:
    """What Glue passes for the declaration's ``bookmarks`` (terraform sets the same default argument)."""
    return {"job-bookmark-option": "job-bookmark-enable" if job.bookmarks else "job-bookmark-disable"}
