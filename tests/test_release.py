"""The release tool end to end: real Terraform, the real AWS provider, moto's server as AWS.

The deployed tests build on the test run's one shared deployment (``local_deployment`` in
conftest.py: a cold deploy costs two S3 lifecycle waits of ~55 s, on AWS too) and leave it
as they found it. The tool's checks that need no emulator or Terraform are plain unit tests.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from glue_release import aws, commands, declarations, release
from glue_release.emulator.control import Emulator, free_port
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR, RUNTIME_DIR
from glue_release.settings import Settings, load_settings, read_tfvars
from glue_release.terraform.runner import check_version

needs_emulator = pytest.mark.emulator


@pytest.fixture
def config(local_config: dict) -> dict:
    return local_config


@pytest.fixture
def settings(config: dict) -> Settings:
    return commands.settings_for("local", config)


@pytest.fixture
def deployed(local_deployment):
    local_deployment.converge()
    return local_deployment.run


def stage(run, name: str) -> tuple[str, str]:
    _, status, _, note = next(r for r in run.results if r[0] == name)
    return status, note


def glue(settings: Settings):
    return aws.client(settings, "glue")


def s3(settings: Settings):
    return aws.client(settings, "s3")


@pytest.fixture
def jobs_copy(tmp_path: Path) -> Path:
    target = tmp_path / "jobs"
    shutil.copytree(JOBS_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def edit(path: Path, marker: str) -> None:
    path.write_text(path.read_text() + f"\n# {marker}\n")


@needs_emulator
def test_first_deploy_creates_every_job_from_its_artifacts(deployed, settings):
    assert stage(deployed, "apply")[0] == "ok"
    assert stage(deployed, "bootstrap")[1] == "created state and artifacts buckets"
    manifest = release.manifest_of(settings)
    client = glue(settings)
    for name, artifacts in manifest.jobs.items():
        job = client.get_job(JobName=f"{settings.name_prefix}-{name}")["Job"]
        assert job["Command"]["ScriptLocation"] == f"s3://{settings.artifacts_bucket}/{artifacts.script.key}"
        extra = job["NonOverridableArguments"]["--extra-py-files"].split(",")
        assert f"s3://{settings.artifacts_bucket}/{manifest.library.key}" in extra
        assert f"s3://{settings.artifacts_bucket}/{artifacts.module.key}" in extra
    keys = {o["Key"] for o in s3(settings).list_objects_v2(Bucket=settings.artifacts_bucket)["Contents"]}
    assert {a.key for a in manifest.artifacts()} <= keys


@needs_emulator
def test_noop_redeploy_uploads_and_applies_nothing(deployed, config):
    run = commands.deploy("local", config, skip_tests=True, smoke=False)
    assert stage(run, "upload")[1].startswith("0 uploaded")
    assert stage(run, "plan")[1] == "no changes"
    assert stage(run, "apply") == ("skipped", "no changes")


@needs_emulator
def test_one_changed_job_uploads_one_artifact_and_plans_only_that_job(deployed, settings, jobs_copy):
    edit(jobs_copy / "revenue_rolling_7d" / "transforms.py", "one changed job")
    manifest = release.package_env(settings, declarations.load_jobs(jobs_copy))
    report = release.upload_env(settings, manifest)
    assert report.uploaded == [manifest.jobs["revenue_rolling_7d"].module.key]
    result = release.plan_env(settings, manifest)
    plan = json.loads((settings.build_dir / "plan.json").read_text())
    touched = [rc["address"] for rc in plan["resource_changes"] if rc["change"]["actions"] != ["no-op"]]
    assert touched and all('"revenue_rolling_7d"' in address for address in touched), touched
    assert result.counts == {"update": len(touched)}
    summary = result.summary_file.read_text()
    assert "revenue_rolling_7d" in summary and "CAUTION" not in summary


@needs_emulator
def test_stale_plan_is_refused_with_an_explanation(deployed, settings, jobs_copy):
    jobs = declarations.load_jobs(jobs_copy)
    edit(jobs_copy / "customers_clean" / "main.py", "stale plan A")
    manifest_a = release.package_env(settings, declarations.load_jobs(jobs_copy))
    release.upload_env(settings, manifest_a)
    plan_a = release.plan_env(settings, manifest_a).plan_file
    saved_a = plan_a.with_name("tfplan-a")
    shutil.copy(plan_a, saved_a)
    edit(jobs_copy / "customers_clean" / "main.py", "stale plan B")
    manifest_b = release.package_env(settings, declarations.load_jobs(jobs_copy))
    release.upload_env(settings, manifest_b)
    release.apply_env(settings, release.plan_env(settings, manifest_b).plan_file)
    with pytest.raises(UserError, match="state changed after this plan was made"):
        release.apply_env(settings, saved_a)
    # Converge back to the checked-in jobs for the tests after this one.
    manifest = release.package_env(settings, jobs)
    release.apply_env(settings, release.plan_env(settings, manifest).plan_file)


@needs_emulator
def test_second_deploy_fails_on_the_state_lock(deployed, settings, config):
    backend = read_tfvars(settings.backend_config)
    bucket, key = backend["bucket"], backend["key"]
    # What a deploy in progress elsewhere leaves in the state bucket (Terraform's S3-native lock).
    s3(settings).put_object(Bucket=bucket, Key=f"{key}.tflock", Body=json.dumps({"ID": "other", "Who": "ci"}).encode())
    try:
        with pytest.raises(UserError, match="another run holds the state lock"):
            commands.deploy("local", config, skip_tests=True, smoke=False)
    finally:
        s3(settings).delete_object(Bucket=bucket, Key=f"{key}.tflock")


def test_concurrent_command_in_the_same_checkout_is_refused(settings):
    with (
        release.env_lock(settings),
        pytest.raises(UserError, match="another release command for local is running"),
        release.env_lock(settings),
    ):
        pass


@needs_emulator
def test_emulator_dying_mid_apply_then_rerun_converges(deployed, settings, config, jobs_copy):
    edit(jobs_copy / "orders_daily_revenue" / "transforms.py", "interrupted apply")
    manifest = release.package_env(settings, declarations.load_jobs(jobs_copy))
    release.upload_env(settings, manifest)
    plan = release.plan_env(settings, manifest)
    emulator = settings.emulator
    assert emulator is not None
    killer = threading.Timer(1.0, emulator.down)
    killer.start()
    with pytest.raises(UserError):
        release.apply_env(settings, plan.plan_file)
    killer.join()
    # The emulator's state is gone with it; the rerun starts it and recreates everything.
    run = commands.deploy("local", config, skip_tests=True, smoke=False)
    assert stage(run, "emulator")[1].startswith("started")
    assert stage(run, "apply")[0] == "ok"
    again = commands.deploy("local", config, skip_tests=True, smoke=False)
    assert stage(again, "apply") == ("skipped", "no changes")


@needs_emulator
@pytest.mark.slow
def test_broken_job_fails_deploy_at_the_smoke_stage_with_its_error(deployed, config, jobs_copy, capsys):
    transforms = jobs_copy / "revenue_rolling_7d" / "transforms.py"
    broken = '    raise RuntimeError("deliberately broken for the test")\n    if window_days < 1:'
    transforms.write_text(transforms.read_text().replace("    if window_days < 1:", broken))
    with pytest.raises(UserError, match="failed at stage 'smoke'"):
        commands.deploy("local", config, skip_tests=True, jobs_dir=jobs_copy)
    shown = capsys.readouterr().out
    assert "RuntimeError: deliberately broken for the test" in shown
    assert "revenue_rolling_7d" in shown and "FAILED" in shown
    # The fixed jobs deploy and pass again.
    run = commands.deploy("local", config, skip_tests=True)
    assert stage(run, "smoke") == ("ok", "all jobs green")


def git(repo: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


@needs_emulator
def test_rollback_points_jobs_back_at_an_earlier_commits_artifacts(deployed, settings, config, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(JOBS_DIR, repo / "jobs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(RUNTIME_DIR, repo / "glue_runtime", ignore=shutil.ignore_patterns("__pycache__"))
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "good")
    good = git(repo, "rev-parse", "HEAD")
    good_key = release.package_env(settings, declarations.load_jobs(repo / "jobs")).jobs["customers_clean"].script.key
    edit(repo / "jobs" / "customers_clean" / "main.py", "a bad change")
    git(repo, "commit", "-qam", "bad")
    bad = release.package_env(settings, declarations.load_jobs(repo / "jobs"))
    release.upload_env(settings, bad)
    release.apply_env(settings, release.plan_env(settings, bad).plan_file)

    run = commands.rollback("local", config, to=good, repo=repo)
    assert stage(run, "upload")[1].startswith("0 uploaded")  # the good commit's artifacts are still stored
    plan = json.loads((settings.build_dir / "plan.json").read_text())
    touched = [rc["address"] for rc in plan["resource_changes"] if rc["change"]["actions"] != ["no-op"]]
    assert touched and all('"customers_clean"' in address for address in touched), touched
    assert stage(run, "apply")[0] == "ok"
    job = glue(settings).get_job(JobName=f"{settings.name_prefix}-customers_clean")["Job"]
    assert job["Command"]["ScriptLocation"] == f"s3://{settings.artifacts_bucket}/{good_key}"
    assert release.manifest_of(settings).git_commit == good
    assert not list(Path(tempfile.gettempdir()).glob(f"rollback-{good[:12]}-*"))  # the worktree is gone
    with pytest.raises(UserError, match="commit 'no-such-commit' not found"):
        commands.rollback("local", config, to="no-such-commit", repo=repo)


def test_prod_never_applies_without_a_saved_plan(tmp_path):
    prod = load_settings("prod", {}, build_root=tmp_path)
    with pytest.raises(UserError, match="prod is applied only from a reviewed saved plan"):
        release.apply_env(prod, None)


def test_missing_credentials_is_one_line_before_any_work(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.startswith("AWS_") and name != "AWS_CA_BUNDLE":
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(UserError, match=r"^no AWS credentials for environment test: ") as error:
        commands.plan("test", {"build_root": str(tmp_path)})
    assert "\n" not in str(error.value)
    assert not (tmp_path / "test" / "manifest.json").exists()


@needs_emulator
def test_account_guard_refuses_other_accounts_credentials(tmp_path):
    emulator = Emulator(port=free_port(), state_dir=tmp_path / "emulator")
    emulator.up()
    try:
        config = {
            "emulator": {"port": emulator.port},
            "build_root": str(tmp_path),
            "envs": {"local": {"account_id": "999999999999"}},
        }
        with pytest.raises(
            UserError, match="credentials are for account 123456789012, but local is account 999999999999"
        ):
            commands.plan("local", config)
    finally:
        emulator.down()


def test_taken_emulator_port_is_named(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UserError, match=f"port {port} on 127.0.0.1 is taken by another process"):
            Emulator(port=port, state_dir=tmp_path).up()


@pytest.mark.terraform
def test_terraform_missing_or_too_old_is_one_clear_line(tmp_path, monkeypatch):
    old = tmp_path / "terraform-old"
    old.write_text('#!/bin/sh\necho \'{"terraform_version": "1.10.5"}\'\n')
    old.chmod(old.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(UserError, match=r"Terraform 1\.10\.5 at .* is too old; this project needs >= 1\.11"):
        check_version(str(old))
    with pytest.raises(UserError, match=r"not found on PATH; install Terraform >= 1\.11"):
        check_version(str(tmp_path / "no-terraform"))
    assert check_version() >= (1, 11)
