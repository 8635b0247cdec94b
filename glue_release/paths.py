"""Where things live in the repository."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
JOBS_DIR = REPO_ROOT / "jobs"
RUNTIME_DIR = REPO_ROOT / "glue_runtime"
TERRAFORM_DIR = REPO_ROOT / "terraform"
BOOTSTRAP_DIR = TERRAFORM_DIR / "bootstrap"
ENVIRONMENTS_DIR = REPO_ROOT / "environments"
BUILD_DIR = REPO_ROOT / "build"


def env_build_dir(env: str, root: Path = BUILD_DIR) -> Path:
    path = root / env
    path.mkdir(parents=True, exist_ok=True)
    return path
