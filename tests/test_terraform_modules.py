"""Static checks of the Terraform code: fmt, validate and the native `terraform test` suites.

Every module directory (the root, `bootstrap/` and each `modules/*`) is initialised without a
backend in a copy of `terraform/`, so neither `.terraform/` directories nor lock files appear in the
checkout. Providers come from the mirror named by INVOKE_PROVIDER_MIRROR when it is set (offline
machines and CI), otherwise from the registry. The `terraform test` files use `mock_provider "aws"`
and need no AWS access.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from glue_release.terraform.runner import cli_config

REPO = Path(__file__).resolve().parents[1]
TERRAFORM = REPO / "terraform"
MODULE_DIRS = [
    ".",
    "bootstrap",
    *sorted(str(p.relative_to(TERRAFORM)) for p in (TERRAFORM / "modules").iterdir() if p.is_dir()),
]
LOCKED_DIRS = {".", "bootstrap"}  # root modules: their lock files are committed

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of terraform/ (modules refer to each other by relative path) and the environment to run it."""
    base = tmp_path_factory.mktemp("terraform-modules")
    copy = base / "terraform"
    shutil.copytree(TERRAFORM, copy, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    env = {k: v for k, v in os.environ.items() if k != "TF_DATA_DIR"}
    env.update(
        **cli_config(os.environ.get("INVOKE_PROVIDER_MIRROR"), base / "terraform.rc", base / "plugin-cache"),
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
    )
    return copy, env


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["terraform", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_fmt() -> None:
    result = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", "terraform", "environments"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"terraform fmt would change:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("module_dir", sorted(LOCKED_DIRS))
def test_root_modules_have_lock_files(module_dir: str) -> None:
    lock = TERRAFORM / module_dir / ".terraform.lock.hcl"
    assert lock.is_file(), f"{lock.relative_to(REPO)} is missing: run terraform init there and commit it"
    assert 'provider "registry.terraform.io/hashicorp/aws"' in lock.read_text()


@pytest.mark.parametrize("module_dir", MODULE_DIRS)
def test_validate_and_test(module_dir: str, workspace: tuple[Path, dict[str, str]]) -> None:
    copy, env = workspace
    cwd = copy / module_dir
    init_args = ["init", "-backend=false", "-no-color"]
    if module_dir in LOCKED_DIRS:
        init_args.append("-lockfile=readonly")
    init = run(init_args, cwd, env)
    assert init.returncode == 0, f"init failed in {module_dir}:\n{init.stdout}\n{init.stderr}"

    validate = run(["validate", "-no-color"], cwd, env)
    assert validate.returncode == 0, f"validate failed in {module_dir}:\n{validate.stdout}\n{validate.stderr}"

    if not list(cwd.glob("tests/*.tftest.hcl")):
        pytest.fail(f"{module_dir} has no tests/*.tftest.hcl")
    test = run(["test", "-no-color"], cwd, env, timeout=600)
    assert test.returncode == 0, f"terraform test failed in {module_dir}:\n{test.stdout}\n{test.stderr}"
