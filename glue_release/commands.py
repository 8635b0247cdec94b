"""What each invoke task does; ``tasks.py`` only parses flags and calls these."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from glue_release import aws, declarations, drift_report, local_run, release, scaffold
from glue_release.errors import UserError
from glue_release.packaging import Manifest
from glue_release.paths import BUILD_DIR, JOBS_DIR, REPO_ROOT
from glue_release.settings import Settings, load_settings
from glue_release.smoke import run_smoke
from glue_release.stages import StageRun

UNIT_TEST_INPUTS = ("jobs", "glue_runtime", "glue_release", "tests", "conftest.py", "pyproject.toml")


# -- develop -------------------------------------------------------------------------


def run_local(job_name: str, arg_pairs: list[str]) -> None:
    jobs = declarations.load_jobs()
    job = declarations.select_job(jobs, job_name)
    overrides = local_run.parse_overrides(arg_pairs)
    output_root = BUILD_DIR / "local-runs" / job.name
    run = local_run.run_local(job, overrides, output_root)
    if run.returncode != 0:
        raise UserError(f"job {job.name} failed (exit {run.returncode}); its output is above")
    print(f"\n{job.name} wrote:")
    for name, folder in run.outputs.items():
        rows = run.rows.get(name)
        print(f"  {name:<24} {'no data' if rows is None else f'{rows} rows':>10}  {folder}")


def new_job(name: str) -> None:
    folder = scaffold.new_job(name, JOBS_DIR)
    print(f"created {folder.relative_to(REPO_ROOT)}/: edit job.yaml, transforms.py and its test, then:")
    print(f"  invoke test --unit && invoke run-local --job {name}")


def test(unit: bool = False) -> None:
    """pytest over jobs/ and tests/; ``unit`` leaves out what needs the emulator or extra JVMs."""
    cmd = [sys.executable, "-m", "pytest"]
    if unit:
        cmd += ["-m", "not emulator and not slow and not terraform"]
    result = subprocess.run(cmd, cwd=REPO_ROOT)
    if result.returncode != 0:
        raise UserError(f"tests failed (pytest exit {result.returncode}); see the failures above")


def lint(config: Mapping[str, Any]) -> None:
    from glue_release.lint import lint as run_lint

    run_lint(config.get("provider_mirror") or None)


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for name in UNIT_TEST_INPUTS:
        root = REPO_ROOT / name
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(REPO_ROOT)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def unit_tests_once() -> str:
    """Unit tests, skipped when nothing they cover changed since they last passed."""
    stamp = BUILD_DIR / "unit-tests.passed"
    digest = _sources_digest()
    if stamp.exists() and stamp.read_text() == digest:
        return "passed before on these sources"
    test(unit=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest)
    return "passed"


# -- release -------------------------------------------------------------------------


def settings_for(env: str, config: Mapping[str, Any]) -> Settings:
    build_root = config.get("build_root")
    return load_settings(env, config, build_root=Path(build_root) if build_root else BUILD_DIR)


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def package(env: str, config: Mapping[str, Any]) -> None:
    settings = settings_for(env, config)
    manifest = release.package_env(settings, declarations.load_jobs())
    print(f"packaged {len(manifest.jobs)} jobs and the library into {shown(settings.build_dir)}/")
    print(f"  library  {manifest.library.key}")
    for name, job in manifest.jobs.items():
        print(f"  {name:<24} {job.script.key}")


def _connect(settings: Settings, start_emulator: bool = True) -> str:
    """Make AWS reachable: the emulator (started if needed) for local, credentials everywhere."""
    if settings.emulator is not None and start_emulator:
        settings.emulator.up()
    return aws.check_credentials(settings)


def upload(env: str, config: Mapping[str, Any]) -> None:
    settings = settings_for(env, config)
    manifest = release.manifest_of(settings)
    with release.env_lock(settings):
        _connect(settings)
        if settings.is_local:
            release.bootstrap(settings, only_if_missing=True)
        report = release.upload_env(settings, manifest)
    print(
        f"uploaded {len(report.uploaded)} artifacts, {len(report.present)} already in s3://{settings.artifacts_bucket}"
    )


def plan(env: str, config: Mapping[str, Any], detailed_exitcode: bool = False, lock: bool = True) -> int:
    """Package, then plan; exit code 2 (with ``detailed_exitcode``) when the plan has changes."""
    settings = settings_for(env, config)
    jobs = declarations.load_jobs()
    with release.env_lock(settings):
        _connect(settings)
        manifest = release.package_env(settings, jobs)
        if settings.is_local:
            release.bootstrap(settings, only_if_missing=True)
        result = release.plan_env(settings, manifest, lock=lock)
    print(result.summary_file.read_text())
    print(f"saved plan: {shown(result.plan_file)}")
    print(f"review summary: {shown(result.summary_file)}")
    return 2 if result.changed and detailed_exitcode else 0


def apply(env: str, config: Mapping[str, Any], plan_file: str | None = None, lock_timeout: str | None = None) -> None:
    settings = settings_for(env, config)
    with release.env_lock(settings):
        _connect(settings, start_emulator=False)
        release.apply_env(settings, Path(plan_file) if plan_file else None, lock_timeout)


def drift(env: str, config: Mapping[str, Any], lock: bool = True) -> int:
    """Plan with refresh against the checked-out code; 2 when something was changed outside Terraform.

    Code not yet deployed (e.g. a prod apply waiting for approval) is not drift: ``pending.md``.
    """
    settings = settings_for(env, config)
    jobs = declarations.load_jobs()
    with release.env_lock(settings):
        _connect(settings)
        manifest = release.package_env(settings, jobs)
        release.plan_env(settings, manifest, title="Drift", lock=lock)
    report = drift_report.write(settings.build_dir / "plan.json", settings.build_dir, env, manifest.git_commit)
    print((settings.build_dir / "drift.md").read_text())
    print((settings.build_dir / "pending.md").read_text())
    return 2 if report.drifted else 0


def rollback(
    env: str, config: Mapping[str, Any], to: str, repo: Path = REPO_ROOT, plan_only: bool = False, lock: bool = True
) -> StageRun:
    """Deploy the jobs as they were at commit ``to`` with today's Terraform; their artifacts are still stored.

    ``plan_only``: package and plan, nothing else (no upload, no apply), for a reviewer; then
    ``invoke upload`` and ``invoke apply --plan build/ENV/tfplan`` apply exactly that plan.
    """
    settings = settings_for(env, config)
    run = StageRun(f"rollback {'plan ' if plan_only else ''}of {env}")
    with release.env_lock(settings), release.checkout(to, repo) as (tree, sha):
        jobs = run.run(
            "declarations", lambda: declarations.load_jobs(tree / "jobs"), lambda j: f"{len(j)} jobs at {sha[:12]}"
        )
        run.run("account", lambda: _connect(settings), lambda account: f"account {account}")
        _ship(
            run,
            settings,
            lambda: release.package_env(settings, jobs, tree / "glue_runtime", commit=sha),
            title="Rollback",
            unchanged=f"{env} already runs the jobs of {sha[:12]}",
            show_summary=True,
            plan_only=plan_only,
            lock=lock,
        )
    print(run.summary())
    return run


def _ship(
    run: StageRun,
    settings: Settings,
    build: Callable[[], Manifest],
    title: str = "Plan",
    unchanged: str = "no changes",
    show_summary: bool = False,
    plan_only: bool = False,
    lock: bool = True,
    lock_timeout: str | None = None,
) -> release.PlanResult:
    """The stages deploy and rollback share: package, (local) bootstrap, upload, plan, apply when it changes.

    ``plan_only`` stops after the plan and uploads nothing (the read-only plan role can't).
    """
    manifest = run.run("package", build, lambda m: f"{len(m.artifacts())} artifacts")
    if settings.is_local:
        run.run(
            "bootstrap",
            lambda: release.bootstrap(settings, only_if_missing=True),
            lambda applied: "created state and artifacts buckets" if applied else "buckets exist",
        )
    if plan_only:
        run.skip("upload", "plan only: `invoke upload` before the apply")
    else:
        run.run(
            "upload",
            lambda: release.upload_env(settings, manifest),
            lambda r: f"{len(r.uploaded)} uploaded, {len(r.present)} already there",
        )
    result = run.run(
        "plan",
        lambda: release.plan_env(settings, manifest, title, lock=lock),
        lambda p: ", ".join(f"{n} {a}" for a, n in sorted(p.counts.items())) or "no changes",
    )
    if show_summary:  # before the apply, so the person who asked sees what is applied
        print(result.summary_file.read_text())
    if plan_only:
        run.skip("apply", f"plan only: review it, then `invoke apply --plan {shown(result.plan_file)}`")
    elif result.changed:
        run.run("apply", lambda: release.apply_env(settings, result.plan_file, lock_timeout))
    else:
        run.skip("apply", unchanged)
    return result


def bootstrap(env: str, config: Mapping[str, Any]) -> None:
    settings = settings_for(env, config)
    with release.env_lock(settings):
        _connect(settings)
        applied = release.bootstrap(settings)
    print("bootstrap applied" if applied else "bootstrap: no changes")


def deploy(
    env: str,
    config: Mapping[str, Any],
    skip_tests: bool = False,
    smoke: bool = True,
    jobs_dir: Path = JOBS_DIR,
    lock_timeout: str | None = None,
) -> StageRun:
    settings = settings_for(env, config)
    jobs = declarations.load_jobs(jobs_dir)
    run = StageRun(f"deploy to {env}")
    with release.env_lock(settings):
        if settings.emulator is not None:
            emulator = settings.emulator
            run.run("emulator", emulator.up, lambda started: f"started on {emulator.endpoint}" if started else "up")
        run.run("account", lambda: aws.check_credentials(settings), lambda account: f"account {account}")
        if skip_tests:
            run.skip("tests", "--skip-tests")
        else:
            run.run("tests", unit_tests_once, str)
        result = _ship(run, settings, lambda: release.package_env(settings, jobs), lock_timeout=lock_timeout)
        if smoke:
            smoke_stage(run, settings, jobs, applied=result.changed)
        else:
            run.skip("smoke", "--no-smoke")
    print(run.summary())
    return run


def smoke(env: str, config: Mapping[str, Any], only: list[str], timeout_s: float = 900) -> None:
    settings = settings_for(env, config)
    jobs = declarations.load_jobs()
    with release.env_lock(settings):
        _connect(settings, start_emulator=False)
        _smoke(settings, jobs, only, timeout_s)


def _smoke(
    settings: Settings,
    jobs: dict[str, declarations.JobDeclaration],
    only: list[str] | None = None,
    timeout_s: float = 900,
) -> None:
    report = run_smoke(settings, jobs, only=only or None, timeout_s=timeout_s)
    print(report.table())
    if not report.ok:
        raise UserError("a smoke run failed; its errors are shown above")
    if not only:
        _smoke_stamp(settings).write_text(_deployment_digest(settings))


def _smoke_stamp(settings: Settings) -> Path:
    return settings.build_dir / "smoke.passed"


def _deployment_digest(settings: Settings) -> str:
    """What a smoke run proved: the deployed declarations and artifacts (the var file Terraform applied)."""
    return hashlib.sha256((settings.build_dir / "release.tfvars.json").read_bytes()).hexdigest()


def smoke_stage(run: StageRun, settings: Settings, jobs: dict[str, declarations.JobDeclaration], applied: bool) -> None:
    stamp = _smoke_stamp(settings)
    if not applied and stamp.exists() and stamp.read_text() == _deployment_digest(settings):
        run.skip("smoke", "passed before on this exact deployment")
        return
    stamp.unlink(missing_ok=True)
    run.run("smoke", lambda: _smoke(settings, jobs), lambda _: "all jobs green")


# -- the local emulator -----------------------------------------------------------------


def local_up(config: Mapping[str, Any]) -> None:
    emulator = settings_for("local", config).emulator
    assert emulator is not None
    started = emulator.up()
    print(f"emulator {'started' if started else 'already running'} on {emulator.endpoint} (pid {emulator.pid()})")


def local_down(config: Mapping[str, Any]) -> None:
    emulator = settings_for("local", config).emulator
    assert emulator is not None
    print("emulator stopped" if emulator.down() else "emulator was not running")


def local_status(config: Mapping[str, Any]) -> None:
    emulator = settings_for("local", config).emulator
    assert emulator is not None
    status = emulator.status()
    if status["running"]:
        print(f"emulator running on {status['endpoint']} (pid {status['pid']})")
    else:
        raise UserError(f"emulator not running on {status['endpoint']}; start it with `invoke local.up`")
