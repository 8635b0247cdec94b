"""``invoke lint``: every static check the pull-request workflow runs, in one place.

Checkers with dependencies that clash with the project's (checkov pins an old
boto3; the workflow linters ship binaries) live in their own venvs under
``.tools/`` and are called by path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from glue_release.errors import UserError
from glue_release.paths import BUILD_DIR, REPO_ROOT, TERRAFORM_DIR
from glue_release.terraform.runner import cli_config

TOOLS = REPO_ROOT / ".tools"


def terraform_roots() -> list[Path]:
    """The root module, bootstrap and every reusable module: each is validated on its own."""
    return [
        TERRAFORM_DIR,
        TERRAFORM_DIR / "bootstrap",
        *sorted(p for p in (TERRAFORM_DIR / "modules").iterdir() if p.is_dir()),
    ]


def _run(name: str, cmd: Sequence[str], env: dict[str, str] | None = None, cwd: Path = REPO_ROOT) -> bool:
    print(f"==> {name}", flush=True)
    result = subprocess.run(list(cmd), cwd=cwd, env=env)
    if result.returncode != 0:
        print(f"    {name}: FAILED (exit {result.returncode})", flush=True)
    return result.returncode == 0


def _tool(venv: str, binary: str) -> str:
    path = TOOLS / venv / "bin" / binary
    if not path.exists():
        raise UserError(
            f"{path.relative_to(REPO_ROOT)} is missing; install it with "
            f"`python3.11 -m venv .tools/{venv} && .tools/{venv}/bin/pip install -r tools/{venv}-requirements.txt` "
            "(./dev does this)"
        )
    return str(path)


def validate_terraform(provider_mirror: str | None) -> bool:
    """``init -backend=false`` and ``validate`` each module, in a copy: init writes lock files into module folders."""
    ok = True
    with tempfile.TemporaryDirectory(prefix="lint-terraform-") as tmp:
        copy = Path(tmp) / "terraform"
        shutil.copytree(TERRAFORM_DIR, copy, ignore=shutil.ignore_patterns(".terraform"))
        env = {
            **os.environ,
            **cli_config(provider_mirror, Path(tmp) / "terraform.rc", BUILD_DIR / "lint" / "plugin-cache"),
            "TF_IN_AUTOMATION": "1",
        }
        for root in terraform_roots():
            where = copy / root.relative_to(TERRAFORM_DIR)
            name = f"terraform validate {root.relative_to(REPO_ROOT)}"
            init = subprocess.run(
                ["terraform", "init", "-backend=false", "-input=false", "-no-color"],
                cwd=where,
                env=env,
                capture_output=True,
                text=True,
            )
            if init.returncode != 0:
                print(f"==> {name}\n{init.stdout}{init.stderr}    {name}: FAILED (init)")
                ok = False
                continue
            ok &= _run(name, ["terraform", "validate", "-no-color"], env, where)
    return ok


def lint(provider_mirror: str | None) -> None:
    if shutil.which("terraform") is None:
        raise UserError("terraform not found on PATH; install Terraform >= 1.6")
    BUILD_DIR.mkdir(exist_ok=True)
    checkov, actionlint, shellcheck, zizmor = (
        _tool("checkov", "checkov"),
        _tool("lint", "actionlint"),
        _tool("lint", "shellcheck"),
        _tool("lint", "zizmor"),
    )
    results = {
        "ruff check": _run("ruff check", [sys.executable, "-m", "ruff", "check", "."]),
        "ruff format": _run("ruff format", [sys.executable, "-m", "ruff", "format", "--check", "."]),
        "terraform fmt": _run("terraform fmt", ["terraform", "fmt", "-check", "-recursive", "-diff", "terraform"]),
        "terraform validate": validate_terraform(provider_mirror),
        "checkov": _run(
            "checkov",
            [
                checkov,
                "-d",
                "terraform",
                "--skip-download",
                "--quiet",
                "--compact",
                "--output",
                "cli",
                "--output",
                "sarif",
                "--output-file-path",
                f"console,{BUILD_DIR / 'checkov.sarif'}",
            ],
        ),
        "actionlint": _run("actionlint", [actionlint, "-shellcheck", shellcheck]),
        "zizmor": _run("zizmor", [zizmor, "--offline", "--persona", "pedantic", ".github"]),
    }
    failed = [name for name, ok in results.items() if not ok]
    print("\nlint: " + ", ".join(f"{name} {'ok' if ok else 'FAILED'}" for name, ok in results.items()))
    if failed:
        raise UserError(f"lint failed: {', '.join(failed)}; see the output above")
