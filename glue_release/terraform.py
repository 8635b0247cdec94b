"""Terraform, driven through python-terraform; the one place the tool runs it.

Terraform's own output reaches the user unchanged. python-terraform's ``cmd``
either captures everything or nothing, and an apply must both stream and let
us read its errors (to explain a stale plan), so long-running commands are
built by python-terraform and run here with stderr teed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_terraform import IsFlagged, Terraform

from glue_release.errors import UserError

MIN_VERSION = (1, 6)
_versions: dict[str, tuple[int, ...]] = {}


@dataclass
class Result:
    code: int
    stdout: str = ""
    stderr: str = ""


@dataclass
class TerraformRunner:
    """Terraform in ``working_dir`` with its own data dir and environment."""

    working_dir: Path
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    binary: str = "terraform"

    def __post_init__(self) -> None:
        check_version(self.binary)
        self._tf = Terraform(working_dir=str(self.working_dir), terraform_bin_path=self.binary)

    def _environ(self) -> dict[str, str]:
        # Each environment gets its own .terraform (providers, backend config), so
        # switching --env never re-initialises another one's.
        return {**os.environ, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "TF_DATA_DIR": str(self.data_dir), **self.env}

    def capture(self, cmd: str, *args: str, **options: object) -> Result:
        """Run and capture (show, output, version): python-terraform's own ``cmd``."""
        saved = dict(os.environ)
        os.environ.update(self._environ())
        try:
            code, out, err = self._tf.cmd(cmd, *args, capture_output=True, **options)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return Result(code, out or "", err or "")

    def stream(self, cmd: str, *args: str, **options: object) -> Result:
        """Run with output shown live, and kept: stdout for the plan text, stderr to explain errors."""
        argv = self._tf.generate_cmd_string(cmd, *args, **options)
        proc = subprocess.Popen(
            argv,
            cwd=self.working_dir,
            env=self._environ(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
        )
        assert proc.stdout is not None and proc.stderr is not None
        out: list[str] = []
        err: list[str] = []
        errors = threading.Thread(target=_tee, args=(proc.stderr, sys.stderr, err), daemon=True)
        errors.start()
        _tee(proc.stdout, sys.stdout, out)
        errors.join()
        return Result(proc.wait(), stdout="".join(out), stderr="".join(err))

    # -- the commands the tool uses -------------------------------------------------

    def init(self, backend_config: list[str] | None = None) -> None:
        options: dict[str, object] = {"input": False, "reconfigure": IsFlagged, "no_color": IsFlagged}
        if backend_config:
            options["backend_config"] = backend_config
        result = self.stream("init", **options)
        if result.code != 0:
            raise UserError(
                f"terraform init failed in {self.working_dir.name}/ (exit {result.code}); see its message above"
            )

    def plan(
        self, plan_file: Path, var_files: list[Path], variables: dict[str, str], extra: dict[str, object] | None = None
    ) -> tuple[bool, str]:
        """Write a saved plan; whether it has changes, and Terraform's text of it."""
        options: dict[str, object] = {
            "input": False,
            "no_color": IsFlagged,
            "detailed_exitcode": IsFlagged,
            "out": str(plan_file),
            "var_file": [str(f) for f in var_files],
            **(extra or {}),
        }
        args = [f"-var={k}={v}" for k, v in variables.items()]
        result = self.stream("plan", *args, **options)
        if result.code == 1 or result.code not in (0, 2):
            raise UserError(f"terraform plan failed (exit {result.code}); {explain(result.stderr)}")
        return result.code == 2, result.stdout

    def apply_plan(self, plan_file: Path, lock_timeout: str | None = None) -> None:
        # lock_timeout: wait that long for the state lock instead of failing at once (Terraform's -lock-timeout).
        options: dict[str, object] = {"input": False, "no_color": IsFlagged, "auto_approve": IsFlagged}
        if lock_timeout:
            options["lock_timeout"] = lock_timeout
        result = self.stream("apply", str(plan_file), **options)
        if result.code != 0:
            raise UserError(f"terraform apply failed (exit {result.code}); {explain(result.stderr)}")

    def show_json(self, plan_file: Path) -> dict:
        result = self.capture("show", str(plan_file), json=IsFlagged, no_color=IsFlagged)
        if result.code != 0:
            raise UserError(f"terraform show failed: {result.stderr.strip().splitlines()[-1:] or ''}")
        return json.loads(result.stdout)

    def outputs(self) -> dict[str, object]:
        result = self.capture("output", json=IsFlagged, no_color=IsFlagged)
        if result.code != 0:
            raise UserError(f"terraform output failed in {self.working_dir.name}/: {result.stderr.strip()}")
        return {name: value["value"] for name, value in json.loads(result.stdout or "{}").items()}


def _tee(source: IO[str], sink: IO[str], kept: list[str]) -> None:
    for line in source:
        sink.write(line)
        sink.flush()
        kept.append(line)


def explain(stderr: str) -> str:
    """One line on what to do about Terraform's error (its own text was shown above)."""
    if "Saved plan is stale" in stderr:
        return (
            "the state changed after this plan was made (another apply ran), so Terraform refused it; "
            "run `invoke plan` again, review the new plan, then apply that"
        )
    if "Error acquiring the state lock" in stderr or ("PreconditionFailed" in stderr and ".tflock" in stderr):
        return (
            "another run holds the state lock (a deploy to the same environment is in progress); "
            "wait for it to finish, then run again"
        )
    if "No valid credential sources found" in stderr or "failed to refresh cached credentials" in stderr:
        return "no AWS credentials: configure a profile, environment variables or an OIDC role"
    return "see Terraform's message above"


def check_version(binary: str = "terraform") -> tuple[int, ...]:
    """Fail clearly when Terraform is missing or older than 1.6 (asked once per binary and process)."""
    path = shutil.which(binary)
    if path is None:
        raise UserError(f"{binary} not found on PATH; install Terraform >= {'.'.join(map(str, MIN_VERSION))}")
    if path not in _versions:
        out = subprocess.run([path, "version", "-json"], capture_output=True, text=True, check=False).stdout
        try:
            version_text = json.loads(out)["terraform_version"]
        except (ValueError, KeyError):
            match = re.search(r"v(\d+\.\d+\.\d+)", out)
            version_text = match[1] if match else "0.0.0"
        version = tuple(int(p) for p in re.findall(r"\d+", version_text)[:3])
        if version[:2] < MIN_VERSION:
            needed = ".".join(map(str, MIN_VERSION))
            raise UserError(f"Terraform {version_text} at {path} is too old; this project needs >= {needed}")
        _versions[path] = version
    return _versions[path]


def cli_config(provider_mirror: str | None, path: Path, plugin_cache: Path | None = None) -> dict[str, str]:
    """Environment pointing Terraform at a CLI config with the provider mirror and plugin cache, when given.

    With neither (a machine with registry access), Terraform keeps the user's own configuration.
    """
    if not provider_mirror and plugin_cache is None:
        return {}
    text = ""
    if plugin_cache is not None:
        plugin_cache.mkdir(parents=True, exist_ok=True)
        text += f"plugin_cache_dir = {json.dumps(str(plugin_cache))}\n"
    if provider_mirror:
        text += (
            "provider_installation {\n"
            "  filesystem_mirror {\n"
            f"    path    = {json.dumps(provider_mirror)}\n"
            '    include = ["registry.terraform.io/*/*"]\n'
            "  }\n"
            '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n'
            "}\n"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return {"TF_CLI_CONFIG_FILE": str(path)}
