"""The lock flags reach Terraform: `plan --no-lock` runs `terraform plan -lock=false`, and
`apply --lock-timeout` runs `terraform apply -lock-timeout=…`.

Terraform here is a recording stand-in on PATH (it answers `version` and logs every other argv), so
these tests see exactly the argv the tool builds without an AWS account. That Terraform honours the
flags against a held S3 lock is Terraform's own contract (and covered for the lock error itself by
tests/test_release.py::test_second_deploy_fails_on_the_state_lock).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from glue_release import declarations, release
from glue_release.settings import load_settings

FAKE_TERRAFORM = """#!/bin/sh
if [ "$1" = version ]; then echo '{"terraform_version": "1.11.4"}'; exit 0; fi
echo "$*" >> "%s"
# A saved plan that changes nothing: what apply reads (artifact check, orphan names) before applying.
if [ "$1" = show ]; then echo '{"format_version": "1.2", "resource_changes": []}'; exit 0; fi
mkdir -p "$TF_DATA_DIR"  # what init leaves behind
exit 0
"""


@pytest.fixture
def terraform_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "terraform.log"
    fake = bin_dir / "terraform"
    fake.write_text(FAKE_TERRAFORM % log)
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    return log


def calls(log: Path, command: str) -> list[list[str]]:
    return [line.split() for line in log.read_text().splitlines() if line.split()[:1] == [command]]


@pytest.mark.parametrize(("lock", "flag_present"), [(False, True), (True, False)])
def test_plan_without_lock_passes_lock_false(tmp_path, terraform_log, lock, flag_present):
    settings = load_settings("test", {}, build_root=tmp_path / "build")
    manifest = release.package_env(settings, declarations.load_jobs(), commit="0" * 40)
    release.plan_env(settings, manifest, lock=lock)
    (plan,) = calls(terraform_log, "plan")
    assert ("-lock=false" in plan) is flag_present, plan
    assert not [argv for argv in calls(terraform_log, "init") if any(a.startswith("-lock") for a in argv)]


def test_drift_without_lock_passes_lock_false(tmp_path, terraform_log):
    settings = load_settings("test", {}, build_root=tmp_path / "build")
    manifest = release.package_env(settings, declarations.load_jobs(), commit="0" * 40)
    release.plan_env(settings, manifest, title="Drift", lock=False)
    (plan,) = calls(terraform_log, "plan")
    assert "-lock=false" in plan


@pytest.mark.parametrize(("timeout", "expected"), [("10m", "-lock-timeout=10m"), (None, None)])
def test_apply_waits_for_the_lock_when_asked(tmp_path, terraform_log, timeout, expected):
    settings = load_settings("test", {}, build_root=tmp_path / "build")
    plan_file = tmp_path / "tfplan"
    plan_file.write_text("saved plan")
    release.apply_env(settings, plan_file, lock_timeout=timeout)
    (apply,) = calls(terraform_log, "apply")
    assert [a for a in apply if a.startswith("-lock-timeout")] == ([expected] if expected else [])
    assert apply[-1] == str(plan_file.resolve())
