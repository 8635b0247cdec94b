"""What each invoke task does; ``tasks.py`` only parses flags and calls these."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from glue_release import aws, declarations, flags, release, scaffold, stamps
from glue_release.artifacts.packaging import Manifest
from glue_release.errors import UserError
from glue_release.paths import BUILD_DIR, JOBS_DIR, REPO_ROOT
from glue_release.review import drift_report
from glue_release.runs import local_run, preview
from glue_release.settings import Settings, load_settings
from glue_release.smoke import run_smoke
from glue_release.stages import StageRun

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
        print(f"  {name:<24} {'no data' if rows is None else f'{rows} rows':>10}  {shown(folder)}")
        if name in run.previews:
            print(preview.table(*run.previews[name]))
            if rows and rows > len(run.previews[name][1]):
                print(f"    … first {len(run.previews[name][1])} of {rows} rows")


def new_job(name: str, style: str = "runtime", jobs_dir: Path = JOBS_DIR) -> None:
    folder = scaffold.new_job(name, jobs_dir, style=style)
    print(f"created {shown(folder)}/: edit job.yaml, transforms.py and its test, then:")
    print(f"  ./dev test --job {name} && ./dev run-local --job {name} && ./dev deploy")


def pytest_command(unit: bool = False, jobs: list[str] | None = None, jobs_dir: Path = JOBS_DIR) -> list[str]:
    """pytest over jobs/ and tests/, or only the named jobs' folders; ``unit`` leaves out emulator and extra JVMs."""
    cmd = [sys.executable, "-m", "pytest"]
    if unit:
        cmd += ["-m", "not emulator and not slow and not terraform"]
    if jobs:
        known = declarations.load_jobs(jobs_dir)
        cmd += [str(declarations.select_job(known, name).folder) for name in dict.fromkeys(jobs)]
    elif not unit:
        # Two workers: the end-to-end tests (one xdist group, tests/conftest.py) spend most of their time
        # waiting on Terraform and the emulator; the other worker runs the rest meanwhile.
        cmd += ["--numprocesses=2", "--dist=loadgroup"]
    return cmd


def test(unit: bool = False, jobs: list[str] | None = None) -> None:
    """pytest in the tool's runtime; the tests of Glue 6.0 jobs in theirs (.venv-glue6: Python 3.13, Spark 4)."""
    from glue_release.runs.glue_local.runtimes import job_test_runs

    ignore, other_runtimes = job_test_runs(declarations.load_jobs())
    marks = ["-m", "not emulator and not slow and not terraform"] if unit else []
    runs = (
        [pytest_command(unit, jobs)]
        if jobs
        else [[*pytest_command(unit), *ignore], *[[*c, *marks] for c in other_runtimes]]
    )
    for cmd in runs:
        result = subprocess.run(cmd, cwd=REPO_ROOT)
        if result.returncode != 0:
            raise UserError(f"tests failed (pytest exit {result.returncode}); see the failures above")


def lint(config: Mapping[str, Any]) -> None:
    from glue_release.lint import lint as run_lint

    run_lint(config.get("provider_mirror") or None)


def unit_tests_once(repo: Path = REPO_ROOT, build_dir: Path = BUILD_DIR) -> str:
    """Unit tests, skipped when nothing they read (see ``stamps.tests_digest``) changed since they last passed."""
    stamp = build_dir / "unit-tests.passed"
    digest = stamps.tests_digest(repo)
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


def plan(
    env: str,
    config: Mapping[str, Any],
    detailed_exitcode: bool = False,
    allow: Sequence[str] = (),
    lock: bool = True,
) -> int:
    """Package, then plan; exit code 2 (with ``detailed_exitcode``) when the plan has changes."""
    settings = settings_for(env, config)
    jobs = declarations.load_jobs()
    with release.env_lock(settings):
        _connect(settings)
        manifest = release.package_env(settings, jobs)
        if settings.is_local:
            release.bootstrap(settings, only_if_missing=True)
        try:
            # A plan for review runs as the read-only plan role on local (as on a pull request).
            result = release.plan_env(settings, manifest, jobs=jobs, allow=allow, lock=lock, purpose="plan")
        except UserError:
            print(f"review summary: {shown(settings.build_dir / 'plan.md')}")
            raise
    print(result.summary_file.read_text())
    print(f"saved plan: {shown(result.plan_file)}")
    print(f"review summary: {shown(result.summary_file)}")
    return 2 if result.changed and detailed_exitcode else 0


def apply(env: str, config: Mapping[str, Any], plan_file: str | None = None, lock_timeout: str | None = None) -> None:
    lock_timeout = flags.duration(lock_timeout, "--lock-timeout")
    settings = settings_for(env, config)
    with release.env_lock(settings):
        _connect(settings, start_emulator=False)
        release.apply_env(settings, Path(plan_file) if plan_file else None, lock_timeout=lock_timeout)


def drift(env: str, config: Mapping[str, Any], lock: bool = True) -> int:
    """Plan with refresh against the checked-out code; 2 when something was changed outside Terraform.

    Code not yet deployed (e.g. a prod apply waiting for approval) is not drift: ``pending.md``.
    """
    settings = settings_for(env, config)
    jobs = declarations.load_jobs()
    with release.env_lock(settings):
        _connect(settings)
        manifest = release.package_env(settings, jobs)
        release.plan_env(settings, manifest, title="Drift", lock=lock, purpose="plan")
        bootstrap_drift = release.bootstrap_drift(settings, lock=lock)
    report = drift_report.write(settings.build_dir / "plan.json", settings.build_dir, env, manifest.git_commit)
    with (settings.build_dir / "drift.md").open("a") as summary:
        summary.write("\n" + bootstrap_drift.text)
    print((settings.build_dir / "drift.md").read_text())
    print((settings.build_dir / "pending.md").read_text())
    return 2 if report.drifted or bootstrap_drift.changed else 0


def rollback(
    env: str,
    config: Mapping[str, Any],
    to: str,
    repo: Path = REPO_ROOT,
    remove_newer: bool = False,
    allow: Sequence[str] = (),
    plan_only: bool = False,
    lock: bool = True,
) -> StageRun:
    """Deploy the jobs as they were at commit ``to`` with today's Terraform; their artifacts are still stored.

    Jobs added after ``to`` stay deployed as the checkout declares them, unless ``remove_newer``: then
    the plan destroys them (with their roles and log groups), the policy gate accepts exactly those
    destroys (the flag is the deliberate decision), and the CAUTION block is shown before the apply.
    ``plan_only``: package and plan, nothing else (no upload, no apply), for a reviewer; then
    ``invoke upload`` and ``invoke apply --plan build/ENV/tfplan`` apply exactly that plan.
    """
    settings = settings_for(env, config)
    run = StageRun(f"rollback {'plan ' if plan_only else ''}of {env}")
    with release.env_lock(settings), release.checkout(to, repo) as (tree, sha):
        jobs = run.run(
            "declarations",
            lambda: rollback_jobs(declarations.load_jobs(tree / "jobs"), repo / "jobs", remove_newer),
            lambda j: f"{len(j)} jobs at {sha[:12]}" + _kept_note(j, tree),
        )
        run.run("account", lambda: _connect(settings), lambda account: f"account {account}")
        if remove_newer:
            newer = set(declarations.load_jobs(repo / "jobs")) - set(jobs) if (repo / "jobs").is_dir() else set()
            allow = [*allow, *(f'module.{m}["{job}"]' for job in sorted(newer) for m in ("glue_job", "job_role"))]
        _ship(
            run,
            settings,
            lambda: release.package_env(settings, jobs, tree / "glue_runtime", commit=sha),
            title="Rollback",
            unchanged=f"{env} already runs the jobs of {sha[:12]}",
            show_summary=True,
            jobs=jobs,
            allow=allow,
            plan_only=plan_only,
            lock=lock,
        )
    print(run.summary())
    return run


def rollback_jobs(
    target: dict[str, declarations.JobDeclaration], current_dir: Path, remove_newer: bool
) -> dict[str, declarations.JobDeclaration]:
    """The target commit's jobs, plus (unless ``remove_newer``) the checkout's jobs that commit does not have."""
    if remove_newer or not current_dir.is_dir():
        return target
    current = declarations.load_jobs(current_dir)
    return {**{name: job for name, job in current.items() if name not in target}, **target}


def _kept_note(jobs: dict[str, declarations.JobDeclaration], tree: Path) -> str:
    kept = sorted(name for name, job in jobs.items() if not job.folder.is_relative_to(tree))
    if not kept:
        return ""
    return f"; kept {', '.join(kept)} (added since; `--remove-newer` destroys them)"


def _ship(
    run: StageRun,
    settings: Settings,
    build: Callable[[], Manifest],
    title: str = "Plan",
    unchanged: str = "no changes",
    show_summary: bool = False,
    jobs: Mapping[str, declarations.JobDeclaration] | None = None,
    allow: Sequence[str] = (),
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
            lambda: release.bootstrap(settings, only_if_missing=True, jobs=jobs),
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
        lambda: release.plan_env(settings, manifest, title, jobs=jobs, allow=allow, lock=lock),
        lambda p: ", ".join(f"{n} {a}" for a, n in sorted(p.counts.items())) or "no changes",
    )
    if show_summary:  # before the apply, so the person who asked sees what is applied
        print(result.summary_file.read_text())
    if plan_only:
        run.skip("apply", f"plan only: review it, then `invoke apply --plan {shown(result.plan_file)}`")
    elif result.changed:
        total = sum(result.counts.values())
        run.run("apply", lambda: release.apply_env(settings, result.plan_file, total, lock_timeout))
    else:
        run.skip("apply", unchanged)
    return result


def status(env: str, config: Mapping[str, Any]) -> None:
    """What is deployed in ``env``, who built it, its last runs, and what the checkout would change."""
    from glue_release.review import status as job_status

    settings = settings_for(env, config)
    jobs = declarations.load_jobs()
    _connect(settings, start_emulator=False)
    manifest = release.package_env(settings, jobs)
    rows = job_status.job_status(aws.client(settings, "glue"), aws.client(settings, "s3"), settings, jobs, manifest)
    print(job_status.render(env, rows, manifest.git_commit))


def adopt(env: str, config: Mapping[str, Any], names: list[str], every: bool, jobs_dir: Path = JOBS_DIR) -> None:
    """Write jobs/<job>/ for Glue jobs already in the account; the next plan imports them (nothing changes there)."""
    from glue_release import adopt as adoption

    settings = settings_for(env, config)
    _connect(settings, start_emulator=False)
    results = adoption.adopt(settings, names, every, jobs_dir)
    print(f"adopted from {env}:")
    print(adoption.summary(results, env))
    print(f"next: ./dev validate, then ./dev plan --env {env} (plan.md lists the imports)")


def run(env: str, config: Mapping[str, Any], job_name: str) -> None:
    """Start a deployed job on AWS so that its downstream jobs run too (see glue_release/runs/start_run.py)."""
    from glue_release.runs import start_run

    settings = settings_for(env, config)
    if settings.is_local:
        raise UserError("the emulator runs no Glue job: use `invoke smoke --env local --job JOB` or `invoke run-local`")
    job = declarations.select_job(declarations.load_jobs(), job_name)
    _connect(settings)
    print(start_run.start(aws.client(settings, "glue"), f"{settings.name_prefix}-{job.name}").describe())


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
    allow: Sequence[str] = (),
    lock_timeout: str | None = None,
) -> StageRun:
    lock_timeout = flags.duration(lock_timeout, "--lock-timeout")  # not at apply, after the other stages
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
        result = _ship(
            run,
            settings,
            lambda: release.package_env(settings, jobs),
            jobs=jobs,
            allow=allow,
            lock_timeout=lock_timeout,
        )
        if smoke:
            smoke_stage(run, settings, jobs, applied=result.changed)
        else:
            run.skip("smoke", "--no-smoke")
    print(run.summary())
    return run


def smoke(env: str, config: Mapping[str, Any], only: list[str], timeout_s: str | float = 900) -> None:
    timeout_s = flags.seconds(timeout_s, "--timeout")
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
    proved = None if only else _deployment_digest(settings, jobs)  # taken before the run: what it then proves
    report = run_smoke(settings, jobs, only=only or None, timeout_s=timeout_s)
    print(report.table())
    if not report.ok:
        raise UserError("a smoke run failed; its errors are shown above")
    if proved is not None:
        _smoke_stamp(settings).write_text(proved)


def _smoke_stamp(settings: Settings) -> Path:
    return settings.build_dir / "smoke.passed"


def _deployment_digest(settings: Settings, jobs: dict[str, declarations.JobDeclaration]) -> str:
    """What a smoke run proves: the deployment, smoke specs, check files, samples (see ``stamps.smoke_digest``)."""
    return stamps.smoke_digest(settings.build_dir / "release.tfvars.json", jobs)


def smoke_stage(run: StageRun, settings: Settings, jobs: dict[str, declarations.JobDeclaration], applied: bool) -> None:
    stamp = _smoke_stamp(settings)
    if not applied and stamp.exists() and stamp.read_text() == _deployment_digest(settings, jobs):
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


def local_env(config: Mapping[str, Any]) -> None:
    """Print the export lines for a shell whose AWS CLI and boto3 should talk to the emulator."""
    from glue_release.emulator.iam.shell import export_lines

    settings = settings_for("local", config)
    emulator = settings.emulator
    assert emulator is not None
    if not emulator.status()["running"]:
        raise UserError(f"emulator not running on {emulator.endpoint}; start it with `invoke local.up`")
    print("\n".join(export_lines(emulator, settings.region)))


# -- recovery -----------------------------------------------------------------------------


def unlock(env: str, config: Mapping[str, Any], yes: bool = False, answer: Callable[[str], str] = input) -> bool:
    """Remove a stale Terraform state lock: show it, refuse while its holder runs here, confirm. True when removed."""
    from glue_release.terraform import state_lock

    settings = settings_for(env, config)
    with release.env_lock(settings):
        _connect(settings, start_emulator=False)
        lock = state_lock.read_lock(settings)
        if lock is None:
            print(f"the state of {env} is not locked")
            return False
        print(f"state lock of {env}: {lock.describe()}")
        running = state_lock.terraform_processes(settings) if lock.taken_here() else []
        if running:
            raise UserError(
                f"the lock's holder is still running here (Terraform pid {', '.join(map(str, running))}); "
                "wait for it to finish, or stop it (Ctrl-C) so it releases the lock itself"
            )
        if not lock.taken_here():
            print(f"taken on another machine ({lock.host or 'unknown'}): make sure that run has ended")
        if not yes:
            if not sys.stdin.isatty() and answer is input:
                raise UserError("not removing the lock without confirmation; run again with --yes")
            if answer(f"remove lock {lock.id}? [y/N] ").strip().lower() not in ("y", "yes"):
                raise UserError("lock kept (not confirmed)")
        release.force_unlock(settings, lock.id)
    print(f"removed the state lock {lock.id} of {env}")
    return True
