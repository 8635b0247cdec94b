"""The GitHub workflows only run invoke tasks, the same ones a person runs.

`check_workflow` parses a workflow (or composite action) and reports every `run:` step that calls an
invoke task or flag that `tasks.py` does not define (checked with invoke's own argument parser), or
that runs `terraform` itself instead of through a task. The tests below run it on the repository's
workflows and on small fake workflows that prove it catches what it should. The rest pins the
workflows' security policy (pinned actions, least permissions, no persisted credentials) and tests
`.github/scripts/gh_report.py`, which posts the plan comment and the drift issues.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from invoke import Collection, Program
from invoke.parser import ParseError, Parser, ParserContext

REPO = Path(__file__).resolve().parents[1]
# The .github/ under test: the repository's, or a scratch copy's (WORKFLOWS_UNDER_TEST=/path/to/copy, the
# folder holding .github/), to see which tests catch an edit before committing it.
ROOT = Path(os.environ.get("WORKFLOWS_UNDER_TEST") or REPO)
TASKS_PY = REPO / "tasks.py"
WORKFLOW_FILES = sorted(
    [
        *ROOT.glob(".github/workflows/*.yml"),
        *ROOT.glob(".github/workflows/*.yaml"),
        *ROOT.glob(".github/actions/*/action.yml"),
        *ROOT.glob(".github/actions/*/action.yaml"),
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
def test(c, unit=False): ...
@task
def lint(c): ...
@task
def package(c, env="test"): ...
@task
def upload(c, env="test"): ...
@task(iterable=["allow"])
def plan(c, env="test", detailed_exitcode=False, lock=True, allow=None): ...
@task
def apply(c, env="test", plan=None, lock_timeout=None): ...
@task
def deploy(c, env="test", skip_tests=False, lock_timeout=None): ...
@task
def smoke(c, env="test"): ...
@task
def drift(c, env="test", lock=True): ...
@task
def rollback(c, env="test", to=None, plan_only=False, lock=True): ...
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


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_workflow_never_runs_terraform_directly(path: Path) -> None:
    assert check_workflow(path, None) == []


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_workflow_uses_the_documented_task_interface(path: Path, fake_tasks: Collection) -> None:
    assert check_workflow(path, fake_tasks) == []


@pytest.fixture(scope="module")
def real_tasks() -> Collection:
    if not TASKS_PY.exists():
        pytest.skip("tasks.py is not in the repository yet")
    return load_tasks(TASKS_PY)


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: str(path.relative_to(ROOT)))
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
    action = yaml.safe_load((ROOT / ".github/actions/setup/action.yml").read_text(encoding="utf-8"))
    (setup,) = [step for step in action["runs"]["steps"] if "hashicorp/setup-terraform@" in step.get("uses", "")]
    assert str(setup["with"]["terraform_version"]) == "1.11.4"
    assert setup["with"]["terraform_wrapper"] is False


# --------------------------------------------------------------------------- the job graph
#
# Each `problems_*` function reads the workflows under a root (the repository, or a scratch copy in
# the mutation test below) and returns what is wrong, one line each. The tests assert the lists are
# empty; the mutation test proves each list can fill up.

WORKFLOWS = ("pull-request.yml", "deploy.yml", "drift.yml", "rollback.yml")
CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials@"
EXPRESSION_BODY = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
STEP_OUTPUT = re.compile(r"\bsteps\.([A-Za-z_][\w-]*)\.(outputs\.([A-Za-z_][\w-]*)|outcome|conclusion)")
NEEDS_REF = re.compile(r"\bneeds\.([A-Za-z_][\w-]*)\.(outputs\.([A-Za-z_][\w-]*)|result)")
INPUT_REF = re.compile(r"\binputs\.([A-Za-z_][\w-]*)")
MATRIX_REF = re.compile(r"\bmatrix\.([A-Za-z_][\w-]*)")
WRITES_OUTPUT = re.compile(r"([A-Za-z_][\w-]*)=[^\n]*>>\s*\"?\$\{?GITHUB_OUTPUT")
# The job graph each workflow must keep (job -> the jobs it needs). Changing it is a decision: change
# docs/review-loop.md with it.
EXPECTED_NEEDS = {
    "pull-request.yml": {"test": [], "lint": [], "plan": ["test"], "comment": ["plan"]},
    "deploy.yml": {"unit": [], "test": ["unit"], "plan-prod": ["test"], "apply-prod": ["plan-prod"]},
    "drift.yml": {"drift": [], "report": ["drift"]},
    "rollback.yml": {"guard": [], "plan": ["guard"], "apply": ["plan"]},
}
# How `invoke plan --detailed-exitcode` and `invoke drift` exit codes must be turned into results:
# gh_report.py reads `drift`/`clean`, the apply job's `if:` reads changes=true. Other codes fail the step.
EXIT_CODE_MAPPINGS = {
    "invoke drift": {0: "clean", 2: "drift"},
    "invoke plan --env prod --detailed-exitcode": {0: "changes=false", 2: "changes=true"},
}


@dataclass
class Workflow:
    name: str
    doc: dict

    @property
    def jobs(self) -> dict[str, dict]:
        return self.doc.get("jobs") or {}

    @property
    def triggers(self) -> dict:
        on = self.doc.get("on", self.doc.get(True))  # YAML 1.1 reads a bare `on` key as True
        return on if isinstance(on, dict) else {name: None for name in ([on] if isinstance(on, str) else on or [])}

    def needs(self, job_id: str) -> list[str]:
        needs = self.jobs[job_id].get("needs") or []
        return [needs] if isinstance(needs, str) else list(needs)

    def ancestors(self, job_id: str) -> set[str]:
        seen: set[str] = set()
        todo = self.needs(job_id)
        while todo:
            job = todo.pop()
            if job not in seen and job in self.jobs:
                seen.add(job)
                todo.extend(self.needs(job))
        return seen

    def contexts(self, job_id: str) -> list[dict[str, str]]:
        """Values of matrix.env / inputs.environment each instance of a job runs with ({} when none)."""
        job = self.jobs[job_id]
        matrix = (job.get("strategy") or {}).get("matrix") or {}
        if "env" in matrix:
            return [{"matrix.env": value} for value in matrix["env"]]
        dispatch = (self.triggers.get("workflow_dispatch") or {}).get("inputs") or {}
        if "environment" in dispatch and "inputs.environment" in json.dumps(job):
            return [{"inputs.environment": value} for value in dispatch["environment"]["options"]]
        return [{}]

    @staticmethod
    def resolve(text: object, context: dict[str, str]) -> str:
        """`${{ matrix.env }}` and `${{ inputs.environment }}` replaced; any other expression stays."""

        def value(match: re.Match) -> str:
            return context.get(match[1].strip(), match[0])

        return EXPRESSION_BODY.sub(value, str(text or ""))

    def environment(self, job_id: str, context: dict[str, str]) -> str:
        environment = self.jobs[job_id].get("environment") or ""
        return self.resolve(environment.get("name", "") if isinstance(environment, dict) else environment, context)

    def steps(self, job_id: str) -> list[dict]:
        return self.jobs[job_id].get("steps") or []

    def runs(self, job_id: str) -> str:
        return "\n".join(str(step.get("run", "")) for step in self.steps(job_id))

    def assumes_aws(self, job_id: str) -> bool:
        return any(str(step.get("uses", "")).startswith(CREDENTIALS_ACTION) for step in self.steps(job_id))


def load_workflows(root: Path) -> list[Workflow]:
    return [
        Workflow(path.name, yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        for path in sorted((root / ".github/workflows").glob("*.y*ml"))
    ]


def strings(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
    elif isinstance(node, str):
        yield node


def expressions(node: object, bare_if: bool = True) -> list[str]:
    """The expression text in a node: `${{ }}` bodies, and whole `if:` values (an `if:` is an expression)."""
    found = [body for text in strings(node) for body in EXPRESSION_BODY.findall(text)]
    if bare_if and isinstance(node, dict) and isinstance(node.get("if"), str):
        found.append(node["if"])
    return found


def problems_needs_graph(root: Path) -> list[str]:
    problems = []
    for workflow in load_workflows(root):
        expected = EXPECTED_NEEDS.get(workflow.name)
        if expected is None:
            problems.append(f"{workflow.name}: not in EXPECTED_NEEDS: pin its job graph")
            continue
        actual = {job_id: sorted(workflow.needs(job_id)) for job_id in workflow.jobs}
        if actual != {job: sorted(needs) for job, needs in expected.items()}:
            problems.append(f"{workflow.name}: needs graph {actual} != expected {expected}")
        # Whatever the pinned graph says: prod waits for test, and credentials wait for the unit tests.
        for job_id in workflow.jobs:
            environments = {workflow.environment(job_id, ctx) for ctx in workflow.contexts(job_id)}
            before = workflow.ancestors(job_id)
            waits_for_test = any(workflow.environment(a, {}) == "test" for a in before)
            if "prod" in environments and workflow.name == "deploy.yml" and not waits_for_test:
                problems.append(f"{workflow.name}: {job_id} deploys prod without waiting for the test deploy")
            tested = any(re.search(r"\binvoke test\b", workflow.runs(a)) for a in before)
            on_push_or_pr = {"push", "pull_request"} & set(workflow.triggers)
            if workflow.assumes_aws(job_id) and on_push_or_pr and not tested:
                problems.append(f"{workflow.name}: {job_id} gets AWS credentials before the unit tests passed")
    return problems


@dataclass
class Upload:
    job: str
    name: str
    paths: list[str]
    condition: str


def problems_artifacts(root: Path) -> list[str]:
    """Every download has an upload of that name in a job it (transitively) needs, is read where it lands,
    and runs exactly when the upload ran; every upload is used."""
    problems = []
    for workflow in load_workflows(root):
        uploads: dict[str, Upload] = {}
        downloads: list[tuple[str, int, str, bool, str]] = []  # job, step index, name or pattern, is_pattern, path
        for job_id in workflow.jobs:
            for context in workflow.contexts(job_id):
                for index, step in enumerate(workflow.steps(job_id)):
                    uses, given = str(step.get("uses", "")), step.get("with") or {}
                    if uses.startswith("actions/upload-artifact@"):
                        name = workflow.resolve(given.get("name", "artifact"), context)
                        paths = [workflow.resolve(line.strip(), context) for line in str(given.get("path", "")).split()]
                        uploads[name] = Upload(job_id, name, paths, str(step.get("if", "")))
                    elif uses.startswith("actions/download-artifact@"):
                        path = workflow.resolve(given.get("path", "."), context).rstrip("/")
                        if "pattern" in given:
                            downloads.append((job_id, index, workflow.resolve(given["pattern"], context), True, path))
                        elif "name" in given:
                            downloads.append((job_id, index, workflow.resolve(given["name"], context), False, path))
                        else:
                            problems.append(f"{workflow.name}: {job_id} downloads every artifact: name one")
        used: set[str] = set()
        for job_id, index, wanted, is_pattern, path in downloads:
            where = f"{workflow.name}: {job_id}"
            matching = [n for n in uploads if (fnmatch.fnmatchcase(n, wanted) if is_pattern else n == wanted)]
            upstream = [n for n in matching if uploads[n].job in workflow.ancestors(job_id)]
            if not upstream:
                by = (
                    f" (uploaded by {sorted({uploads[n].job for n in matching})}, not a job it needs)"
                    if matching
                    else ""
                )
                problems.append(f"{where} downloads {wanted!r}, which no job before it uploads{by}")
            used.update(upstream)
            later = "\n".join(str(step.get("run", "")) for step in workflow.steps(job_id)[index + 1 :])
            for name in upstream:
                upload = uploads[name]
                # A pattern puts each artifact in PATH/NAME/; a name download puts its files in PATH/.
                landing = f"{path}/{name}" if is_pattern else path
                if not is_pattern and len(upload.paths) == 1 and not upload.paths[0].endswith("/"):
                    landing = f"{path}/{Path(upload.paths[0]).name}"
                if landing not in later:
                    problems.append(f"{where}: artifact {name!r} lands in {landing}, which no later step reads")
                # The upload runs only when steps.X.outputs.Y says so: the downloader must run only then too.
                gate = STEP_OUTPUT.search(upload.condition)
                exposed = [
                    key
                    for key, value in (workflow.jobs[upload.job].get("outputs") or {}).items()
                    if gate and f"steps.{gate[1]}.{gate[2]}" in str(value)
                ]
                job_if = str(workflow.jobs[job_id].get("if", ""))
                gated = any(f"needs.{upload.job}.outputs.{key}" in job_if for key in exposed)
                if gate and not gated:
                    problems.append(
                        f"{where}: downloads {name!r}, uploaded only if {upload.condition!r}; gate the job on that "
                        f"(needs.{upload.job}.outputs.*)"
                    )
                if not gate and "needs." in job_if and ".outputs." in job_if:
                    problems.append(f"{where}: runs only if {job_if!r}, but {name!r} is uploaded unconditionally")
        for name in sorted(set(uploads) - used):
            problems.append(
                f"{workflow.name}: artifact {name!r} of {uploads[name].job} is uploaded but never downloaded"
            )
    return problems


def problems_environment_roles(root: Path) -> list[str]:
    """Writes happen only in deploy environments (prod: behind reviewers, from a saved plan); plan
    environments (read-only roles) only plan."""
    problems = []
    writes = re.compile(r"invoke (apply|deploy|upload|smoke|bootstrap)\b[^\n|;&]*")
    for workflow in load_workflows(root):
        for job_id in workflow.jobs:
            scripts = workflow.runs(job_id)
            for context in workflow.contexts(job_id):
                where = f"{workflow.name}: {job_id}{f' {context}' if context else ''}"
                environment = workflow.environment(job_id, context)
                if workflow.assumes_aws(job_id) and not environment:
                    problems.append(f"{where}: assumes an AWS role outside any environment")
                for match in writes.finditer(scripts):
                    if not environment or environment.endswith("-plan"):
                        problems.append(f"{where}: `{match[0].strip()}` in {environment or 'no'} environment")
                    if environment == "prod" and match[1] == "deploy":
                        problems.append(f"{where}: prod is applied only from a reviewed saved plan, never deploy")
                    if match[1] == "apply" and "--plan " not in match[0]:
                        problems.append(f"{where}: `{match[0].strip()}` must apply a saved plan (--plan FILE)")
                only_plans = re.search(r"invoke (plan|drift|rollback)\b", scripts) and not writes.search(scripts)
                if workflow.assumes_aws(job_id) and only_plans and not environment.endswith("-plan"):
                    # Reviewers approve an environment's jobs before they start: a plan there is approved blind.
                    problems.append(f"{where}: only plans, in {environment!r}: plan in its -plan environment")
                for line in re.findall(r"invoke rollback\b[^\n|;&]*", scripts):
                    if environment.endswith("-plan") != ("--plan-only" in line):
                        problems.append(f"{where}: `{line.strip()}`: plan-only exactly in the plan environment")
    return problems


def problems_references(root: Path) -> list[str]:
    """steps.X / needs.J / inputs.I / matrix.M references point at things that exist, and outputs are written."""
    problems = []
    for workflow in load_workflows(root):
        dispatch_inputs = set(((workflow.triggers.get("workflow_dispatch") or {}).get("inputs") or {}).keys())
        for job_id, job in workflow.jobs.items():
            where = f"{workflow.name}: {job_id}"
            steps = workflow.steps(job_id)
            ids = [step.get("id") for step in steps]
            written = {
                step["id"]: set(WRITES_OUTPUT.findall(str(step.get("run", ""))))
                for step in steps
                if step.get("id") and "run" in step
            }

            readers = [
                (f"step {i} ({step.get('name', step.get('uses'))})", expressions(step), ids[:i])
                for i, step in enumerate(steps)
            ]
            readers.append(("outputs", expressions(job.get("outputs") or {}), ids))
            for what, texts, visible in readers:
                for text in texts:
                    for step_id, _, output in STEP_OUTPUT.findall(text):
                        if step_id not in visible:
                            problems.append(f"{where}: {what} reads steps.{step_id}, no such step (id) before it")
                        elif output and step_id in written and output not in written[step_id]:
                            problems.append(f"{where}: {what} reads steps.{step_id}.outputs.{output}, never written")
            job_level = {key: value for key, value in job.items() if key not in ("steps", "outputs")}
            if any(STEP_OUTPUT.search(text) for text in expressions(job_level)):
                problems.append(f"{where}: job-level keys cannot read steps.*")
            for text in expressions(job):
                for needed, _, output in NEEDS_REF.findall(text):
                    if needed not in workflow.needs(job_id):
                        problems.append(f"{where}: reads needs.{needed} but does not need {needed}")
                    elif output and output not in (workflow.jobs[needed].get("outputs") or {}):
                        problems.append(f"{where}: reads needs.{needed}.outputs.{output}, which {needed} does not set")
                for name in INPUT_REF.findall(text):
                    if name not in dispatch_inputs:
                        problems.append(f"{where}: reads inputs.{name}, not an input of the workflow")
                for name in MATRIX_REF.findall(text):
                    if name not in ((job.get("strategy") or {}).get("matrix") or {}):
                        problems.append(f"{where}: reads matrix.{name}, not in its matrix")
    return problems


def plans_applied_later(workflow: Workflow) -> set[str]:
    """Plan jobs whose artifacts a job in a deploy environment downloads: their plan is what gets applied."""
    result = set()
    for job_id in workflow.jobs:
        for context in workflow.contexts(job_id):
            environment = workflow.environment(job_id, context)
            if environment and not environment.endswith("-plan"):
                for step in workflow.steps(job_id):
                    if str(step.get("uses", "")).startswith("actions/download-artifact@"):
                        result.update(a for a in workflow.ancestors(job_id) if workflow.environment(a, context))
    return result


def problems_concurrency(root: Path) -> list[str]:
    """One group per environment (glue-release-ENV), shared by every job that plans-for-apply or applies it;
    read-only plans (PR, drift) stay out of it and take no lock."""
    problems = []
    for workflow in load_workflows(root):
        applied_plans = plans_applied_later(workflow)
        for job_id, job in workflow.jobs.items():
            for context in workflow.contexts(job_id):
                where = f"{workflow.name}: {job_id}{f' {context}' if context else ''}"
                environment = workflow.environment(job_id, context)
                concurrency = job.get("concurrency") or {}
                group = workflow.resolve(concurrency.get("group", ""), context)
                touches = environment and (not environment.endswith("-plan") or job_id in applied_plans)
                if touches:
                    wanted = f"glue-release-{environment.removesuffix('-plan')}"
                    if group != wanted:
                        problems.append(f"{where}: concurrency group {group!r}, must be {wanted!r}")
                    if concurrency.get("cancel-in-progress") is not False:
                        problems.append(f"{where}: cancel-in-progress must be false (never kill an apply)")
                elif group.startswith("glue-release-"):
                    problems.append(f"{where}: read-only job in {group!r}: it would queue behind a waiting approval")
                scripts = workflow.runs(job_id)
                if environment.endswith("-plan"):
                    for line in re.findall(r"invoke (?:plan|drift|rollback)\b[^\n|;&]*", scripts):
                        if "--no-lock" not in line:
                            problems.append(f"{where}: `{line.strip()}` with the read-only role needs --no-lock")
                for line in re.findall(r"invoke (?:apply|deploy)\b[^\n|;&]*", scripts):
                    if "--lock-timeout" not in line:
                        problems.append(f"{where}: `{line.strip()}` must wait for the state lock (--lock-timeout)")
    return problems


def required_permissions(workflow: Workflow, job_id: str) -> dict[str, str]:
    """What each step needs from GITHUB_TOKEN; nothing else may be granted."""
    needed: dict[str, str] = {}
    for step in workflow.steps(job_id):
        uses, run = str(step.get("uses", "")), str(step.get("run", ""))
        if uses.startswith("actions/checkout@") or "release_guard.py main-head" in run:
            needed["contents"] = "read"
        if uses.startswith(CREDENTIALS_ACTION):
            needed["id-token"] = "write"
        if "gh_report.py plan-comment" in run:
            needed["pull-requests"] = "write"
        if "gh_report.py drift-issue" in run:
            needed["issues"] = "write"
        if "release_guard.py no-waiting-apply" in run:
            needed["actions"] = "read"
        if uses.startswith("github/codeql-action/upload-sarif@"):
            needed.update({"security-events": "write", "actions": "read"})
    return needed


def problems_permissions(root: Path) -> list[str]:
    problems = []
    for workflow in load_workflows(root):
        if workflow.doc.get("permissions") != {}:
            problems.append(f"{workflow.name}: top-level permissions must be {{}}")
        for job_id, job in workflow.jobs.items():
            granted = job.get("permissions")
            wanted = required_permissions(workflow, job_id)
            if granted != wanted:
                problems.append(f"{workflow.name}: {job_id}: permissions {granted} != what its steps need {wanted}")
    return problems


def problems_expressions_in_run(root: Path) -> list[str]:
    """`${{ }}` in a `run:` is pasted into the script before the shell sees it: pass values through `env:`."""
    problems = []
    paths = [*sorted((root / ".github/workflows").glob("*.y*ml")), *sorted(root.glob(".github/actions/*/action.y*ml"))]
    for path in paths:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for where, script in run_steps(document):
            for expression in EXPRESSION.findall(script):
                problems.append(f"{path.name}: {where}: {expression} in run: pass it through env:")
    return problems


def run_mapping_step(script: str, exit_code: int, tmp: Path) -> tuple[int, str]:
    """Run a `run:` script with a fake `invoke` that exits `exit_code`; (its exit code, what it recorded)."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    fake = bin_dir / "invoke"
    fake.write_text('#!/bin/sh\nmkdir -p "build/$ENV"\nexit "$FAKE_EXIT"\n')
    fake.chmod(0o755)
    output = tmp / "github_output"
    output.write_text("")
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "ENV": "prod", "FAKE_EXIT": str(exit_code), "GITHUB_OUTPUT": str(output)}
    result = subprocess.run(["bash", "-e", "-c", script], cwd=tmp, env=env, capture_output=True, text=True, check=False)
    status = tmp / "build" / "prod" / "status"
    recorded = output.read_text() + (status.read_text() if status.exists() else "")
    return result.returncode, recorded.strip()


def problems_exit_code_mappings(root: Path, tmp: Path) -> list[str]:
    """The steps turning invoke's exit codes into results, run with each code: 0/2 map as documented, 1 fails."""
    problems = []
    found = set()
    for workflow in load_workflows(root):
        for job_id in workflow.jobs:
            for step in workflow.steps(job_id):
                script = str(step.get("run", ""))
                for command, mapping in EXIT_CODE_MAPPINGS.items():
                    if command not in script:
                        continue
                    found.add(command)
                    for code, wanted in [*mapping.items(), (1, None)]:
                        scratch = tmp / f"{workflow.name}-{job_id}-{len(found)}-{code}"
                        returned, recorded = run_mapping_step(script, code, scratch)
                        if wanted is None and returned != code:
                            problems.append(f"{workflow.name}: {job_id}: `{command}` exit {code} did not fail the step")
                        elif wanted is not None and (returned != 0 or recorded != wanted):
                            problems.append(
                                f"{workflow.name}: {job_id}: `{command}` exit {code} recorded {recorded!r} "
                                f"(step exit {returned}), expected {wanted!r}"
                            )
    problems += [f"no step maps the exit codes of `{command}`" for command in sorted(set(EXIT_CODE_MAPPINGS) - found)]
    return problems


def problems_credentialed_jobs(root: Path) -> list[str]:
    """Jobs holding AWS credentials: hashed runtime-only installs, credentials that outlast the job."""
    problems = []
    for workflow in load_workflows(root):
        for job_id, job in workflow.jobs.items():
            if not workflow.assumes_aws(job_id):
                continue
            where = f"{workflow.name}: {job_id}"
            setups = [s for s in workflow.steps(job_id) if s.get("uses") == "./.github/actions/setup"]
            if not setups or any((s.get("with") or {}).get("install") != "deploy" for s in setups):
                problems.append(f"{where}: holds AWS credentials: set up with `install: deploy` (hashed runtime only)")
            for line in re.findall(r"pip install[^\n]*", workflow.runs(job_id)):
                if "--require-hashes" not in line:
                    problems.append(f"{where}: `{line}` without --require-hashes in a job holding AWS credentials")
            for step in workflow.steps(job_id):
                if str(step.get("uses", "")).startswith(CREDENTIALS_ACTION):
                    duration = int((step.get("with") or {}).get("role-duration-seconds", 3600))
                    timeout = int(job.get("timeout-minutes", 360))
                    # The job is killed at its timeout, so a session at least that long never expires in it.
                    if timeout * 60 > duration:
                        problems.append(
                            f"{where}: timeout-minutes {timeout} outlasts the {duration} s role session: credentials "
                            "would expire mid-apply (lower the timeout or raise the session and the role's maximum)"
                        )
    return problems


# What starts each workflow. A deploy from any other branch, or a PR workflow running with the base
# repository's secrets (pull_request_target), would ship or expose what nobody reviewed.
EXPECTED_TRIGGERS = {
    "deploy.yml": {"push"},
    "pull-request.yml": {"pull_request"},
    "drift.yml": {"schedule", "workflow_dispatch"},
    "rollback.yml": {"workflow_dispatch"},
}


def problems_triggers(root: Path) -> list[str]:
    problems = []
    for workflow in load_workflows(root):
        expected = EXPECTED_TRIGGERS.get(workflow.name)
        if expected is None:
            problems.append(f"{workflow.name}: not in EXPECTED_TRIGGERS: pin what starts it")
        elif set(workflow.triggers) != expected:
            problems.append(f"{workflow.name}: started by {sorted(workflow.triggers)}, expected {sorted(expected)}")
        push = workflow.triggers.get("push") or {}
        if "push" in workflow.triggers and (
            push.get("branches") != ["main"] or {"tags", "branches-ignore"} & set(push)
        ):
            problems.append(f"{workflow.name}: deploys on push to {push}: only pushes to main deploy")
    return problems


def plan_bundle_targets(script: str) -> list[str]:
    return [argv[-1].strip('"') for argv in simple_commands(script) if "unseal" in argv and len(argv) >= 4]


def problems_apply_jobs(root: Path) -> list[str]:
    """A job applying a saved plan first unseals it where it applies it from and uploads the artifacts it
    points at; on the push-to-main pipeline, smoke runs follow in the same job."""
    problems = []
    for workflow in load_workflows(root):
        applies = 0
        for job_id in workflow.jobs:
            runs = [str(step.get("run", "")) for step in workflow.steps(job_id)]
            for index, script in enumerate(runs):
                for argv in simple_commands(script):
                    if argv[:2] != ["invoke", "apply"] or "--plan" not in argv:
                        continue
                    applies += 1
                    where = f"{workflow.name}: {job_id}"
                    env = argv[argv.index("--env") + 1] if "--env" in argv else ""
                    plan_file = argv[argv.index("--plan") + 1].strip('"')
                    before, after = runs[:index], runs[index + 1 :]
                    unsealed = [t for s in before for t in plan_bundle_targets(s)]
                    if not any(plan_file.startswith(target.rstrip("/") + "/") for target in unsealed):
                        problems.append(f"{where}: applies {plan_file}, which no earlier step unseals there")
                    uploads = [a for s in before for a in simple_commands(s) if a[:2] == ["invoke", "upload"]]
                    if not any(env in a for a in uploads):
                        problems.append(f"{where}: applies without `invoke upload --env {env}` before it")
                    smokes = [a for s in after for a in simple_commands(s) if a[:2] == ["invoke", "smoke"]]
                    if "push" in workflow.triggers and not any(env in a for a in smokes):
                        problems.append(f"{where}: applies {env} without `invoke smoke --env {env}` after it")
        if workflow.name in ("deploy.yml", "rollback.yml") and not applies:
            # Otherwise a rewrite of the apply line (--plan=FILE, another wrapper) would leave nothing checked.
            problems.append(f"{workflow.name}: no `invoke apply --env E --plan FILE` step found to check")
    return problems


# The environments the push-to-main pipeline changes: PR plans and drift checks must cover each one.
DEPLOYED_ENVIRONMENTS = {"test", "prod"}
SAME_REPOSITORY = "github.event.pull_request.head.repo.full_name == github.repository"
# The only accepted way to pass the policy gate on a pull request: the `plan-allow` label, else nothing.
ALLOW_FROM_LABEL = "contains(github.event.pull_request.labels.*.name, 'plan-allow') && '*' || ''"


def problems_coverage(root: Path) -> list[str]:
    """PR plans and drift checks cover every deployed environment, one failure never cancels another's,
    PR jobs needing credentials skip forks (no OIDC token there), and the gate opens only by label."""
    problems = []
    for workflow in load_workflows(root):
        for job_id, job in workflow.jobs.items():
            where = f"{workflow.name}: {job_id}"
            strategy = job.get("strategy") or {}
            covered = set((strategy.get("matrix") or {}).get("env") or [])
            checks_environments = workflow.name in ("pull-request.yml", "drift.yml") and workflow.assumes_aws(job_id)
            if checks_environments and covered != DEPLOYED_ENVIRONMENTS:
                problems.append(
                    f"{where}: covers {sorted(covered)}, not every deployed {sorted(DEPLOYED_ENVIRONMENTS)}"
                )
            if covered and strategy.get("fail-fast", True) is not False:
                problems.append(f"{where}: fail-fast would cancel the other environments' results: set it false")
            pr_with_aws = workflow.name == "pull-request.yml" and workflow.assumes_aws(job_id)
            if pr_with_aws and SAME_REPOSITORY not in str(job.get("if", "")):
                problems.append(f"{where}: runs for fork PRs, which get no OIDC token: gate on {SAME_REPOSITORY}")
            for step in workflow.steps(job_id):
                script = str(step.get("run", ""))
                if "--allow" not in script:
                    continue
                from_label = [k for k, v in (step.get("env") or {}).items() if ALLOW_FROM_LABEL in str(v)]
                given = [a[a.index("--allow") + 1] for a in simple_commands(script) if "--allow" in a[:-1]]
                if (
                    workflow.name != "pull-request.yml"
                    or not given
                    or any(value.strip('"') not in {f"${k}" for k in from_label} for value in given)
                ):
                    problems.append(f"{where}: --allow must come from the plan-allow label only ({ALLOW_FROM_LABEL})")
    return problems


def problems_setup_action(root: Path) -> list[str]:
    problems = []
    action = yaml.safe_load((root / ".github/actions/setup/action.yml").read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    java = [s for s in steps if str(s.get("uses", "")).startswith("actions/setup-java@")]
    if not java or any(str((s.get("with") or {}).get("java-version")) != "17" or "if" in s for s in java):
        problems.append("setup action: Java 17 must be pinned with actions/setup-java for every install kind")
    deploy_installs = [s for s in steps if "deploy" in str(s.get("if", "")) and "pip install" in str(s.get("run", ""))]
    if not deploy_installs or any("--require-hashes" not in s["run"] for s in deploy_installs):
        problems.append("setup action: the deploy install must use --require-hashes")
    for step in steps:
        caches = str(step.get("uses", "")).startswith("actions/cache@") or (step.get("with") or {}).get("cache")
        if caches and "dev" not in str(step.get("if", "")):
            problems.append(f"setup action: {step.get('name')}: caches only in dev installs")
    return problems


# --------------------------------------------------------------------------- the job graph: tests


def test_there_are_workflows() -> None:
    names = {path.name for path in WORKFLOW_FILES}
    assert {*WORKFLOWS, "action.yml"} <= names


def test_the_needs_chains_are_the_documented_ones() -> None:
    assert problems_needs_graph(ROOT) == []


def test_every_downloaded_artifact_is_uploaded_by_a_job_before_it() -> None:
    assert problems_artifacts(ROOT) == []


def test_referenced_steps_job_outputs_inputs_and_matrix_values_exist() -> None:
    assert problems_references(ROOT) == []


def test_one_concurrency_group_per_environment_and_locks_that_fit_the_role() -> None:
    assert problems_concurrency(ROOT) == []


def test_writes_happen_only_in_deploy_environments() -> None:
    assert problems_environment_roles(ROOT) == []


def test_each_job_has_exactly_the_permissions_its_steps_need() -> None:
    assert problems_permissions(ROOT) == []


def test_no_expression_is_interpolated_into_a_run_script() -> None:
    assert problems_expressions_in_run(ROOT) == []


def test_exit_codes_map_to_the_results_the_next_jobs_read(tmp_path: Path) -> None:
    assert problems_exit_code_mappings(ROOT, tmp_path) == []


def test_jobs_with_aws_credentials_install_hashed_runtime_only_and_outlive_no_session() -> None:
    assert problems_credentialed_jobs(ROOT) == []


def test_only_pushes_to_main_deploy_and_no_workflow_runs_with_base_secrets_for_a_pr() -> None:
    assert problems_triggers(ROOT) == []


def test_an_applied_plan_is_unsealed_there_its_artifacts_uploaded_and_smoke_runs_follow() -> None:
    assert problems_apply_jobs(ROOT) == []


def test_plans_and_drift_cover_every_environment_skip_forks_and_open_the_gate_only_by_label() -> None:
    assert problems_coverage(ROOT) == []


def test_the_setup_action_pins_java_17_and_hashes_deploy_installs() -> None:
    assert problems_setup_action(ROOT) == []


def test_the_prod_apply_applies_the_reviewed_plan_and_only_main_head_deploys() -> None:
    deploy = {w.name: w for w in load_workflows(ROOT)}["deploy.yml"]
    runs = [str(step.get("run", "")) for step in deploy.steps("apply-prod")]
    assert "invoke apply --env prod --plan build/prod/tfplan --lock-timeout 10m" in runs
    assert not any("invoke plan" in run for run in runs), "the approved plan is applied, never a new one"
    for job_id in ("test", "plan-prod", "apply-prod"):
        steps = [str(step.get("run", "")) + str(step.get("uses", "")) for step in deploy.steps(job_id)]
        guard = next(i for i, text in enumerate(steps) if "release_guard.py main-head" in text)
        credentials = next(i for i, text in enumerate(steps) if CREDENTIALS_ACTION in text)
        assert guard < credentials, f"{job_id}: the re-run guard must come before the credentials"


def test_rollback_is_guarded_planned_then_applied_after_approval() -> None:
    rollback = {w.name: w for w in load_workflows(ROOT)}["rollback.yml"]
    guard = rollback.runs("guard")
    assert "release_guard.py rollback-target --commit" in guard and "no-waiting-apply" in guard
    assert "--plan-only" in rollback.runs("plan") and "invoke apply" not in rollback.runs("plan")
    assert [rollback.environment("apply", c) for c in rollback.contexts("apply")] == ["test", "prod"]
    assert [rollback.environment("plan", c) for c in rollback.contexts("plan")] == ["test-plan", "prod-plan"]


# What an artifact may hold without sealing: text Terraform already redacted, and drift results.
READABLE_ARTIFACT_FILES = ("plan.md", "plan.txt", "status", "drift.md", "pending.md")


def test_saved_plans_are_uploaded_only_sealed() -> None:
    for workflow in load_workflows(ROOT):
        for job_id in workflow.jobs:
            steps = workflow.steps(job_id)
            for index, step in enumerate(steps):
                if not str(step.get("uses", "")).startswith("actions/upload-artifact@"):
                    continue
                for path in str(step["with"]["path"]).splitlines():
                    path = path.strip()
                    if path.endswith(".cms"):
                        sealed = any("plan_bundle.sh seal" in str(s.get("run", "")) for s in steps[:index])
                        assert sealed, f"{workflow.name}: {job_id} uploads {path} without sealing it first"
                    else:
                        assert path.endswith(READABLE_ARTIFACT_FILES), f"{workflow.name}: {job_id} uploads {path}"


def test_sarif_upload_needs_the_code_scanning_variable() -> None:
    pull_request = {w.name: w for w in load_workflows(ROOT)}["pull-request.yml"]
    (upload,) = [s for s in pull_request.steps("lint") if "upload-sarif" in str(s.get("uses", ""))]
    assert "vars.CODE_SCANNING == 'true'" in upload["if"]


def test_dependabot_updates_every_action_and_provider_lock() -> None:
    config = yaml.safe_load((ROOT / ".github/dependabot.yml").read_text(encoding="utf-8"))
    by_ecosystem: dict[str, set[str]] = {}
    for update in config["updates"]:
        folders = update.get("directories") or [update["directory"]]
        by_ecosystem.setdefault(update["package-ecosystem"], set()).update(folders)
    actions = {"/", *("/" + str(p.parent.relative_to(ROOT)) for p in ROOT.glob(".github/actions/*/action.y*ml"))}
    assert actions <= by_ecosystem.get("github-actions", set())
    locks = {"/" + str(p.parent.relative_to(REPO)) for p in REPO.glob("terraform/**/.terraform.lock.hcl")}
    assert locks and locks <= by_ecosystem.get("terraform", set())


# --------------------------------------------------------------------------- actionlint and zizmor

LINT_BIN = REPO / ".tools" / "lint" / "bin"


def lint_tool(name: str) -> Path:
    path = LINT_BIN / name
    if not path.exists():
        pytest.skip(f"{name} not installed: `./dev --list` sets up .tools/lint")
    return path


def test_actionlint_finds_nothing() -> None:
    actionlint = lint_tool("actionlint")
    workflows = sorted(str(p) for p in (ROOT / ".github/workflows").glob("*.y*ml"))
    result = subprocess.run(
        [str(actionlint), "-shellcheck", str(lint_tool("shellcheck")), *workflows],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    zizmor = lint_tool("zizmor")
    result = subprocess.run(
        [str(zizmor), "--offline", "--persona", "pedantic", ".github"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- mutations the graph tests catch

# (file, exact text, replacement, the check that must catch it). Each is one edit a reviewer could miss.
MUTATIONS = {
    "prod apply downloads a differently named artifact": (
        "deploy.yml",
        "          name: prod-plan\n          path: build/sealed",
        "          name: prod-plan-v2\n          path: build/sealed",
        problems_artifacts,
    ),
    "if: reads a job output that does not exist": (
        "deploy.yml",
        "if: needs.plan-prod.outputs.changes == 'true'",
        "if: needs.plan-prod.outputs.changed == 'true'",
        problems_references,
    ),
    "the id of a step whose outputs are used is removed": (
        "deploy.yml",
        "        id: plan\n",
        "",
        problems_references,
    ),
    "needs: test removed (prod no longer waits for test)": (
        "deploy.yml",
        "    needs: test\n",
        "",
        problems_needs_graph,
    ),
    "the upload before apply is removed": (
        "deploy.yml",
        "      - name: Upload the sealed plan\n        if: steps.plan.outputs.changes == 'true'\n"
        "        uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2\n"
        "        with:\n          name: prod-plan\n          path: build/prod-plan.cms\n"
        "          if-no-files-found: error\n          retention-days: 7\n",
        "",
        problems_artifacts,
    ),
    "a concurrency group gets a per-run name": (
        "deploy.yml",
        "      group: glue-release-test\n",
        "      group: glue-release-test-${{ github.run_id }}\n",
        problems_concurrency,
    ),
    "the drift status mapping is swapped": (
        "drift.yml",
        '0) echo clean > "build/$ENV/status" ;;\n            2) echo drift > "build/$ENV/status" ;;',
        '0) echo drift > "build/$ENV/status" ;;\n            2) echo clean > "build/$ENV/status" ;;',
        problems_exit_code_mappings,
    ),
    "the comment job gets pull-requests: read": (
        "pull-request.yml",
        "pull-requests: write # create or update the plan comment",
        "pull-requests: read # create or update the plan comment",
        problems_permissions,
    ),
    "${{ inputs.commit }} straight into a run: line": (
        "rollback.yml",
        'run: invoke rollback --env "$ENV" --to "$COMMIT" --plan-only --no-lock',
        'run: invoke rollback --env "$ENV" --to "${{ inputs.commit }}" --plan-only --no-lock',
        problems_expressions_in_run,
    ),
    # Beyond the nine of issue 12: edits that would break a run on GitHub just as quietly.
    "extra: the prod apply runs in the read-only plan environment (no reviewers)": (
        "deploy.yml",
        '    # Required reviewers approve here, after reading the plan in the summary of "Plan prod".\n'
        "    environment: prod\n",
        "    environment: prod-plan\n",
        problems_environment_roles,
    ),
    "extra: the apply job no longer waits for a plan with changes": (
        "deploy.yml",
        "    if: needs.plan-prod.outputs.changes == 'true'\n",
        "",
        problems_artifacts,
    ),
    "extra: the sealed plan is downloaded where the unseal step does not look": (
        "deploy.yml",
        "          name: prod-plan\n          path: build/sealed",
        "          name: prod-plan\n          path: build/downloaded",
        problems_artifacts,
    ),
    "extra: a PR plan takes the state lock with the read-only role": (
        "pull-request.yml",
        'run: invoke plan --env "$ENV" --no-lock',
        'run: invoke plan --env "$ENV"',
        problems_concurrency,
    ),
    "extra: deploy runs on a push to any branch": (
        "deploy.yml",
        "    branches: [main]",
        "    branches: ['**']",
        problems_triggers,
    ),
    "extra: the PR workflow runs with the base repository's secrets": (
        "pull-request.yml",
        "  pull_request:",
        "  pull_request_target:",
        problems_triggers,
    ),
    "extra: prod is planned in the approved environment (the reviewer approves blind)": (
        "deploy.yml",
        "    environment: prod-plan\n",
        "    environment: prod\n",
        problems_environment_roles,
    ),
    "extra: the approved plan is unsealed where apply does not read it": (
        "deploy.yml",
        "unseal build/sealed/prod-plan.cms build/prod",
        "unseal build/sealed/prod-plan.cms build/prod-approved",
        problems_apply_jobs,
    ),
    "extra: prod is applied without uploading the artifacts first": (
        "deploy.yml",
        "        run: invoke upload --env prod\n",
        "        run: echo skipped\n",
        problems_apply_jobs,
    ),
    "extra: prod is applied without smoke runs after it": (
        "deploy.yml",
        "        run: invoke smoke --env prod",
        "        run: echo skipped",
        problems_apply_jobs,
    ),
    "extra: a rollback is applied without uploading the old artifacts": (
        "rollback.yml",
        'run: invoke upload --env "$ENV"',
        "run: echo skipped",
        problems_apply_jobs,
    ),
    "extra: PR plans no longer cover prod": (
        "pull-request.yml",
        "        env: [test, prod]\n",
        "        env: [test]\n",
        problems_coverage,
    ),
    "extra: drift no longer checks prod": (
        "drift.yml",
        "env: [test, prod]",
        "env: [test]",
        problems_coverage,
    ),
    "extra: a failing PR plan cancels the other environment's": (
        "pull-request.yml",
        "      fail-fast: false\n",
        "      fail-fast: true\n",
        problems_coverage,
    ),
    "extra: PR plans run for forks (no OIDC token)": (
        "pull-request.yml",
        "    if: github.event.pull_request.head.repo.full_name == github.repository\n    runs-on",
        "    runs-on",
        problems_coverage,
    ),
    "extra: the policy gate is always open on PRs": (
        "pull-request.yml",
        "&& '*' || ''",
        "&& '*' || '*'",
        problems_coverage,
    ),
    "extra: --allow given a literal next to the label's variable": (
        "pull-request.yml",
        '--allow "$ALLOW"',
        "--allow '*'",
        problems_coverage,
    ),
    "extra: the apply line is rewritten so the apply checks find nothing": (
        "deploy.yml",
        "run: invoke apply --env prod --plan build/prod/tfplan --lock-timeout 10m",
        "run: invoke apply --env prod --plan=build/prod/tfplan --lock-timeout 10m",
        problems_apply_jobs,
    ),
    "extra: an apply job outlives its one-hour credentials": (
        "deploy.yml",
        "    timeout-minutes: 50\n    # Required reviewers",
        "    timeout-minutes: 90\n    # Required reviewers",
        problems_credentialed_jobs,
    ),
}
CHECKS = {
    check.__name__: check
    for check in (
        problems_needs_graph,
        problems_artifacts,
        problems_references,
        problems_concurrency,
        problems_permissions,
        problems_expressions_in_run,
        problems_exit_code_mappings,
        problems_credentialed_jobs,
        problems_setup_action,
        problems_environment_roles,
        problems_triggers,
        problems_apply_jobs,
        problems_coverage,
    )
}


def run_checks(root: Path, tmp: Path) -> dict[str, list[str]]:
    found = {}
    for name, check in CHECKS.items():
        found[name] = check(root, tmp) if check is problems_exit_code_mappings else check(root)
    return {name: problems for name, problems in found.items() if problems}


def scratch_copy(tmp: Path) -> Path:
    root = tmp / "repo"
    shutil.copytree(ROOT / ".github", root / ".github")
    return root


@pytest.mark.parametrize("mutation", list(MUTATIONS), ids=list(MUTATIONS))
def test_each_broken_pipeline_edit_is_caught(tmp_path: Path, mutation: str) -> None:
    name, old, new, catcher = MUTATIONS[mutation]
    root = scratch_copy(tmp_path)
    path = root / ".github/workflows" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the mutation's text is no longer in {name} exactly once: update MUTATIONS"
    # The unmodified workflows pass every check: the tests above.
    path.write_text(text.replace(old, new), encoding="utf-8")
    caught = run_checks(root, tmp_path / "after")
    assert catcher.__name__ in caught, f"{mutation}: not caught by {catcher.__name__}; caught by {sorted(caught)}"


# --------------------------------------------------------------------------- gh_report.py


def load_gh_report() -> ModuleType:
    path = REPO / ".github/scripts/gh_report.py"
    spec = importlib.util.spec_from_file_location("gh_report", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gh_report = load_gh_report()


BOT = {"login": "github-actions[bot]"}
PERSON = {"login": "someone"}
DRIFT_LABELS = [{"name": "terraform-drift"}]


def bot_issue(number: int, body: str, **extra: object) -> dict:
    return {"number": number, "body": body, "user": BOT, "labels": DRIFT_LABELS, **extra}


class FakeGitHub:
    """Records calls; serves issue comments and issues from lists (ignoring the API's own filters, so the
    script's matching is what is tested)."""

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

    api = FakeGitHub(comments=[{"id": n, "body": "unrelated", "user": BOT} for n in range(150)])
    assert gh_report.main(argv, api=api) == 0
    assert [call[:2] for call in api.calls] == [
        ("GET", "/repos/acme/glue/issues/7/comments"),
        ("GET", "/repos/acme/glue/issues/7/comments"),  # second page
        ("POST", "/repos/acme/glue/issues/7/comments"),
    ]
    posted = api.calls[-1][2]["body"]
    assert "summary" in github_env.read_text(encoding="utf-8")

    api = FakeGitHub(comments=[{"id": 1, "body": "hi", "user": BOT}, {"id": 5, "body": posted, "user": BOT}])
    gh_report.main(argv, api=api)
    assert api.calls[-1][:2] == ("PATCH", "/repos/acme/glue/issues/comments/5")


def test_a_comment_quoting_the_marker_is_never_taken_for_the_bots(tmp_path: Path, github_env: Path) -> None:
    write_plan(tmp_path / "plan-test", "summary", "text")
    quoted = {"id": 8, "body": f"> {gh_report.PLAN_MARKER}\n> as the bot said", "user": PERSON}
    api = FakeGitHub(comments=[quoted])
    gh_report.main(["plan-comment", "--env", f"test={tmp_path / 'plan-test'}"], api=api)
    assert api.calls[-1][:2] == ("POST", "/repos/acme/glue/issues/7/comments")  # a new one; #8 untouched


def test_plan_summary_puts_the_full_plan_in_the_job_summary(tmp_path: Path, github_env: Path) -> None:
    write_plan(tmp_path / "prod", "**2 to change**", '~ resource "aws_glue_job" "x" { script_location }')
    assert gh_report.main(["plan-summary", "--env", f"prod={tmp_path / 'prod'}"], api=FakeGitHub()) == 0
    summary = github_env.read_text(encoding="utf-8")
    assert "### prod\n\n**2 to change**" in summary
    assert 'resource "aws_glue_job" "x" { script_location }' in summary and "<details>" in summary


def drift_dir(tmp_path: Path, env: str, status: str, report: str = "1 resource drifted") -> Path:
    folder = tmp_path / f"drift-{env}"
    folder.mkdir()
    (folder / "status").write_text(status + "\n", encoding="utf-8")
    (folder / "drift.md").write_text(report, encoding="utf-8")
    return folder


def test_drift_opens_one_issue_per_environment(tmp_path: Path, github_env: Path) -> None:
    prod = drift_dir(tmp_path, "prod", "drift")
    api = FakeGitHub(issues=[bot_issue(3, "<!-- glue-release-drift:test -->")])
    gh_report.main(["drift-issue", "--env", f"prod={prod}"], api=api)
    method, path, body = api.calls[-1]
    assert (method, path) == ("POST", "/repos/acme/glue/issues")
    assert body["title"] == "Terraform drift detected in prod"
    assert body["labels"] == ["terraform-drift"]
    assert body["body"].startswith("<!-- glue-release-drift:prod -->") and "1 resource drifted" in body["body"]


def test_drift_updates_the_open_issue(tmp_path: Path, github_env: Path) -> None:
    prod = drift_dir(tmp_path, "prod", "drift", "2 resources drifted")
    issues = [
        bot_issue(4, "<!-- glue-release-drift:prod -->", pull_request={}),  # a PR, not an issue
        {"number": 6, "body": "<!-- glue-release-drift:prod -->", "user": PERSON, "labels": DRIFT_LABELS},
        bot_issue(7, "<!-- glue-release-drift:prod -->", labels=[]),  # the bot's, but not labelled
        bot_issue(5, "old\n<!-- glue-release-drift:prod -->"),
    ]
    api = FakeGitHub(issues=issues)
    gh_report.main(["drift-issue", "--env", f"prod={prod}"], api=api)
    method, path, body = api.calls[-1]
    assert (method, path) == ("PATCH", "/repos/acme/glue/issues/5")
    assert "2 resources drifted" in body["body"]


def test_no_drift_closes_the_issue_and_a_failed_check_leaves_it(tmp_path: Path, github_env: Path) -> None:
    test = drift_dir(tmp_path, "test", "clean")
    api = FakeGitHub(issues=[bot_issue(6, "<!-- glue-release-drift:test -->")])
    gh_report.main(["drift-issue", "--env", f"test={test}", "--env", f"prod={tmp_path / 'absent'}"], api=api)
    writes = [call for call in api.calls if call[0] != "GET"]
    assert writes[0][:2] == ("POST", "/repos/acme/glue/issues/6/comments")
    assert writes[1] == ("PATCH", "/repos/acme/glue/issues/6", {"state": "closed", "state_reason": "completed"})
    assert len(writes) == 2  # nothing for prod, whose check failed


def test_clean_without_an_issue_does_nothing(tmp_path: Path, github_env: Path) -> None:
    api = FakeGitHub()
    gh_report.main(["drift-issue", "--env", f"test={drift_dir(tmp_path, 'test', 'clean')}"], api=api)
    assert all(method == "GET" for method, _, _ in api.calls)


def test_clean_never_closes_an_issue_someone_else_opened(tmp_path: Path, github_env: Path) -> None:
    theirs = {"number": 9, "body": "copied <!-- glue-release-drift:test -->", "user": PERSON, "labels": DRIFT_LABELS}
    api = FakeGitHub(issues=[theirs])
    gh_report.main(["drift-issue", "--env", f"test={drift_dir(tmp_path, 'test', 'clean')}"], api=api)
    assert all(method == "GET" for method, _, _ in api.calls)
    assert api.calls[0] == ("GET", "/repos/acme/glue/issues", None)


def test_undeployed_changes_go_to_the_summary_not_an_issue(tmp_path: Path, github_env: Path) -> None:
    prod = drift_dir(tmp_path, "prod", "clean", "No drift.")
    (prod / "pending.md").write_text("**1 changes are in the code but not applied**", encoding="utf-8")
    api = FakeGitHub()
    gh_report.main(["drift-issue", "--env", f"prod={prod}"], api=api)
    assert all(method == "GET" for method, _, _ in api.calls)
    assert "Not yet deployed to prod (not drift)" in github_env.read_text(encoding="utf-8")


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
            old = {"id": 11, "body": "<!-- glue-release-plan -->\nold", "user": {"login": "github-actions[bot]"}}
            self.answer([old] if "page=1" in self.path else [])

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
