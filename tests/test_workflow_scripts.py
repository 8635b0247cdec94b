"""The workflow helper scripts: release_guard.py (which runs may deploy) and plan_bundle.sh (the sealed
plan artifact). Real git repositories and real openssl; the GitHub API is a recording stand-in."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / ".github" / "scripts"


def load_guard() -> ModuleType:
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location("release_guard", SCRIPTS / "release_guard.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SCRIPTS))
    return module


guard = load_guard()


def git(repo: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """main: first -> second; a branch off first with an unmerged commit; origin/main as a clone has it."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commits = {}
    for name in ("first", "second"):
        (root / "f").write_text(name)
        git(root, "add", "f")
        git(root, "commit", "-qm", name)
        commits[name] = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-qb", "feature", commits["first"])
    (root / "f").write_text("unreviewed")
    git(root, "commit", "-qam", "unreviewed")
    commits["unreviewed"] = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "main")
    git(root, "update-ref", "refs/remotes/origin/main", "main")
    monkeypatch.chdir(root)
    return commits


def guard_main(argv: list[str], capsys: pytest.CaptureFixture, api: object = None) -> tuple[int, str]:
    code = guard.main(argv, api=api) if api is not None else guard.main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_rollback_target_on_main_is_accepted(repo, capsys):
    for name in ("first", "second"):
        code, said = guard_main(["rollback-target", "--commit", repo[name]], capsys)
        assert code == 0, said


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (lambda c: c["first"][:12], "is not a full commit SHA"),
        (lambda c: "main", "is not a full commit SHA"),
        (lambda c: c["first"].upper(), "is not a full commit SHA"),
        (lambda c: c["unreviewed"], "is not on origin/main"),
        (lambda c: "f" * 40, "is not in this repository's history"),
    ],
    ids=["abbreviated", "branch-name", "uppercase", "unmerged-branch", "unknown"],
)
def test_a_rollback_target_off_main_is_refused(repo, capsys, target, message):
    code, said = guard_main(["rollback-target", "--commit", target(repo)], capsys)
    assert code == 1
    assert message in said and said.count("\n") == 1  # one line: what is wrong and what to do


class FakeApi:
    def __init__(self, answers: dict[str, object]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, method: str, path: str, body: object = None, params: dict | None = None) -> object:
        self.asked.append(path)
        return self.answers[path]


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/glue")
    monkeypatch.setenv("GITHUB_RUN_ID", "100")
    monkeypatch.setenv("GITHUB_SHA", "a" * 40)


def test_only_mains_head_may_deploy(github, capsys):
    head = FakeApi({"/repos/acme/glue/git/ref/heads/main": {"object": {"sha": "a" * 40}}})
    assert guard_main(["main-head"], capsys, head)[0] == 0
    moved = FakeApi({"/repos/acme/glue/git/ref/heads/main": {"object": {"sha": "b" * 40}}})
    code, said = guard_main(["main-head"], capsys, moved)
    assert code == 1 and "no longer the head of main" in said


def waiting_api(environments_by_run: dict[int, list[str]]) -> FakeApi:
    answers: dict[str, object] = {
        "/repos/acme/glue/actions/runs": {
            "workflow_runs": [
                {"id": run, "html_url": f"https://github.com/acme/glue/actions/runs/{run}"}
                for run in environments_by_run
            ]
        }
    }
    for run, environments in environments_by_run.items():
        answers[f"/repos/acme/glue/actions/runs/{run}/pending_deployments"] = [
            {"environment": {"name": name}} for name in environments
        ]
    return FakeApi(answers)


def test_a_rollback_fails_loudly_while_a_prod_apply_waits(github, capsys):
    code, said = guard_main(["no-waiting-apply", "--env", "prod"], capsys, waiting_api({7: ["test"], 8: ["prod"]}))
    assert code == 1
    assert "https://github.com/acme/glue/actions/runs/8" in said and "runs/7" not in said
    assert "reject it first" in said


def test_a_rollback_proceeds_when_nothing_waits_for_its_environment(github, capsys):
    # Run 100 is this run itself (its own apply job will wait later); run 7 waits for test only.
    api = waiting_api({7: ["test"], 100: ["prod"]})
    assert guard_main(["no-waiting-apply", "--env", "prod"], capsys, api)[0] == 0
    assert "/repos/acme/glue/actions/runs/100/pending_deployments" not in api.asked


# --------------------------------------------------------------------------- plan_bundle.sh

BUNDLE = SCRIPTS / "plan_bundle.sh"


def keypair(folder: Path) -> tuple[str, str]:
    folder.mkdir(parents=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=plan",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return (folder / "cert.pem").read_text(), (folder / "key.pem").read_text()


def bundle(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {"PATH": os.environ["PATH"], **env}
    return subprocess.run([str(BUNDLE), *args], env=environ, capture_output=True, text=True, check=False)


@pytest.fixture
def plan_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "build" / "prod"
    (folder / "artifacts").mkdir(parents=True)
    (folder / "tfplan").write_bytes(b"db_password = SECRET-VALUE-123\n")
    (folder / "artifacts" / "main.py").write_text("print('job')\n")
    return folder


def test_a_sealed_plan_opens_only_with_the_private_key(tmp_path, plan_dir):
    cert, key = keypair(tmp_path / "keys")
    sealed = tmp_path / "prod-plan.cms"
    assert bundle("seal", str(plan_dir), str(sealed), PLAN_RECIPIENT_CERT=cert).returncode == 0
    assert b"SECRET-VALUE-123" not in sealed.read_bytes()

    opened = tmp_path / "opened"
    result = bundle("unseal", str(sealed), str(opened), PLAN_DECRYPTION_KEY=key)
    assert result.returncode == 0, result.stderr
    assert (opened / "tfplan").read_bytes() == (plan_dir / "tfplan").read_bytes()
    assert (opened / "artifacts" / "main.py").read_text() == "print('job')\n"

    _, other_key = keypair(tmp_path / "other")
    wrong = bundle("unseal", str(sealed), str(tmp_path / "wrong"), PLAN_DECRYPTION_KEY=other_key)
    assert wrong.returncode != 0
    assert not (tmp_path / "wrong" / "tfplan").exists()


def test_sealing_without_the_certificate_says_what_to_set(tmp_path, plan_dir):
    result = bundle("seal", str(plan_dir), str(tmp_path / "out.cms"), PLAN_RECIPIENT_CERT="")
    assert result.returncode == 1
    assert "PLAN_RECIPIENT_CERT is empty" in result.stderr and not (tmp_path / "out.cms").exists()
