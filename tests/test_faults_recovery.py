"""Faults against a deployed local environment: real Terraform, the real AWS provider, moto's server.

Issue 16, items 3, 4, 7, 8, 9, 11 and 14. One deploy per module (about two minutes: S3
lifecycle rules are slow to settle); the tests after it change that environment and leave it
converged for the next. Its own fixtures: its own emulator on a free port, its own build root.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from glue_release import aws, commands, declarations, release
from glue_release.emulator.control import free_port
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR, REPO_ROOT, RUNTIME_DIR
from glue_release.settings import Settings
from glue_release.terraform import orphans, state_lock

# One xdist worker runs this whole file: its tests share one cold deploy (`deployed`), and the killed-apply
# test's pending import blocks sit in the repository's terraform/ folder while it plans, where a plan of this
# file's other tests on the other worker would read them.
pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("faults_recovery")]


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return {
        "emulator": {"port": free_port()},
        "provider_mirror": os.environ.get("INVOKE_PROVIDER_MIRROR"),
        "build_root": str(tmp_path_factory.mktemp("faults-build")),
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


@pytest.fixture
def jobs_copy(tmp_path: Path) -> Path:
    target = tmp_path / "jobs"
    shutil.copytree(JOBS_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def add_job(jobs_dir: Path, name: str, source: str = "customers_clean") -> None:
    """A new job: a copy of ``source`` writing its own output prefix."""
    shutil.copytree(jobs_dir / source, jobs_dir / name)
    declaration = jobs_dir / name / "job.yaml"
    text = declaration.read_text()
    assert "customers_clean/" in text
    declaration.write_text(text.replace("customers_clean/", f"{name}/"))
    # Its own package: a job may import only itself, the runtime and declared python_modules.
    for module in (jobs_dir / name).rglob("*.py"):
        module.write_text(
            module.read_text().replace(f"{source}.", f"{name}.").replace(f"from {source} ", f"from {name} ")
        )


def edit(path: Path, marker: str) -> None:
    path.write_text(path.read_text() + f"\n# {marker}\n")


def glue_job(settings: Settings, job: str) -> dict | None:
    client = aws.client(settings, "glue")
    try:
        return client.get_job(JobName=f"{settings.name_prefix}-{job}")["Job"]
    except client.exceptions.EntityNotFoundException:
        return None


def processes_with(data_dir: Path) -> list[int]:
    """Every live process (Terraform and its provider plugins) working with this Terraform data dir."""
    wanted = f"TF_DATA_DIR={data_dir}".encode()
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if wanted in (entry / "environ").read_bytes().split(b"\0"):
                stat = (entry / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":  # zombies have exited
                    pids.append(int(entry.name))
        except OSError:
            continue
    return pids


# -- 14. drift ------------------------------------------------------------------------------


def test_fresh_deploy_shows_no_drift_bootstrap_included_and_needs_no_profile(
    deployed, settings, config, monkeypatch, capsys
):
    monkeypatch.setenv("AWS_PROFILE", "nosuch")  # 11: local needs no profile
    assert commands.drift("local", config) == 0, capsys.readouterr().out
    summary = (settings.build_dir / "drift.md").read_text()
    assert "Changed outside Terraform" not in summary
    assert "Bootstrap" in summary
    # A change made by hand to a bootstrap resource is drift.
    s3 = aws.client(settings, "s3")
    s3.put_bucket_tagging(
        Bucket=settings.artifacts_bucket, Tagging={"TagSet": [{"Key": "changed-by", "Value": "hand"}]}
    )
    assert commands.drift("local", config) == 2
    summary = (settings.build_dir / "drift.md").read_text()
    assert "aws_s3_bucket" in summary.split("#### Bootstrap")[1]
    release.bootstrap(settings)  # converge: Terraform puts the tags back
    assert commands.drift("local", config) == 0


# -- 3. plan then apply without upload --------------------------------------------------------


def test_apply_refuses_a_plan_whose_artifacts_are_not_uploaded(deployed, settings, jobs_copy):
    before = glue_job(settings, "customers_clean")
    edit(jobs_copy / "customers_clean" / "main.py", "never uploaded")
    manifest = release.package_env(settings, declarations.load_jobs(jobs_copy))
    plan = release.plan_env(settings, manifest)
    missing = manifest.jobs["customers_clean"].script.key
    with pytest.raises(
        UserError, match=rf"missing from s3://{settings.artifacts_bucket}: {missing}; run `invoke upload"
    ):
        release.apply_env(settings, plan.plan_file)
    assert glue_job(settings, "customers_clean")["Command"] == before["Command"]
    # Converge back to the checked-in jobs.
    release.package_env(settings, declarations.load_jobs(JOBS_DIR))


# -- 9. stopping the tool stops Terraform ----------------------------------------------------------


def test_stopping_the_tool_stops_terraform_and_its_provider(deployed, settings, config):
    data_dir = settings.build_dir / "terraform-data"
    script = (
        "import json, sys\n"
        "from glue_release import commands, release\n"
        "settings = commands.settings_for('local', json.loads(sys.argv[1]))\n"
        "release.plan_env(settings, release.manifest_of(settings))\n"
    )
    tool = subprocess.Popen(
        [sys.executable, "-c", script, json.dumps(config)],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while len(processes_with(data_dir)) < 2 and time.monotonic() < deadline:  # Terraform and a provider
            time.sleep(0.05)
        assert len(processes_with(data_dir)) >= 2, "Terraform never started its provider"
        tool.send_signal(signal.SIGTERM)
        tool.wait(timeout=120)
        deadline = time.monotonic() + 5
        while processes_with(data_dir) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not processes_with(data_dir)
    finally:
        tool.kill()
        # Whatever was left behind finishes on its own (a kill -9 here would leave the state locked).
        deadline = time.monotonic() + 300
        while processes_with(data_dir) and time.monotonic() < deadline:
            time.sleep(0.5)
    assert state_lock.read_lock(settings) is None  # Terraform was stopped cleanly: no lock left


# -- 4. rollback ------------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def test_rollback_keeps_jobs_added_after_the_target_commit(deployed, settings, config, tmp_path, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(JOBS_DIR, repo / "jobs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(RUNTIME_DIR, repo / "glue_runtime", ignore=shutil.ignore_patterns("__pycache__"))
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "before the new job")
    target = git(repo, "rev-parse", "HEAD")
    add_job(repo / "jobs", "newer_job")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "a new job")
    current = release.package_env(settings, declarations.load_jobs(repo / "jobs"))
    release.upload_env(settings, current)
    release.apply_env(settings, release.plan_env(settings, current).plan_file)
    assert glue_job(settings, "newer_job") is not None

    run = commands.rollback("local", config, to=target, repo=repo)
    assert "kept newer_job" in next(r for r in run.results if r[0] == "declarations")[3]
    assert glue_job(settings, "newer_job") is not None
    plan = (
        json.loads((settings.build_dir / "plan.json").read_text())
        if (settings.build_dir / "plan.json").exists()
        else {}
    )
    assert not [rc for rc in plan.get("resource_changes", []) if "delete" in rc["change"]["actions"]]
    capsys.readouterr()

    commands.rollback("local", config, to=target, repo=repo, remove_newer=True)
    shown = capsys.readouterr().out
    assert "CAUTION" in shown and shown.index("CAUTION") < shown.index("==> apply")
    assert glue_job(settings, "newer_job") is None


# -- 7, 8, 9. a kill -9 in the middle of an apply -----------------------------------------------


def test_killed_apply_stale_lock_and_orphans_then_rerun_converges(deployed, settings, config, jobs_copy):
    add_job(jobs_copy, "orphan_job")
    manifest = release.package_env(settings, declarations.load_jobs(jobs_copy))
    release.upload_env(settings, manifest)
    plan = release.plan_env(settings, manifest)
    role = f"{settings.name_prefix}-orphan_job"
    iam = aws.client(settings, "iam")
    failures: list[BaseException] = []

    def apply() -> None:
        try:
            release.apply_env(settings, plan.plan_file)
        except BaseException as error:  # reported to the test below
            failures.append(error)

    applying = threading.Thread(target=apply)
    applying.start()
    data_dir = settings.build_dir / "terraform-data"
    killed = False
    deadline = time.monotonic() + 180
    while applying.is_alive() and time.monotonic() < deadline:
        roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
        if any(r.startswith(role) for r in roles):
            for pid in processes_with(data_dir):  # kill -9 of Terraform and its provider plugin
                os.kill(pid, signal.SIGKILL)
                killed = True
            break
        time.sleep(0.05)
    applying.join(timeout=120)
    assert killed and failures, "Terraform was not killed mid-apply"
    assert not processes_with(data_dir)

    # 7: the lock it left is explained, and removed only on request.
    with pytest.raises(UserError) as locked:
        commands.deploy("local", config, skip_tests=True, smoke=False, jobs_dir=jobs_copy)
    message = str(locked.value)
    assert "another run holds the state lock of local, taken by" in message
    assert "no Terraform for local runs on this machine" in message
    assert "invoke unlock --env local" in message
    with pytest.raises(UserError, match="lock kept"):
        commands.unlock("local", config, answer=lambda _: "n")
    assert commands.unlock("local", config, yes=True)
    assert state_lock.read_lock(settings) is None

    # 8: what it created but never saved is named and imported, never deleted.
    with pytest.raises(UserError) as orphaned:
        commands.deploy("local", config, skip_tests=True, smoke=False, jobs_dir=jobs_copy)
    message = str(orphaned.value)
    assert "exist in AWS but not in Terraform's state" in message and "nothing was deleted" in message
    assert "aws_iam_role.this" in message and "imports.tf" in message
    assert f'id = "{role}"' in orphans.imports_file(settings.build_dir).read_text()
    run = commands.deploy("local", config, skip_tests=True, smoke=False, jobs_dir=jobs_copy)
    assert next(r for r in run.results if r[0] == "apply")[1] == "ok"
    assert not orphans.imports_file(settings.build_dir).exists()
    assert not (REPO_ROOT / "terraform" / orphans.GENERATED_NAME).exists()
    again = commands.deploy("local", config, skip_tests=True, smoke=False, jobs_dir=jobs_copy)
    assert next(r for r in again.results if r[0] == "plan")[3] == "no changes"
    assert glue_job(settings, "orphan_job") is not None
