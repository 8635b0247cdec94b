"""The release steps for one environment: bootstrap, package, upload, plan, apply.

Each step reads what the previous one wrote under ``build/<env>/`` (manifest,
var file, saved plan), so a person or a workflow can run them one at a time
and get exactly what ``deploy`` does in one go.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import ClientError
from python_terraform import IsFlagged

from glue_release import aws, plan_summary, upload
from glue_release.declarations import JobDeclaration
from glue_release.errors import UserError
from glue_release.packaging import Manifest, package
from glue_release.paths import BOOTSTRAP_DIR, REPO_ROOT, RUNTIME_DIR, TERRAFORM_DIR
from glue_release.settings import Settings, read_tfvars
from glue_release.terraform import TerraformRunner, cli_config


@dataclass(frozen=True)
class PlanResult:
    changed: bool
    plan_file: Path
    summary_file: Path
    counts: dict[str, int]


# -- per-environment plumbing ------------------------------------------------------


@contextmanager
def env_lock(settings: Settings) -> Iterator[None]:
    """One release command per environment and checkout at a time (Terraform's state lock covers other machines)."""
    settings.build_dir.mkdir(parents=True, exist_ok=True)
    path = settings.build_dir / ".lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise UserError(
                f"another release command for {settings.env} is running in this checkout ({holder}); "
                "wait for it to finish, then run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()


def terraform_env(settings: Settings) -> dict[str, str]:
    env = cli_config(settings.provider_mirror, settings.build_dir / "terraform.rc")
    if settings.emulator is not None:
        env.update(settings.emulator.aws_env(settings.region))
    return env


def terraform_variables(settings: Settings) -> dict[str, str]:
    return {"aws_endpoint_url": settings.emulator.endpoint} if settings.emulator is not None else {}


def _init_stamp(runner: TerraformRunner, backend: list[str]) -> str:
    """What an init depends on: when none of it changed, the previous init still holds."""
    parts = [*backend, json.dumps(runner.env, sort_keys=True)]
    lock = runner.working_dir / ".terraform.lock.hcl"
    if lock.exists():
        parts.append(lock.read_text())
    for source in backend:
        if Path(source).is_file():
            parts.append(Path(source).read_text())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def init(runner: TerraformRunner, backend: list[str]) -> None:
    """``terraform init -reconfigure`` unless the same init already ran (it costs seconds on every command)."""
    stamp_file = runner.data_dir / "init.stamp"
    stamp = _init_stamp(runner, backend)
    if stamp_file.exists() and stamp_file.read_text() == stamp and (runner.data_dir / "terraform.tfstate").exists():
        return
    runner.init(backend)
    stamp_file.write_text(stamp)


def main_terraform(settings: Settings) -> TerraformRunner:
    runner = TerraformRunner(TERRAFORM_DIR, settings.build_dir / "terraform-data", terraform_env(settings))
    init(runner, [str(settings.backend_config)])
    return runner


def bootstrap_terraform(settings: Settings) -> TerraformRunner:
    runner = TerraformRunner(BOOTSTRAP_DIR, settings.build_dir / "bootstrap-data", terraform_env(settings))
    init(runner, [f"path={settings.build_dir / 'bootstrap.tfstate'}"])
    return runner


def state_bucket(settings: Settings) -> str:
    bucket = read_tfvars(settings.backend_config).get("bucket")
    if not bucket:
        raise UserError(f"{settings.backend_config.name}: bucket must be set")
    return bucket


# -- the steps -----------------------------------------------------------------------


def bootstrap(settings: Settings, only_if_missing: bool = False) -> bool:
    """Create the state and artifacts buckets (``terraform/bootstrap``); True when it applied anything."""
    if only_if_missing:
        s3 = aws.client(settings, "s3")
        try:
            for bucket in (state_bucket(settings), settings.artifacts_bucket):
                s3.head_bucket(Bucket=bucket)
            return False
        except ClientError:
            pass
    runner = bootstrap_terraform(settings)
    plan_file = settings.build_dir / "bootstrap.tfplan"
    variables = {**terraform_variables(settings), "state_bucket_name": state_bucket(settings)}
    changed, _ = runner.plan(plan_file, [settings.tfvars], variables, extra={"compact_warnings": IsFlagged})
    if not changed:
        return False
    runner.apply_plan(plan_file)
    return True


def package_env(
    settings: Settings, jobs: dict[str, JobDeclaration], runtime_dir: Path = RUNTIME_DIR, commit: str | None = None
) -> Manifest:
    return package(jobs, settings.build_dir, runtime_dir, commit)


@contextmanager
def checkout(commit: str, repo: Path = REPO_ROOT) -> Iterator[tuple[Path, str]]:
    """A temporary worktree of ``commit`` (and its full sha), removed afterwards; the user's checkout is untouched."""
    resolved = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"], cwd=repo, capture_output=True, text=True
    )
    if resolved.returncode != 0:
        raise UserError(f"commit {commit!r} not found in this repository; `git fetch` it or check the id")
    sha = resolved.stdout.strip()
    tree = Path(tempfile.mkdtemp(prefix=f"rollback-{sha[:12]}-"))
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=repo, check=True, capture_output=True)
    try:
        yield tree, sha
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=repo, capture_output=True)


def manifest_of(settings: Settings) -> Manifest:
    return Manifest.read(settings.build_dir / "manifest.json")


def upload_env(settings: Settings, manifest: Manifest) -> upload.UploadReport:
    return upload.upload(aws.client(settings, "s3"), settings.artifacts_bucket, manifest, REPO_ROOT)


def plan_env(settings: Settings, manifest: Manifest, title: str = "Plan", lock: bool = True) -> PlanResult:
    """A saved plan plus its JSON, text and Markdown summary under ``build/<env>/``.

    ``lock=False`` (Terraform's -lock=false) is for plans nobody applies as they are (pull requests, drift,
    a plan for review): the read-only plan role cannot write the lock, and they must not block an apply.
    """
    runner = main_terraform(settings)
    plan_file = settings.build_dir / "tfplan"
    var_files = [settings.tfvars, settings.build_dir / "release.tfvars.json"]
    extra: dict[str, object] | None = None if lock else {"lock": False}
    changed, text = runner.plan(plan_file, var_files, terraform_variables(settings), extra)
    (settings.build_dir / "plan.txt").write_text(text)
    plan_json = settings.build_dir / "plan.json"
    drift = title == "Drift"
    # An unchanged plan has nothing to summarise but drift, which only `drift` reports:
    # skipping `terraform show` there keeps a no-op deploy close to a bare plan.
    if changed or drift:
        plan = runner.show_json(plan_file)
        plan_json.write_text(json.dumps(plan))
    else:
        plan = {"resource_changes": []}
        plan_json.unlink(missing_ok=True)
    summary = settings.build_dir / ("drift.md" if drift else "plan.md")
    summary.write_text(plan_summary.render(plan, settings.env, manifest.git_commit, title))
    return PlanResult(
        changed=changed or bool(drift and plan_summary.drifted(plan)),
        plan_file=plan_file,
        summary_file=summary,
        counts=dict(plan_summary.counts(plan)),
    )


def apply_env(settings: Settings, plan_file: Path | None, lock_timeout: str | None = None) -> None:
    """Apply exactly a saved plan; Terraform itself refuses one made against an older state."""
    if plan_file is None:
        plan_file = settings.build_dir / "tfplan"
        if settings.env == "prod" and not plan_file.exists():
            raise UserError("prod is applied only from a reviewed saved plan: run `invoke plan --env prod` first")
    if not plan_file.exists():
        raise UserError(f"{plan_file} not found; run `invoke plan --env {settings.env}` first")
    main_terraform(settings).apply_plan(plan_file.resolve(), lock_timeout)
