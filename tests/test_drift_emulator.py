"""Drift and locks against real Terraform, the real AWS provider and moto's server.

- A plan for review (`--no-lock`) runs while another run holds the state lock; a locking plan fails.
- `invoke drift` reports a console change (Terraform's `resource_drift`) as drift, and code that was
  never applied (a prod apply waiting for approval) only as "not yet deployed".
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from glue_release import aws, commands, declarations, release
from glue_release.emulator.control import free_port
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR
from glue_release.review import drift_report
from glue_release.settings import Settings, read_tfvars

pytestmark = pytest.mark.emulator


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return {
        "emulator": {"port": free_port()},
        "provider_mirror": os.environ.get("INVOKE_PROVIDER_MIRROR"),
        "build_root": str(tmp_path_factory.mktemp("build")),
    }


@pytest.fixture(scope="module")
def settings(config: dict) -> Settings:
    return commands.settings_for("local", config)


@pytest.fixture(scope="module")
def deployed(config: dict, settings: Settings):
    run = commands.deploy("local", config, skip_tests=True, smoke=False)
    yield run
    assert settings.emulator is not None
    settings.emulator.down()


def drift_of(settings: Settings, jobs_dir: Path = JOBS_DIR) -> drift_report.DriftReport:
    """What `invoke drift --no-lock` computes, for the jobs in jobs_dir."""
    manifest = release.package_env(settings, declarations.load_jobs(jobs_dir))
    release.plan_env(settings, manifest, title="Drift", lock=False)
    return drift_report.write(settings.build_dir / "plan.json", settings.build_dir, "local", manifest.git_commit)


def test_a_review_plan_runs_while_another_run_holds_the_lock(deployed, settings, config):
    """A review plan (the plan role: it cannot write the lock) never takes it; a deploy's plan waits for it."""
    backend = read_tfvars(settings.backend_config)
    s3 = aws.client(settings, "s3")
    lock = f"{backend['key']}.tflock"
    s3.put_object(Bucket=backend["bucket"], Key=lock, Body=json.dumps({"ID": "other", "Who": "ci"}).encode())
    try:
        assert commands.plan("local", config, detailed_exitcode=True, lock=False) == 0
        assert commands.plan("local", config, detailed_exitcode=True, lock=True) == 0  # as the plan role
        manifest = release.package_env(settings, declarations.load_jobs())
        with pytest.raises(UserError, match="another run holds the state lock"):
            release.plan_env(settings, manifest)  # as the deploy role, which locks
        # The lock-free plan left the other run's lock alone.
        assert json.loads(s3.get_object(Bucket=backend["bucket"], Key=lock)["Body"].read())["ID"] == "other"
    finally:
        s3.delete_object(Bucket=backend["bucket"], Key=lock)


@pytest.fixture(scope="module")
def baseline(deployed, settings) -> set[str]:
    """Drift right after the deploy, with nothing changed: noise of the emulator (moto answers some
    attributes differently from what the provider stored). Printed for the record; the tests below
    look only at what changes beyond it."""
    noise = set(drift_of(settings).drifted)
    print(f"emulator drift noise right after a deploy: {sorted(noise)}")
    return noise


def test_undeployed_code_is_not_drift(deployed, settings, tmp_path, baseline):
    jobs = tmp_path / "jobs"
    shutil.copytree(JOBS_DIR, jobs, ignore=shutil.ignore_patterns("__pycache__"))
    main = jobs / "customers_clean" / "main.py"
    main.write_text(main.read_text() + "\n# merged, waiting for approval\n")
    report = drift_of(settings, jobs)
    assert set(report.drifted) == baseline
    assert [p for p in report.pending if "customers_clean" in p] == [
        'module.glue_job["customers_clean"].aws_glue_job.this (update)'
    ], report.pending


def test_a_change_outside_terraform_is_drift(deployed, settings, baseline):
    # Someone suspends versioning of the raw bucket in the console. (Not a Glue job: against moto every
    # tagged resource shows as drifted after any refresh, see `baseline`.)
    s3 = aws.client(settings, "s3")
    raw = next(b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].endswith("-raw"))
    s3.put_bucket_versioning(Bucket=raw, VersioningConfiguration={"Status": "Suspended"})
    report = drift_of(settings)
    changed = "module.data_lake.module.raw_bucket.aws_s3_bucket_versioning.this (update)"
    assert changed not in baseline, "the emulator's noise already covers this resource: pick another change"
    assert changed in report.drifted, report.drifted
    assert not [p for p in report.pending if "raw_bucket" in p], report.pending
    assert "raw_bucket.aws_s3_bucket_versioning" in (settings.build_dir / "drift.md").read_text()
