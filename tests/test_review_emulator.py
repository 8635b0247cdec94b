"""The reviewer's plan with real plans: real Terraform and the AWS provider against the emulator.

They share the test run's one local deployment (tests/conftest.py) and plan only, so it
stays what the checkout declares; the one test that applies converges it back.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from glue_release import aws, declarations, release
from glue_release.artifacts.packaging import git_commit
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR
from glue_release.review.provenance import COMMIT_METADATA
from glue_release.settings import Settings

pytestmark = pytest.mark.emulator
MAX_CONSOLE_LINES = 80


@pytest.fixture
def settings(local_deployment) -> Settings:
    return local_deployment.settings


@pytest.fixture
def deployed(local_deployment):
    """Plans only: these tests never apply, so the shared deployment stays as the checkout declares."""
    return local_deployment


@pytest.fixture
def jobs_copy(tmp_path: Path) -> Path:
    target = tmp_path / "jobs"
    shutil.copytree(JOBS_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def set_field(job_yaml: Path, name: str, value: str) -> None:
    text, count = re.subn(rf"^{name}:.*$", f"{name}: {value}", job_yaml.read_text(), flags=re.M)
    assert count == 1, f"{name} not in {job_yaml}"
    job_yaml.write_text(text)


def test_a_cold_deploy_prints_a_few_lines_and_keeps_terraforms_output_in_logs(deployed, settings):
    console = deployed.console
    lines = console.splitlines()
    assert len(lines) <= MAX_CONSOLE_LINES, console
    assert "Terraform will perform" not in console and "Creation complete" not in console
    apply_log = settings.build_dir / "logs" / "apply.log"
    assert "Apply complete!" in apply_log.read_text()


def test_uploads_record_the_building_commit_on_each_artifact(deployed, settings):
    manifest = release.package_env(settings, declarations.load_jobs())  # what the shared deploy uploaded
    s3 = aws.client(settings, "s3")
    for artifact in manifest.artifacts():
        head = s3.head_object(Bucket=settings.artifacts_bucket, Key=artifact.key)
        assert head["Metadata"][COMMIT_METADATA] == manifest.git_commit


def test_more_workers_show_as_an_attribute_row_and_a_cost_delta(deployed, settings, jobs_copy, tmp_path):
    # local caps workers at 2; plan against the same environment without the cap.
    tfvars = tmp_path / "local.tfvars"
    tfvars.write_text(re.sub(r"^max_number_of_workers.*$", "", settings.tfvars.read_text(), flags=re.M))
    uncapped = dataclasses.replace(settings, tfvars=tfvars)
    set_field(jobs_copy / "customers_clean" / "job.yaml", "number_of_workers", "10")
    jobs = declarations.load_jobs(jobs_copy)
    manifest = release.package_env(uncapped, jobs)
    summary = release.plan_env(uncapped, manifest, jobs=jobs).summary_file.read_text()
    assert "- `number_of_workers`: `2` → `10`" in summary
    cost_row = next(line for line in summary.splitlines() if line.startswith("| `customers_clean` |"))
    assert "| +$" in cost_row, cost_row
    assert "an estimate" in summary


def test_changed_code_shows_which_commits_built_the_old_and_new_artifact(deployed, settings, jobs_copy):
    deployed_commit = git_commit()  # the checkout's, which the shared deploy packaged
    (jobs_copy / "customers_clean" / "main.py").write_text(
        (jobs_copy / "customers_clean" / "main.py").read_text() + "\n# provenance\n"
    )
    jobs = declarations.load_jobs(jobs_copy)
    new_commit = "f" * 40
    manifest = release.package_env(settings, jobs, commit=new_commit)
    release.upload_env(settings, manifest)
    summary = release.plan_env(settings, manifest, jobs=jobs).summary_file.read_text()
    assert f"`customers_clean`: built from `{deployed_commit[:12]}` → `{new_commit[:12]}`" in summary


def test_removing_a_job_trips_the_gate_on_its_log_groups_until_allowed(deployed, settings, jobs_copy):
    shutil.rmtree(jobs_copy / "customers_clean")
    jobs = declarations.load_jobs(jobs_copy)
    manifest = release.package_env(settings, jobs)
    with pytest.raises(UserError) as refused:
        release.plan_env(settings, manifest, jobs=jobs)
    message = str(refused.value)
    assert 'module.glue_job["customers_clean"].aws_cloudwatch_log_group.this["error"]' in message
    assert "--allow" in message
    # Refused plans cannot be applied by accident; the summary is there for the reviewer.
    assert not (settings.build_dir / "tfplan").exists()
    assert "Policy gate" in (settings.build_dir / "plan.md").read_text()

    allow = ['module.glue_job["customers_clean"]', 'module.job_role["customers_clean"]']
    result = release.plan_env(settings, manifest, jobs=jobs, allow=allow)
    summary = result.summary_file.read_text()
    assert result.plan_file.exists()
    assert "Accepted deliberately" in summary and 'allowed by `module.glue_job["customers_clean"]`' in summary


def test_an_unreadable_plan_is_named_with_what_to_do(deployed, settings):
    broken = settings.build_dir / "tfplan-broken"
    broken.write_bytes(b"not a plan")
    with pytest.raises(UserError) as failed:
        release.apply_env(settings, broken)
    message = str(failed.value)
    assert str(broken) in message and "not a saved plan" in message, message
    assert "invoke plan --env local" in message


def test_a_failing_apply_shows_terraforms_error_without_verbose(deployed, settings, jobs_copy):
    """A plan saved before another apply is stale: Terraform refuses it, and its words reach the user.

    The one test here that applies: it changes a timeout and converges back before it ends.
    """
    set_field(jobs_copy / "customers_clean" / "job.yaml", "timeout_minutes", "61")
    changed = declarations.load_jobs(jobs_copy)
    manifest = release.package_env(settings, changed)
    release.upload_env(settings, manifest)
    release.plan_env(settings, manifest, jobs=changed)
    stale = settings.build_dir / "tfplan-stale"
    shutil.copy(settings.build_dir / "tfplan", stale)
    release.apply_env(settings, None)  # the state moves on; the copy is now stale
    try:
        with pytest.raises(UserError) as failed:
            release.apply_env(settings, stale)
        message = str(failed.value)
        assert "terraform apply failed" in message
        assert "stale" in message, message
        assert str(settings.build_dir / "logs" / "apply.log") in message
    finally:
        jobs = declarations.load_jobs()
        release.plan_env(settings, release.package_env(settings, jobs), jobs=jobs)
        release.apply_env(settings, None)
