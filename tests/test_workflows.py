"""The GitHub workflows only run invoke tasks, the same ones a person runs.

`check_workflow` parses a workflow (or composite action) and reports every `run:` step that calls an
invoke task or flag that `tasks.py` does not define (checked with invoke's own argument parser), or
that runs `terraform` itself instead of through a task. The tests below run it on the repository's
workflows and on small fake workflows that prove it catches what it should. The rest pins the
workflows' security policy (pinned actions, least permissions, no persisted credentials) and tests
`.github/scripts/gh_report.py`, which posts the plan comment and the drift issues.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from invoke import Collection, Program
from invoke.parser import ParseError, Parser, ParserContext

REPO = Path(__file__).resolve().parents[1]
TASKS_PY = REPO / "tasks.py"
WORKFLOW_FILES = sorted(
    [
        *REPO.glob(".github/workflows/*.yml"),
        *REPO.glob(".github/workflows/*.yaml"),
        *REPO.glob(".github/actions/*/action.yml"),
        *REPO.glob(".github/actions/*/action.yaml"),
    ]
)

# --------------------------------------------------------------------------- the checker

EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
REDIRECTS = {">", ">>", "<", ">&", "<&", "&>", "&>>", ">|", "<>", "<<", "<<<"}
PREFIX_WORDS = {"if", "then", "else", "elif", "do", "while", "until", "!", "time", "exec", "command", "sudo", "{"}
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def load_tasks(tasks_path: Path) -> Collection:
    """The task collection of a tasks.py, loaded the way invoke loads it."""
    spec = importlib.util.spec_from_file_location(f"_tasks_under_test_{abs(hash(tasks_path))}", tasks_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(tasks_path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(tasks_path.parent))
    return Collection.from_module(module)


def parse_invoke_argv(collection: Collection, argv: list[str]) -> None:
    """Parse `invoke ARGV` as the invoke command would; raises ParseError for unknown tasks or flags."""
    program = Program()
    core = ParserContext(args=[*program.core_args(), *program.task_args()])
    Parser(initial=core, contexts=collection.to_contexts()).parse_argv(argv)


def logical_lines(script: str) -> Iterator[str]:
    """Shell lines with continuations joined, GitHub expressions neutralised and heredoc bodies skipped."""
    script = EXPRESSION.sub("GHA_EXPRESSION", script).replace("\\\n", " ")
    delimiter = None
    for line in script.splitlines():
        if delimiter is not None:
            if line.strip() == delimiter:
                delimiter = None
            continue
        heredoc = HEREDOC.search(line)
        if heredoc:
            delimiter = heredoc.group(2)
        yield line


def simple_commands(script: str) -> Iterator[list[str]]:
    """Each simple command of a `run:` script as its argv, without assignments and redirections."""
    for line in logical_lines(script):
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError:  # unbalanced quotes: not ours to judge, shellcheck does
            continue
        command: list[str] = []
        skip_next = False
        for token in tokens:
            if skip_next:
                skip_next = False
            elif token in REDIRECTS:
                if command and command[-1].isdigit():
                    command.pop()  # the file descriptor in 2>&1
                skip_next = True  # the redirection target
            elif token and set(token) <= set(";&|()<>"):
                yield command
                command = []
            else:
                command.append(token)
        yield command


def command_word(argv: list[str]) -> list[str]:
    """argv from the command word on: leading keywords, `env`, and VAR=value assignments dropped."""
    index = 0
    while index < len(argv):
        word = argv[index]
        if word in PREFIX_WORDS or ASSIGNMENT.match(word):
            index += 1
        elif word == "env":
            index += 1
            while index < len(argv) and (argv[index].startswith("-") or ASSIGNMENT.match(argv[index])):
                index += 2 if argv[index] in {"-u", "--unset", "-C", "--chdir"} else 1
        else:
            break
    return argv[index:]


def invoke_argv(argv: list[str]) -> list[str] | None:
    """The arguments after `invoke` (also `inv`, `python -m invoke`, `.venv/bin/invoke`), or None."""
    if not argv:
        return None
    name = Path(argv[0]).name
    if name in {"invoke", "inv"}:
        return argv[1:]
    if re.fullmatch(r"python[0-9.]*", name) and argv[1:3] == ["-m", "invoke"]:
        return argv[3:]
    return None


def check_script(script: str, collection: Collection | None) -> list[str]:
    """Problems in one `run:` script. With collection=None only the terraform rule is checked."""
    problems = []
    for argv in simple_commands(script):
        argv = command_word(argv)
        if argv and Path(argv[0]).name == "terraform":
            problems.append(f"runs terraform directly ({shlex.join(argv)}): call an invoke task instead")
            continue
        arguments = invoke_argv(argv)
        if arguments is None or collection is None:
            continue
        try:
            parse_invoke_argv(collection, arguments)
        except ParseError as error:
            problems.append(f"`invoke {shlex.join(arguments)}`: {error}")
    return problems


def run_steps(document: dict) -> Iterator[tuple[str, str]]:
    """(where, script) for every `run:` step of a workflow or a composite action."""
    for job_id, job in (document.get("jobs") or {}).items():
        for index, step in enumerate(job.get("steps") or []):
            if "run" in step:
                yield f"jobs.{job_id}.steps[{index}] {step.get('name', '')}".rstrip(), step["run"]
    runs = document.get("runs") or {}
    for index, step in enumerate(runs.get("steps") or []):
        if "run" in step:
            yield f"runs.steps[{index}] {step.get('name', '')}".rstrip(), step["run"]


def check_workflow(path: Path, collection: Collection | None) -> list[str]:
    """Every problem in one workflow or composite action file, as 'file: where: problem'."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        f"{path.name}: {where}: {problem}"
        for where, script in run_steps(document)
        for problem in check_script(script, collection)
    ]


# --------------------------------------------------------------------------- a fake tasks.py

# The task interface the workflows rely on (docs/review-loop.md, "What the workflows run").
FAKE_TASKS = """
from invoke import Collection, task

@task
def test(c): ...
@task
def lint(c): ...
@task
def package(c, env="test"): ...
@task
def upload(c, env="test"): ...
@task
def plan(c, env="test", detailed_exitcode=False): ...
@task
def apply(c, env="test", plan=None): ...
@task
def deploy(c, env="test"): ...
@task
def smoke(c, env="test"): ...
@task
def drift(c, env="test"): ...
@task
def rollback(c, env="test", to=None): ...
@task
def bootstrap(c, env="test"): ...
@task
def run_local(c, job=None): ...
@task
def new_job(c, name): ...
@task
def up(c): ...
@task
def down(c): ...
@task
def status(c): ...

local = Collection("local", up, down, status)
ns = Collection(test, lint, package, upload, plan, apply, deploy, smoke, drift, rollback, bootstrap,
                run_local, new_job, local)
"""


@pytest.fixture
def fake_tasks(tmp_path: Path) -> Collection:
    path = tmp_path / "tasks.py"
    path.write_text(FAKE_TASKS, encoding="utf-8")
    return load_tasks(path)


def fake_workflow(tmp_path: Path, script: str) -> Path:
    document = {
        "on": {"push": None},
        "jobs": {"job": {"runs-on": "ubuntu-24.04", "steps": [{"name": "step", "run": script}]}},
    }
    path = tmp_path / "fake.yml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- checker tests


@pytest.mark.parametrize(
    "script",
    [
        "invoke test",
        "invoke plan --env prod --detailed-exitcode",
        'invoke plan --env "$ENV"',
        "invoke plan --env ${{ matrix.env }}",
        "invoke apply --env prod --plan build/prod/tfplan",
        "invoke rollback --env prod --to abc1234",
        "invoke local.up && invoke run-local --job customers_clean",
        "invoke new-job orders_daily",
        "invoke package --env test upload --env test",  # several tasks in one call
        "inv -e lint",
        "python -m invoke test",
        'status=0\ninvoke drift --env test || status=$?\ncase "$status" in\n  0) echo ok ;;\n  *) exit 1 ;;\nesac',
        "invoke plan --env test 2>&1 | tee plan.log",
        "invoke deploy \\\n  --env test",
        "cat <<EOF\nterraform apply\ninvoke bogus\nEOF\ninvoke test",  # a heredoc body is text, not commands
        'cat build/test/plan.md >> "$GITHUB_STEP_SUMMARY"  # terraform in a comment is fine',
        "ls terraform/ && echo terraform",
    ],
)
def test_checker_accepts(tmp_path: Path, fake_tasks: Collection, script: str) -> None:
    assert check_workflow(fake_workflow(tmp_path, script), fake_tasks) == []


@pytest.mark.parametrize(
    ("script", "reported"),
    [
        ("invoke deplyo --env test", "No idea what 'deplyo' is"),
        ("invoke plan --env test && invoke aply --env test", "No idea what 'aply' is"),
        ("invoke local.start", "No idea what 'local.start' is"),
        ("invoke run_locals --job x", "No idea what 'run_locals' is"),
        ("invoke plan --env test --detailed-exit-code", "No idea what '--detailed-exit-code' is"),
        ("invoke new-job", "did not receive required positional arguments"),
        ('STATUS=$(invoke drfit --env "$ENV")', "No idea what 'drfit' is"),
        ("terraform -chdir=terraform plan", "runs terraform directly"),
        ("cd terraform && terraform apply -auto-approve", "runs terraform directly"),
        ("TF_LOG=debug terraform init", "runs terraform directly"),
        ("env -u AWS_PROFILE terraform validate", "runs terraform directly"),
        ("if terraform fmt -check; then echo ok; fi", "runs terraform directly"),
        ("/usr/local/bin/terraform version", "runs terraform directly"),
    ],
)
def test_checker_reports(tmp_path: Path, fake_tasks: Collection, script: str, reported: str) -> None:
    problems = check_workflow(fake_workflow(tmp_path, script), fake_tasks)
    assert len(problems) == 1, problems
    assert reported in problems[0]
    assert problems[0].startswith("fake.yml: jobs.job.steps[0] step: ")


def test_checker_reads_composite_actions(tmp_path: Path, fake_tasks: Collection) -> None:
    action = tmp_path / "action.yml"
    action.write_text(
        yaml.safe_dump({"runs": {"using": "composite", "steps": [{"shell": "bash", "run": "invoke bogus"}]}}),
        encoding="utf-8",
    )
    assert check_workflow(action, fake_tasks) == ["action.yml: runs.steps[0]: `invoke bogus`: No idea what 'bogus' is!"]


# --------------------------------------------------------------------------- the repository's workflows


def test_there_are_workflows() -> None:
    names = {path.name for path in WORKFLOW_FILES}
    assert {"pull-request.yml", "deploy.yml", "drift.yml", "rollback.yml", "action.yml"} <= names


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: str(path.relative_to(REPO)))
def test_workflow_never_runs_terraform_directly(path: Path) -> None:
    assert check_workflow(path, None) == []


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: str(path.relative_to(REPO)))
def test_workflow_uses_the_documented_task_interface(path: Path, fake_tasks: Collection) -> None:
    assert check_workflow(path, fake_tasks) == []


@pytest.fixture(scope="module")
def real_tasks() -> Collection:
    if not TASKS_PY.exists():
        pytest.skip("tasks.py is not in the repository yet")
    return load_tasks(TASKS_PY)


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: str(path.relative_to(REPO)))
def test_workflow_calls_only_tasks_that_exist(path: Path, real_tasks: Collection) -> None:
    assert check_workflow(path, real_tasks) == []


# --------------------------------------------------------------------------- workflow policy

PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(?:\.\d+)*\s*$")


def documents() -> Iterator[tuple[Path, dict]]:
    for path in WORKFLOW_FILES:
        yield path, yaml.safe_load(path.read_text(encoding="utf-8"))


def all_steps(document: dict) -> Iterator[dict]:
    for job in (document.get("jobs") or {}).values():
        yield from job.get("steps") or []
    yield from (document.get("runs") or {}).get("steps") or []


def test_actions_are_pinned_by_commit_with_a_version_comment() -> None:
    for path in WORKFLOW_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"^\s*(?:-\s+)?uses:", line) and "uses: ./" not in line:
                assert PINNED.match(line), f"{path.name}:{number}: not pinned to a full SHA with '# vX' comment"


def test_each_action_is_pinned_to_one_commit_everywhere() -> None:
    seen: dict[str, set[str]] = {}
    for _, document in documents():
        for step in all_steps(document):
            if "uses" in step and not step["uses"].startswith("./"):
                action, _, ref = step["uses"].partition("@")
                seen.setdefault(action.split("/")[0] + "/" + action.split("/")[1], set()).add(ref)
    assert seen, "no actions found"
    assert {action: refs for action, refs in seen.items() if len(refs) > 1} == {}


def test_least_privilege_permissions() -> None:
    for path, document in documents():
        if "jobs" not in document:
            continue
        assert document.get("permissions") == {}, f"{path.name}: top-level permissions must be {{}}"
        for job_id, job in document["jobs"].items():
            assert "permissions" in job, f"{path.name}: job {job_id} has no permissions block"
            assumes_aws = any(
                step.get("uses", "").startswith("aws-actions/configure-aws-credentials@") for step in job["steps"]
            )
            has_id_token = (job["permissions"] or {}).get("id-token") == "write"
            assert assumes_aws == has_id_token, f"{path.name}: job {job_id}: id-token: write only where AWS is assumed"


def test_checkout_never_persists_credentials() -> None:
    for path, document in documents():
        for step in all_steps(document):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, path.name


def test_no_step_or_job_hides_failure() -> None:
    for path, document in documents():
        for job_id, job in (document.get("jobs") or {}).items():
            assert "continue-on-error" not in job, f"{path.name}: {job_id}"
        for step in all_steps(document):
            assert "continue-on-error" not in step, f"{path.name}: {step}"


def test_terraform_version_is_pinned() -> None:
    action = yaml.safe_load((REPO / ".github/actions/setup/action.yml").read_text(encoding="utf-8"))
    (setup,) = [step for step in action["runs"]["steps"] if "hashicorp/setup-terraform@" in step.get("uses", "")]
    assert str(setup["with"]["terraform_version"]) == "1.11.4"
    assert setup["with"]["terraform_wrapper"] is False


def test_jobs_that_change_an_environment_never_overlap() -> None:
    for path, document in documents():
        for job_id, job in (document.get("jobs") or {}).items():
            environment = job.get("environment")
            name = environment if isinstance(environment, str) else (environment or {}).get("name", "")
            if name and not name.endswith("-plan"):
                concurrency = job.get("concurrency") or {}
                assert str(concurrency.get("group", "")).startswith("glue-release-"), f"{path.name}: {job_id}"
                assert concurrency.get("cancel-in-progress") is False, f"{path.name}: {job_id}"


def test_prod_apply_applies_the_saved_plan_after_approval() -> None:
    deploy = yaml.safe_load((REPO / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    apply = deploy["jobs"]["apply-prod"]
    assert apply["environment"] == "prod"
    assert apply["needs"] == "plan-prod"
    runs = [step["run"] for step in apply["steps"] if "run" in step]
    assert "invoke apply --env prod --plan build/prod/tfplan" in runs
    assert not any("invoke plan" in run for run in runs), "the approved plan is applied, never a new one"


# --------------------------------------------------------------------------- gh_report.py


def load_gh_report() -> ModuleType:
    path = REPO / ".github/scripts/gh_report.py"
    spec = importlib.util.spec_from_file_location("gh_report", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gh_report = load_gh_report()


class FakeGitHub:
    """Records calls; serves issue comments and issues from lists."""

    def __init__(self, comments: list[dict] | None = None, issues: list[dict] | None = None) -> None:
        self.comments = comments or []
        self.issues = issues or []
        self.calls: list[tuple[str, str, dict | None]] = []

    def __call__(self, method: str, path: str, body: dict | None = None, params: dict | None = None) -> object:
        self.calls.append((method, path, body))
        if method == "GET":
            items = self.comments if path.endswith("/comments") else self.issues
            page, size = params["page"], params["per_page"]
            return items[(page - 1) * size : page * size]
        if method == "POST" and path.endswith("/issues"):
            return {"number": 99}
        return {}


def write_plan(folder: Path, summary: str, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "plan.md").write_text(summary, encoding="utf-8")
    (folder / "plan.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def github_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/glue")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("PR_NUMBER", "7")
    monkeypatch.setenv("HEAD_SHA", "0123456789abcdef")
    return summary


def test_plan_comment_has_marker_summary_and_collapsed_full_text(tmp_path: Path) -> None:
    test = write_plan(tmp_path / "test", "**1 to change**", "~ aws_glue_job.x\n```inner fence```")
    body, summary, fitted = gh_report.build_plan_comment(
        [("test", test), ("prod", tmp_path / "missing")], "0123456789abcdef", "https://run"
    )
    assert fitted
    assert body.startswith("<!-- glue-release-plan -->\n")
    assert "### test\n\n**1 to change**" in body
    assert "<details><summary>Full plan output (test)</summary>" in body
    assert "````text\n~ aws_glue_job.x\n```inner fence```\n````" in body  # the fence outlasts the text's own
    assert "No plan for `prod`: the plan job failed" in body
    assert "`0123456789ab`" in body
    assert "glue-release-plan" not in summary and "Full plan output (test)" in summary


def test_plan_comment_falls_back_to_the_job_summary_when_too_long(tmp_path: Path) -> None:
    test = write_plan(tmp_path / "test", "**1 to change**", "x" * 70_000)
    body, summary, fitted = gh_report.build_plan_comment([("test", test)], "abc", "https://run")
    assert not fitted
    assert len(body) <= 65_536
    assert "**1 to change**" in body and "<details>" not in body
    assert "too long for a comment" in body and "job summary" in body
    assert "x" * 70_000 in summary


def test_plan_comment_is_cut_when_even_the_summaries_are_too_long(tmp_path: Path) -> None:
    test = write_plan(tmp_path / "test", "y" * 80_000, "text")
    body, _, fitted = gh_report.build_plan_comment([("test", test)], "abc", "https://run")
    assert not fitted and len(body) <= 65_536 and body.startswith(gh_report.PLAN_MARKER)


def test_plan_comment_is_created_once_then_updated(tmp_path: Path, github_env: Path) -> None:
    write_plan(tmp_path / "plans/plan-test", "summary", "text")
    argv = ["plan-comment", "--env", f"test={tmp_path / 'plans/plan-test'}"]

    api = FakeGitHub(comments=[{"id": n, "body": "unrelated"} for n in range(150)])
    assert gh_report.main(argv, api=api) == 0
    assert [call[:2] for call in api.calls] == [
        ("GET", "/repos/acme/glue/issues/7/comments"),
        ("GET", "/repos/acme/glue/issues/7/comments"),  # second page
        ("POST", "/repos/acme/glue/issues/7/comments"),
    ]
    posted = api.calls[-1][2]["body"]
    assert "summary" in github_env.read_text(encoding="utf-8")

    api = FakeGitHub(comments=[{"id": 1, "body": "hi"}, {"id": 5, "body": posted}])
    gh_report.main(argv, api=api)
    assert api.calls[-1][:2] == ("PATCH", "/repos/acme/glue/issues/comments/5")


def drift_dir(tmp_path: Path, env: str, status: str, report: str = "1 resource drifted") -> Path:
    folder = tmp_path / f"drift-{env}"
    folder.mkdir()
    (folder / "status").write_text(status + "\n", encoding="utf-8")
    (folder / "drift.md").write_text(report, encoding="utf-8")
    return folder


def test_drift_opens_one_issue_per_environment(tmp_path: Path, github_env: Path) -> None:
    prod = drift_dir(tmp_path, "prod", "drift")
    api = FakeGitHub(issues=[{"number": 3, "body": "<!-- glue-release-drift:test -->"}])
    gh_report.main(["drift-issue", "--env", f"prod={prod}"], api=api)
    method, path, body = api.calls[-1]
    assert (method, path) == ("POST", "/repos/acme/glue/issues")
    assert body["title"] == "Terraform drift detected in prod"
    assert body["body"].startswith("<!-- glue-release-drift:prod -->") and "1 resource drifted" in body["body"]


def test_drift_updates_the_open_issue(tmp_path: Path, github_env: Path) -> None:
    prod = drift_dir(tmp_path, "prod", "drift", "2 resources drifted")
    issues = [
        {"number": 4, "body": "<!-- glue-release-drift:prod -->", "pull_request": {}},  # a PR, not an issue
        {"number": 5, "body": "old\n<!-- glue-release-drift:prod -->"},
    ]
    api = FakeGitHub(issues=issues)
    gh_report.main(["drift-issue", "--env", f"prod={prod}"], api=api)
    method, path, body = api.calls[-1]
    assert (method, path) == ("PATCH", "/repos/acme/glue/issues/5")
    assert "2 resources drifted" in body["body"]


def test_no_drift_closes_the_issue_and_a_failed_check_leaves_it(tmp_path: Path, github_env: Path) -> None:
    test = drift_dir(tmp_path, "test", "clean")
    api = FakeGitHub(issues=[{"number": 6, "body": "<!-- glue-release-drift:test -->"}])
    gh_report.main(["drift-issue", "--env", f"test={test}", "--env", f"prod={tmp_path / 'absent'}"], api=api)
    writes = [call for call in api.calls if call[0] != "GET"]
    assert writes[0][:2] == ("POST", "/repos/acme/glue/issues/6/comments")
    assert writes[1] == ("PATCH", "/repos/acme/glue/issues/6", {"state": "closed", "state_reason": "completed"})
    assert len(writes) == 2  # nothing for prod, whose check failed


def test_clean_without_an_issue_does_nothing(tmp_path: Path, github_env: Path) -> None:
    api = FakeGitHub()
    gh_report.main(["drift-issue", "--env", f"test={drift_dir(tmp_path, 'test', 'clean')}"], api=api)
    assert all(method == "GET" for method, _, _ in api.calls)


def test_the_script_talks_to_the_rest_api(tmp_path: Path) -> None:
    """The real client against a stand-in GitHub API on loopback: auth header, JSON, pagination."""
    seen: list[tuple[str, str, str | None, object]] = []

    class GitHub(BaseHTTPRequestHandler):
        def answer(self, payload: object) -> None:
            raw = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            seen.append(("GET", self.path, self.headers.get("Authorization"), None))
            self.answer([{"id": 11, "body": "<!-- glue-release-plan -->\nold"}] if "page=1" in self.path else [])

        def do_PATCH(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(("PATCH", self.path, self.headers.get("Authorization"), body))
            self.answer({})

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), GitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        write_plan(tmp_path / "plan-test", "summary", "text")
        env = {
            **os.environ,
            "GITHUB_API_URL": f"http://127.0.0.1:{server.server_address[1]}",
            "GITHUB_TOKEN": "t0ken",
            "GITHUB_REPOSITORY": "acme/glue",
            "GITHUB_RUN_ID": "1",
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "PR_NUMBER": "7",
            "HEAD_SHA": "abc",
        }
        result = subprocess.run(
            [
                sys.executable,
                str(REPO / ".github/scripts/gh_report.py"),
                "plan-comment",
                "--env",
                f"test={tmp_path / 'plan-test'}",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    assert "t0ken" not in result.stdout + result.stderr
    assert seen[0][:3] == ("GET", "/repos/acme/glue/issues/7/comments?per_page=100&page=1", "Bearer t0ken")
    assert seen[-1][:2] == ("PATCH", "/repos/acme/glue/issues/comments/11")
    assert "summary" in seen[-1][3]["body"]
