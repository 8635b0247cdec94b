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
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from python_terraform import IsFlagged

from glue_release import aws
from glue_release.artifacts import artifact_check, upload
from glue_release.artifacts.packaging import Manifest, package
from glue_release.declarations import JobDeclaration, load_jobs
from glue_release.emulator.iam import roles
from glue_release.errors import UserError
from glue_release.paths import BOOTSTRAP_DIR, REPO_ROOT, RUNTIME_DIR, TERRAFORM_DIR
from glue_release.review import assemble, gate, plan_summary
from glue_release.settings import Settings, read_tfvars
from glue_release.terraform import bootstrap_state, orphans, state_lock
from glue_release.terraform.console import planned_total
from glue_release.terraform.runner import TerraformRunner, cli_config

CREDENTIAL_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}


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


def terraform_env(settings: Settings, purpose: str | None = None) -> dict[str, str]:
    """Terraform's environment; on ``local`` signed as the ``purpose`` role (deploy, plan) or else the admin."""
    env = cli_config(settings.provider_mirror, settings.build_dir / "terraform.rc")
    if settings.emulator is not None:
        env.update(settings.emulator.aws_env(settings.region))
        # The emulator needs no profile; an empty value is "unset" to the AWS SDK Terraform uses.
        env.update({"AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": ""})
        # Nor the user's AWS files: a broken ~/.aws/config must not stop local (the keys are given above).
        env.update({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
        if purpose is not None:
            env.update(roles.release_credentials(settings, purpose).env())
    return env


def terraform_variables(settings: Settings) -> dict[str, str]:
    return {"aws_endpoint_url": settings.emulator.endpoint} if settings.emulator is not None else {}


def _init_stamp(runner: TerraformRunner, backend: list[str]) -> str:
    """What an init depends on: when none of it changed, the previous init still holds."""
    # Credentials are left out: assumed-role sessions differ on every command, the init does not.
    env = {k: v for k, v in runner.env.items() if k not in CREDENTIAL_VARIABLES}
    parts = [*backend, json.dumps(env, sort_keys=True)]
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


def _runner(
    settings: Settings, working_dir: Path, data_dir: Path, log_prefix: str = "", purpose: str | None = None
) -> TerraformRunner:
    return TerraformRunner(
        working_dir,
        data_dir,
        terraform_env(settings, purpose),
        log_dir=settings.build_dir / "logs",
        verbose=settings.verbose,
        log_prefix=log_prefix,
    )


def main_terraform(settings: Settings, purpose: str = roles.DEPLOY) -> TerraformRunner:
    """Terraform of the environment's jobs; on ``local`` as the release role of ``purpose`` (iam.roles)."""
    runner = _runner(settings, TERRAFORM_DIR, settings.build_dir / "terraform-data", purpose=purpose)
    init(runner, [str(settings.backend_config)])
    return runner


def bootstrap_terraform(settings: Settings, first_apply: bool = False) -> TerraformRunner:
    """Bootstrap with its state in the state bucket, or (first apply) in a local file."""
    if not first_apply:
        runner = _runner(settings, BOOTSTRAP_DIR, settings.build_dir / "bootstrap-data", log_prefix="bootstrap-")
        init(runner, bootstrap_state.s3_backend(settings.backend_config, settings.env))
        return runner
    work = settings.build_dir / "bootstrap-first-apply"
    runner = _runner(settings, bootstrap_state.first_apply_copy(work), work / "terraform-data", "bootstrap-")
    runner.init([f"path={settings.build_dir / 'bootstrap.tfstate'}"])
    return runner


def state_key(settings: Settings) -> str:
    key = read_tfvars(settings.backend_config).get("key")
    if not key:
        raise UserError(f"{settings.backend_config.name}: key must be set")
    return key


def state_bucket(settings: Settings) -> str:
    bucket = read_tfvars(settings.backend_config).get("bucket")
    if not bucket:
        raise UserError(f"{settings.backend_config.name}: bucket must be set")
    return bucket


# -- the steps -----------------------------------------------------------------------


def bootstrap(
    settings: Settings,
    only_if_missing: bool = False,
    jobs: Mapping[str, JobDeclaration] | None = None,
) -> bool:
    """Create the state and artifacts buckets (``terraform/bootstrap``); True when it applied anything.

    ``jobs`` (default: the repository's): their adopted Glue names in this environment, which the
    deploy role is granted besides ``<name_prefix>-*`` (see ``adopted_glue_names``).
    """
    if settings.is_local:  # another team's buckets and tables exist before we deploy; in the emulator we make them
        from glue_release.artifacts.packaging import catalog_dir
        from glue_release.catalog import CATALOG_DIR
        from glue_release.emulator.standins import ensure_catalog_tables, ensure_external_buckets

        ensure_external_buckets(settings)
        ensure_catalog_tables(settings, catalog_dir(dict(jobs)) if jobs else CATALOG_DIR)
    if only_if_missing:
        s3 = aws.client(settings, "s3")
        try:
            for bucket in (state_bucket(settings), settings.artifacts_bucket):
                s3.head_bucket(Bucket=bucket)
            return False
        except ClientError:
            pass
    bucket = state_bucket(settings)
    first_apply = not bootstrap_state.remote_state_exists(aws.client(settings, "s3"), bucket, settings.env)
    runner = bootstrap_terraform(settings, first_apply)
    plan_file = settings.build_dir / "bootstrap.tfplan"
    variables = {
        **terraform_variables(settings),
        "state_bucket_name": bucket,
        "state_key": state_key(settings),
        "adopted_glue_names": json.dumps(adopted_glue_names(settings, jobs)),
    }
    changed, text = runner.plan(plan_file, [settings.tfvars], variables, extra={"compact_warnings": IsFlagged})
    if changed:
        runner.apply_plan(plan_file, planned_total(text))
        runner.refresh_state([settings.tfvars], variables)  # so that drift right after shows none
        roles.forget_bootstrap_outputs(settings)  # the release roles may be new
    if first_apply:
        _move_bootstrap_state(settings)
    return changed


def adopted_glue_names(settings: Settings, jobs: Mapping[str, JobDeclaration] | None = None) -> dict[str, list[str]]:
    """The Glue jobs and triggers adopted from ``settings.env``, by their names in the account."""
    jobs = load_jobs() if jobs is None else jobs
    adopted = [job.adopted for job in jobs.values() if job.adopted and job.adopted.environment == settings.env]
    return {
        "jobs": sorted(a.job_name for a in adopted),
        "triggers": sorted(t for a in adopted for t in (a.schedule_trigger, a.upstream_trigger) if t),
    }


def _move_bootstrap_state(settings: Settings) -> None:
    """Push the first apply's local state into the state bucket, then drop the local file."""
    local = settings.build_dir / "bootstrap.tfstate"
    remote = bootstrap_terraform(settings, first_apply=False)
    pushed = remote.capture("state", "push", str(local))
    if pushed.code != 0:
        raise UserError(
            f"bootstrap applied, but its state could not be moved to the state bucket: {pushed.stderr.strip()}; "
            f"it is still in {local}: run `invoke bootstrap --env {settings.env}` again"
        )
    local.unlink()
    for leftover in settings.build_dir.glob("bootstrap.tfstate.*backup"):
        leftover.unlink()


def package_env(
    settings: Settings, jobs: dict[str, JobDeclaration], runtime_dir: Path = RUNTIME_DIR, commit: str | None = None
) -> Manifest:
    return package(jobs, settings.build_dir, runtime_dir, commit, env=settings.env)


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
    return upload.upload(release_client(settings, "s3"), settings.artifacts_bucket, manifest, REPO_ROOT)


def release_client(settings: Settings, service: str, purpose: str = roles.DEPLOY) -> Any:
    """A client signed as the release role of ``purpose`` on ``local`` (as CI's are on AWS)."""
    if settings.emulator is None:
        return aws.client(settings, service)
    return aws.client(settings, service, roles.release_credentials(settings, purpose))


def plan_env(
    settings: Settings,
    manifest: Manifest,
    title: str = "Plan",
    jobs: Mapping[str, JobDeclaration] | None = None,
    allow: Iterable[str] = (),
    lock: bool = True,
    purpose: str = roles.DEPLOY,
) -> PlanResult:
    """A saved plan plus its JSON, text and Markdown summary under ``build/<env>/``.

    The review (IAM rows, provenance, cost) is part of plan.md; when the policy gate
    finds something not ``allow``-ed, plan.md is still written for the reviewer but
    the saved plan is removed, so it cannot be applied by accident.
    ``lock=False`` (Terraform's -lock=false) is for plans nobody applies as they are (pull requests, drift,
    a plan for review): the read-only plan role cannot write the lock, and they must not block an apply.
    ``purpose`` ``plan``: on ``local``, as the read-only plan role where bootstrap has one (so never locking).
    """
    runner = main_terraform(settings, purpose)
    plan_file = settings.build_dir / "tfplan"
    var_files = [settings.tfvars, settings.build_dir / "release.tfvars.json"]
    read_only = purpose == roles.PLAN and roles.release_role_arn(settings, roles.PLAN) is not None
    extra: dict[str, object] | None = {"lock": False} if read_only or not lock else None
    with state_lock.explained(settings), orphans.included(settings.build_dir, TERRAFORM_DIR):
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
    review = None
    if changed and not drift:
        review = assemble.review(
            plan,
            env=settings.env,
            region=settings.region,
            state_bucket=state_bucket(settings),
            jobs=jobs or {},
            new_commit=manifest.git_commit,
            s3=aws.client(settings, "s3"),
            allow=allow,
        )
    text = plan_summary.render(plan, settings.env, manifest.git_commit, title, review)
    effective = settings.build_dir / "effective.json"
    if effective.exists():  # written by package: what this environment's jobs are sized and scheduled as
        text += "\n" + plan_summary.effective_table(json.loads(effective.read_text()), settings.env)
    summary.write_text(text)
    for pattern in review.unmatched_allow if review is not None else []:
        print(f"note: --allow {pattern!r} matched no finding of the plan for {settings.env}; it accepted nothing")
    if review is not None and review.blocking:
        plan_file.unlink(missing_ok=True)
        raise UserError(gate.message(review.blocking, settings.env))
    return PlanResult(
        changed=changed or bool(drift and plan_summary.drifted(plan)),
        plan_file=plan_file,
        summary_file=summary,
        counts=dict(plan_summary.counts(plan)),
    )


def apply_env(
    settings: Settings, plan_file: Path | None, total: int | None = None, lock_timeout: str | None = None
) -> None:
    """Apply exactly a saved plan; Terraform itself refuses one made against an older state."""
    if plan_file is None:
        plan_file = settings.build_dir / "tfplan"
        if settings.env == "prod" and not plan_file.exists():
            raise UserError("prod is applied only from a reviewed saved plan: run `invoke plan --env prod` first")
    if not plan_file.exists():
        raise UserError(f"{plan_file} not found; run `invoke plan --env {settings.env}` first")
    runner = main_terraform(settings)
    try:
        plan = runner.show_json(plan_file.resolve())
    except UserError as error:
        raise UserError(
            f"{plan_file} is not a saved plan Terraform can read ({error}); "
            f"make one with `invoke plan --env {settings.env}`"
        ) from None
    check_artifacts_uploaded(settings, plan)
    try:
        with state_lock.explained(settings):
            runner.apply_plan(plan_file.resolve(), total, lock_timeout)
    except UserError as error:
        found = orphans.find(getattr(error, "stderr", ""), plan)
        if not found:
            raise
        path = orphans.write(settings.build_dir, found)
        raise UserError(orphans.message(settings.env, found, path)) from None
    orphans.imports_file(settings.build_dir).unlink(missing_ok=True)  # applied: they are in the state now
    release_vars = settings.build_dir / "release.tfvars.json"
    if release_vars.exists():
        with state_lock.explained(settings):
            runner.refresh_state([settings.tfvars, release_vars], terraform_variables(settings))


def check_artifacts_uploaded(settings: Settings, plan: dict) -> None:
    """Refuse a plan that points jobs at artifacts the bucket does not hold (plan, then apply, without upload)."""
    keys = artifact_check.plan_artifact_keys(plan, settings.artifacts_bucket)
    try:
        missing = artifact_check.missing_keys(aws.client(settings, "s3"), settings.artifacts_bucket, keys)
    except (BotoCoreError, ClientError) as error:
        raise UserError(
            f"cannot check the plan's artifacts in s3://{settings.artifacts_bucket} ({error}); nothing was applied"
        ) from None
    if missing:
        raise UserError(
            f"the plan points jobs at {len(missing)} artifact(s) missing from s3://{settings.artifacts_bucket}: "
            f"{', '.join(missing)}; run `invoke upload --env {settings.env}` first (nothing was applied)"
        )


def force_unlock(settings: Settings, lock_id: str) -> None:
    """``terraform force-unlock``: Terraform removes the lock only when ``lock_id`` is the one it holds."""
    runner = main_terraform(settings)
    result = runner.stream("force-unlock", lock_id, force=IsFlagged)
    if result.code != 0:
        raise runner.failure(
            "force-unlock", f"terraform force-unlock {lock_id} failed (exit {result.code}); see its message"
        )


@dataclass(frozen=True)
class BootstrapDrift:
    changed: bool
    text: str  # a Markdown section for drift.md


def bootstrap_drift(settings: Settings, lock: bool = True) -> BootstrapDrift:
    """Drift of what ``terraform/bootstrap`` manages (state and artifacts buckets, their keys, the OIDC role).

    Its state is in the state bucket once bootstrap has applied; before that the section says so
    instead of planning to create everything again.
    """
    bucket = state_bucket(settings)
    title = "#### Bootstrap (state and artifacts buckets, keys, release roles)"
    if not bootstrap_state.remote_state_exists(aws.client(settings, "s3"), bucket, settings.env):
        where = f"s3://{bucket}/{bootstrap_state.state_key(settings.env)}"
        return BootstrapDrift(False, f"{title}\n\nNot checked: no bootstrap state at {where}.\n")
    runner = bootstrap_terraform(settings)
    plan_file = settings.build_dir / "bootstrap-drift.tfplan"
    variables = {**terraform_variables(settings), "state_bucket_name": bucket, "state_key": state_key(settings)}
    extra: dict[str, object] = {"compact_warnings": IsFlagged, **({} if lock else {"lock": False})}
    changed, _ = runner.plan(plan_file, [settings.tfvars], variables, extra=extra)
    plan = runner.show_json(plan_file)
    drift = plan_summary.drifted(plan)
    tally = plan_summary.counts(plan)
    lines = [title, ""]
    if not changed and not drift:
        lines.append("**No changes.**")
    if drift:
        lines += ["**Changed outside Terraform (drift):**", *[f"- `{d}`" for d in drift]]
    if tally:
        lines += ["", "**Resources**", "", "| action | resource |", "|---|---|"]
        lines += [f"| {c.action} | `{c.address}` |" for c in plan_summary.changes(plan) if c.action in tally]
    return BootstrapDrift(changed or bool(drift), "\n".join(lines) + "\n")
