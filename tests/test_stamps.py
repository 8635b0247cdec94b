"""deploy skips tests and smoke runs only while every input of their earlier pass is unchanged.

Each kind of input is changed in turn, and the stage must run again; an unchanged input must
keep it skipped (else the test could pass with a stamp that never matches).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from glue_release import commands, declarations
from glue_release.paths import JOBS_DIR
from glue_release.stages import StageRun


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


# -- smoke --------------------------------------------------------------------------------


@pytest.fixture
def smoke_world(tmp_path, monkeypatch):
    """Two real jobs in a temporary jobs/ (one reading a sample outside its folder), a var file, and a
    smoke run that records it ran (the runs themselves are what test_smoke_local covers)."""
    jobs_dir = tmp_path / "jobs"
    for name in ("customers_clean", "orders_daily_revenue"):
        shutil.copytree(JOBS_DIR / name, jobs_dir / name, ignore=shutil.ignore_patterns("__pycache__"))
    shared = tmp_path / "shared"
    shared.mkdir()
    shutil.move(jobs_dir / "customers_clean/sample/customers.csv", shared / "customers.csv")
    declaration = jobs_dir / "customers_clean/job.yaml"
    declaration.write_text(declaration.read_text().replace("sample/customers.csv", "../../shared/customers.csv"))
    build = tmp_path / "build"
    build.mkdir()
    (build / "release.tfvars.json").write_text('{"jobs": {}}')
    runs: list[list[str]] = []

    def fake_run_smoke(settings, jobs, only=None, timeout_s=900):
        runs.append(sorted(jobs))
        return SimpleNamespace(ok=True, table=lambda: "smoke table")

    monkeypatch.setattr(commands, "run_smoke", fake_run_smoke)
    settings = SimpleNamespace(build_dir=build, env="local")

    def deploy_smoke() -> str:
        """The smoke stage as deploy runs it when nothing was applied; returns ran/skipped."""
        run = StageRun("deploy")
        before = len(runs)
        commands.smoke_stage(run, settings, declarations.load_jobs(jobs_dir), applied=False)
        return "ran" if len(runs) > before else "skipped"

    return SimpleNamespace(jobs=jobs_dir, shared=shared, build=build, deploy_smoke=deploy_smoke)


CHANGES = {
    "smoke spec (checks in job.yaml)": lambda w: (w.jobs / "customers_clean/job.yaml").write_text(
        (w.jobs / "customers_clean/job.yaml").read_text().replace("max_rows: 9", "max_rows: 8")
    ),
    "check file": lambda w: append(w.jobs / "customers_clean/smoke_check.py", "\nEXTRA = 1\n"),
    "sample in the job folder": lambda w: append(
        w.jobs / "orders_daily_revenue/sample/orders.jsonl", '{"order_id": "o-9"}\n'
    ),
    "sample outside the job folder": lambda w: append(w.shared / "customers.csv", "99,x,y,x@y,gb,1990-01-01,,\n"),
    "deployment (var file)": lambda w: (w.build / "release.tfvars.json").write_text('{"jobs": {"a": 1}}'),
}


def test_smoke_stamp_is_reused_only_while_nothing_changes(smoke_world):
    assert smoke_world.deploy_smoke() == "ran"
    assert smoke_world.deploy_smoke() == "skipped"
    assert smoke_world.deploy_smoke() == "skipped"


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_changing_a_smoke_input_runs_smoke_again(smoke_world, kind):
    assert smoke_world.deploy_smoke() == "ran"
    assert smoke_world.deploy_smoke() == "skipped"
    CHANGES[kind](smoke_world)
    assert smoke_world.deploy_smoke() == "ran", f"changed the {kind}, but deploy skipped smoke"
    assert smoke_world.deploy_smoke() == "skipped"


def test_a_failed_smoke_run_leaves_no_stamp(smoke_world, monkeypatch):
    assert smoke_world.deploy_smoke() == "ran"
    CHANGES["check file"](smoke_world)
    monkeypatch.setattr(commands, "run_smoke", lambda *a, **k: SimpleNamespace(ok=False, table=lambda: "failed"))
    with pytest.raises(commands.UserError, match="stage 'smoke'"):
        smoke_world.deploy_smoke()
    assert not (smoke_world.build / "smoke.passed").exists()


# -- unit tests -----------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path):
    """A small checkout shaped like this one: code, tests, a workflow, tasks.py, the lock file, a build dir."""
    root = tmp_path / "repo"
    files = {
        "glue_release/x.py": "X = 1\n",
        "jobs/a/transforms.py": "A = 1\n",
        "jobs/a/sample/in.csv": "id\n1\n",
        "tests/test_x.py": "def test_x(): pass\n",
        ".github/workflows/deploy.yml": "on: push\n",
        "tasks.py": "ns = None\n",
        "requirements.lock": "pyspark==3.5.0\n",
        ".gitignore": "build/\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=root, check=True)
    return root


TEST_INPUT_CHANGES = {
    "tool code": lambda r: append(r / "glue_release/x.py", "Y = 2\n"),
    "job code": lambda r: append(r / "jobs/a/transforms.py", "B = 2\n"),
    "job sample": lambda r: append(r / "jobs/a/sample/in.csv", "2\n"),
    "test file": lambda r: append(r / "tests/test_x.py", "def test_y(): pass\n"),
    "workflow": lambda r: append(r / ".github/workflows/deploy.yml", "# x\n"),
    "tasks.py": lambda r: append(r / "tasks.py", "# x\n"),
    "requirements.lock": lambda r: append(r / "requirements.lock", "chispa==0.10\n"),
    "new untracked test": lambda r: (r / "tests/test_new.py").write_text("def test_n(): pass\n"),
    "deleted file": lambda r: (r / "tests/test_x.py").unlink(),
}


@pytest.fixture
def unit_runs(monkeypatch):
    runs = []
    monkeypatch.setattr(commands, "test", lambda unit=False, jobs=None: runs.append(unit))
    return runs


def test_unit_stamp_ignores_what_the_tool_writes(repo, unit_runs):
    assert commands.unit_tests_once(repo, repo / "build") == "passed"
    (repo / "build" / "local").mkdir(parents=True)
    (repo / "build/local/manifest.json").write_text("{}")
    assert commands.unit_tests_once(repo, repo / "build") == "passed before on these sources"
    assert unit_runs == [True]


@pytest.mark.parametrize("kind", sorted(TEST_INPUT_CHANGES))
def test_changing_a_test_input_runs_tests_again(repo, unit_runs, kind):
    assert commands.unit_tests_once(repo, repo / "build") == "passed"
    assert commands.unit_tests_once(repo, repo / "build") == "passed before on these sources"
    TEST_INPUT_CHANGES[kind](repo)
    assert commands.unit_tests_once(repo, repo / "build") == "passed", f"changed the {kind}, tests were skipped"
    assert unit_runs == [True, True]
