"""The second fault run: bad input beyond issue 16's list gets one line (UserError), exit 1, no traceback.

Each case here broke before: a traceback, wrong advice, or bad input silently accepted (and found
only at smoke time, on AWS, or never). No emulator, no Terraform: declarations are loaded from a
copy of jobs/, settings from scratch environments/ folders; AWS answers come from moto's
in-process ``mock_aws`` where one answer is all a case needs.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import yaml
from botocore.config import Config
from moto import mock_aws

from glue_release import aws, flags, release
from glue_release.artifacts.packaging import compile_check
from glue_release.catalog.tables import load_catalog
from glue_release.declarations import load_jobs
from glue_release.declarations.external_buckets import read_external_buckets
from glue_release.declarations.validate import validate
from glue_release.errors import UserError
from glue_release.paths import ENVIRONMENTS_DIR, JOBS_DIR, REPO_ROOT
from glue_release.settings import check_config_file, load_settings
from glue_release.terraform import state_lock
from glue_release.terraform.runner import explain

INVOKE = Path(sys.executable).with_name("invoke")
ENVS = ["dev", "local", "prod", "test"]


# -- job.yaml -------------------------------------------------------------------------------


@pytest.fixture
def jobs(tmp_path: Path) -> Path:
    """A copy of the repository's jobs/ (and an empty catalog/ beside it) to break."""
    folder = tmp_path / "jobs"
    shutil.copytree(JOBS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "catalog").mkdir()
    return folder


def edit(jobs: Path, change, job: str = "orders_daily_revenue") -> None:
    path = jobs / job / "job.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data))


def check(data: dict, **values) -> None:
    data["smoke"]["checks"]["output_path"].update(values)


BAD_DECLARATIONS = {
    # Spark has no such type: the smoke run would fail after a deploy, naming a type mismatch.
    "unknown Spark type": (
        lambda d: check(d, columns={"country": "varchar2"}),
        r"field 'smoke\.checks\.output_path\.columns\.country': must be a Spark type .* got 'varchar2'",
    ),
    # Glue's pip gets both pins: the job fails at start on AWS.
    "one package pinned twice": (
        lambda d: d.update(python_modules=["pyyaml==6.0.2", "PyYAML==6.0.1"]),
        r"field 'python_modules': 'pyyaml==6\.0\.2' and 'PyYAML==6\.0\.1' pin the same package; keep one",
    ),
    # pydantic's lax float took "8" and true (as 1.0 minute) without a word.
    "expected_minutes as text": (
        lambda d: d.update(expected_minutes="8"),
        r"field 'expected_minutes': must be a number, got '8'",
    ),
    "expected_minutes true": (
        lambda d: d.update(expected_minutes=True),
        r"field 'expected_minutes': must be a number, got True",
    ),
    # ".." is a literal key part in S3: the overlap checks would compare the wrong folders.
    "prefix with ..": (
        lambda d: d["inputs"]["orders_path"].update(prefix="../orders/"),
        r"field 'inputs\.orders_path\.prefix': '\.\./orders/' must be a relative folder .*no \. or \.\. parts",
    ),
    "absolute sample": (
        lambda d: d["inputs"]["orders_path"].update(sample="/etc/hostname"),
        r"field 'inputs\.orders_path\.sample': /etc/hostname must be relative to",
    ),
    "NaN argument": (
        lambda d: d.update(arguments={"currency": float("nan")}),
        r"field 'arguments\.currency': must be a finite number, got nan; quote it",
    ),
    # pydantic printed its regular expression.
    "catalog_reads without a database": (
        lambda d: d.update(catalog_reads=["medicare"]),
        r"field 'catalog_reads\.0': 'medicare' must be database\.table, as in catalog/<database>/<table>\.yaml",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_DECLARATIONS))
def test_a_bad_declaration_is_one_line_naming_the_field(jobs, case):
    change, message = BAD_DECLARATIONS[case]
    edit(jobs, change)
    with pytest.raises(UserError, match=message) as caught:
        load_jobs(jobs, ENVS)
    assert "\n" not in str(caught.value)
    assert "job.yaml" in str(caught.value)


def test_spark_types_people_write_still_pass(jobs):
    written = {"a": "long", "b": "Decimal(18, 2)", "c": "array<string>", "d": "varchar(9)"}
    edit(jobs, lambda d: check(d, columns=written))
    columns = load_jobs(jobs, ENVS)["orders_daily_revenue"].smoke.checks["output_path"].columns
    assert columns == {"a": "bigint", "b": "decimal(18,2)", "c": "array<string>", "d": "varchar(9)"}


def test_a_broken_symlink_under_jobs_is_an_error_not_a_skipped_job(jobs):
    # Skipped, the job it pointed at would be planned for destruction (issue 16, item 5's reasoning).
    (jobs / "moved_job").symlink_to(jobs.parent / "elsewhere" / "moved_job")
    with pytest.raises(UserError, match=r"jobs/moved_job: a symlink to .*moved_job, which does not exist; fix or"):
        load_jobs(jobs, ENVS)


def test_a_job_yaml_that_is_a_broken_symlink_says_so(jobs):
    declaration = jobs / "customers_clean" / "job.yaml"
    declaration.unlink()
    declaration.symlink_to(jobs.parent / "gone.yaml")
    # It said "has main.py but no job.yaml (found job.yaml)".
    with pytest.raises(UserError, match=r"customers_clean/job\.yaml: a symlink to .*gone\.yaml, which does not exist"):
        load_jobs(jobs, ENVS)


def test_validate_finds_a_catalog_read_without_a_catalog_file(jobs):
    edit(jobs, lambda d: d.update(catalog_reads=["sales.orders"]), job="customers_clean")
    # Before, validate said "valid" and only `package` refused it.
    with pytest.raises(UserError, match=r"field 'catalog_reads': sales\.orders is not in the catalog; add "):
        validate(jobs)


def test_validate_finds_a_malformed_catalog_file(jobs):
    (jobs.parent / "catalog" / "sales").mkdir()
    (jobs.parent / "catalog" / "sales" / "orders.yaml").write_text("description: [unclosed\n")
    with pytest.raises(UserError, match=r"catalog/sales/orders\.yaml: not valid YAML at line 2"):
        validate(jobs)


# -- catalog files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00", r"orders\.yaml: not UTF-8 text"),  # was a UnicodeDecodeError traceback
        (b"format: csv\nformat: json\n", r"orders\.yaml: key 'format' appears twice, at lines 1 and 2"),  # last won
    ],
)
def test_a_catalog_file_is_read_like_a_declaration(tmp_path, content, message):
    (tmp_path / "sales").mkdir()
    (tmp_path / "sales" / "orders.yaml").write_bytes(content)
    with pytest.raises(UserError, match=message):
        load_catalog(tmp_path)


# -- main.py ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # Glue would run nothing and report SUCCEEDED.
        (b"", r"jobs/customers_clean/main\.py is empty: Glue would run nothing"),
        (b"  \n\n", r"jobs/customers_clean/main\.py is empty"),
        # compile() accepted this; `python main.py` (and Glue) refuse it.
        (b"# caf\xe9\nx = 1\n", r"customers_clean/main\.py: not UTF-8 text \(line 1\); save it as UTF-8"),
    ],
)
def test_packaging_refuses_a_script_glue_could_not_run(jobs, content, message):
    (jobs / "customers_clean" / "main.py").write_bytes(content)
    with pytest.raises(UserError, match=message):
        compile_check(load_jobs(jobs, ENVS))


def test_a_declared_source_encoding_is_honoured(jobs):
    (jobs / "customers_clean" / "main.py").write_bytes(b"# -*- coding: latin-1 -*-\n# caf\xe9\nx = 1\n")
    assert compile_check(load_jobs(jobs, ENVS)) > 0


# -- invoke.yaml -------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the real tasks.py and the repository's environments/."""
    shutil.copy(REPO_ROOT / "tasks.py", tmp_path / "tasks.py")
    shutil.copytree(ENVIRONMENTS_DIR, tmp_path / "environments")
    return tmp_path


BAD_CONFIGS = {
    # Each was silently ignored: the port, the emulator setting or the account guard was dropped.
    "misspelt setting": ("emulatr:\n  port: 5055\n", r"unknown setting 'emulatr' \(did you mean 'emulator'\?\)"),
    "misspelt emulator key": ("emulator: {prot: 5055}\n", r"unknown setting under emulator: 'prot'"),
    "misspelt account_id": (
        "envs:\n  prod: {acount_id: '333333333333'}\n",
        r"unknown setting under envs\.prod: 'acount_id' \(did you mean 'account_id'\?\)",
    ),
    "environment typo": (
        "envs:\n  prdo: {account_id: '333333333333'}\n",
        r"unknown environment under envs: 'prdo' \(did you mean 'prod'\?\)",
    ),
    # Checked only when that environment was used: `package --env local` passed with prod's typo.
    "another env's account id": ("envs:\n  prod: {account_id: '3333'}\n", r"envs\.prod\.account_id must be a 12-digit"),
    "verbose not a bool": ("verbose: maybe\n", r"verbose must be true or false, got 'maybe'"),
    "not UTF-8": (b"\xff\xfe\x00", r"not UTF-8 text"),  # was a traceback
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_a_bad_invoke_yaml_is_one_line_before_any_task(project, case):
    text, expected = BAD_CONFIGS[case]
    path = project / "invoke.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(UserError, match=expected):
        check_config_file(path)
    result = subprocess.run(
        [str(INVOKE), "--search-root", str(project), "--list"], capture_output=True, text=True, cwd=project
    )
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: invoke.yaml"), result.stderr


def test_invokes_own_settings_and_the_checked_in_file_pass(project):
    (project / "invoke.yaml").write_text("tasks: {dedupe: true}\nrun: {echo: false}\n")
    check_config_file(project / "invoke.yaml")
    check_config_file(REPO_ROOT / "invoke.yaml")


# -- settings: tfvars, build folder, provider mirror ----------------------------------------


@pytest.fixture
def environments(tmp_path: Path) -> Path:
    folder = tmp_path / "environments"
    shutil.copytree(ENVIRONMENTS_DIR, folder)
    return folder


def test_a_tfvars_file_that_is_not_utf8_is_one_line(environments, tmp_path):
    (environments / "dev.tfvars").write_bytes(b'region = "eu-west-1"\n\xff\xfe\n')
    with pytest.raises(UserError, match=r"environments/dev\.tfvars: not UTF-8 text"):  # was a traceback
        load_settings("dev", {}, environments, tmp_path / "build")


def test_a_malformed_tfvars_line_is_shown(environments, tmp_path):
    tfvars = environments / "dev.tfvars"
    tfvars.write_text(tfvars.read_text().replace('region                = "eu-west-1"', 'region = "eu-west-1'))
    # It said only "region must be set", though region is there: the quote is not closed.
    with pytest.raises(UserError, match=r'region must be set \(a quoted string\); line 3 is `region = "eu-west-1`'):
        load_settings("dev", {}, environments, tmp_path / "build")


def test_an_unwritable_build_folder_is_one_line(environments, tmp_path):
    blocker = tmp_path / "build"
    blocker.write_text("a file where the build folder should be")  # root may write anywhere: a file blocks it
    with pytest.raises(UserError, match=r"cannot write to the build folder .*build/local .*set build_root"):
        load_settings("local", {}, environments, blocker)


def test_a_provider_mirror_without_the_aws_provider_is_named(environments, tmp_path):
    empty = tmp_path / "mirror"
    empty.mkdir()
    # Terraform failed at init, after the bootstrap had started, its cause far above the log's last lines.
    with pytest.raises(UserError, match=r"holds no registry\.terraform\.io/hashicorp/aws/; point INVOKE_PROVIDER"):
        load_settings("local", {"provider_mirror": str(empty)}, environments, tmp_path / "build")
    (empty / "registry.terraform.io" / "hashicorp" / "aws").mkdir(parents=True)
    assert load_settings("local", {"provider_mirror": str(empty)}, environments, tmp_path / "build").provider_mirror


# -- AWS and Terraform answers ---------------------------------------------------------------


@mock_aws
def test_unlock_before_any_deploy_says_there_is_no_state(tmp_path):
    settings = load_settings("dev", {}, build_root=tmp_path)
    s3 = boto3.client("s3", region_name=settings.region)
    # A NoSuchBucket traceback before.
    with pytest.raises(UserError, match=r"the state bucket \S+ does not exist, so dev has no state and no lock"):
        state_lock.read_lock(settings, s3)


def test_unreachable_aws_is_not_called_refused_credentials(tmp_path, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there: connection refused
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setattr(aws, "RETRIES", Config(retries={"max_attempts": 1}))  # the same error, without 30 s of retries
    settings = load_settings("dev", {}, build_root=tmp_path)
    with pytest.raises(UserError, match=r"cannot reach AWS for environment dev .*check the network"):
        aws.check_credentials(settings)


# Terraform's own words (1.11, S3 backend), as they end its log.
MISSING_STATE_BUCKET = 'Error: error loading state: S3 bucket "glue-etl-local-tfstate" does not exist.\n'
REPLACED_STATE = (
    "Error: Saved plan does not match the given state\n\nThe given plan file can not be applied because it was "
    "created from a different state lineage.\n"
)


def test_terraform_errors_of_a_missing_or_replaced_state_get_advice():
    # Both said "see Terraform's message".
    assert "state bucket glue-etl-local-tfstate does not exist: nothing was deployed here yet" in explain(
        MISSING_STATE_BUCKET
    )
    assert "run `invoke plan` again" in explain(REPLACED_STATE)


def test_a_job_folder_linked_from_outside_the_repository_is_refused(jobs, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "customers_clean"  # not under the copy's root
    (jobs / "customers_clean").rename(outside)
    (jobs / "customers_clean").symlink_to(outside)
    # It packaged and would deploy a job that no commit holds.
    with pytest.raises(UserError, match=r"jobs/customers_clean: a symlink to .*, outside the repository; Git stores"):
        load_jobs(jobs, ENVS)


def test_a_link_outside_the_repository_that_is_not_a_job_is_left_alone(jobs, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere")
    (jobs / "_shared").symlink_to(outside)  # "_"-prefixed: never a job, as the loader's docstring says
    assert "_shared" not in load_jobs(jobs, ENVS)


def test_a_job_folder_linked_inside_the_repository_is_a_job(jobs):
    shared = jobs.parent / "shared" / "customers_clean"
    shared.parent.mkdir()
    (jobs / "customers_clean").rename(shared)
    (jobs / "customers_clean").symlink_to(Path("..") / "shared" / "customers_clean")
    assert "customers_clean" in load_jobs(jobs, ENVS)


# -- command-line values -----------------------------------------------------------------------


def invoke_task(*argv: str) -> subprocess.CompletedProcess:
    """The real `invoke` on this repository's tasks.py (no emulator: these stop before any stage)."""
    return subprocess.run(
        [str(INVOKE), "--search-root", str(REPO_ROOT), *argv], capture_output=True, text=True, cwd=REPO_ROOT
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # invoke's own int() stopped with a ValueError traceback.
        (("smoke", "--env", "local", "--timeout", "abc"), "error: --timeout must be a number of seconds"),
        # Terraform parsed it only at apply: after package, upload and plan had run.
        (("deploy", "--env", "local", "--skip-tests", "--lock-timeout=-1"), "error: --lock-timeout must be a duration"),
        (("apply", "--env", "local", "--lock-timeout", "abc"), "error: --lock-timeout must be a duration"),
    ],
)
def test_a_bad_option_value_is_one_line_before_any_stage(argv, message):
    result = invoke_task(*argv)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()], result.stderr
    assert result.stderr.startswith(message), result.stderr
    assert "==>" not in result.stdout  # no stage started


def test_durations_terraform_takes_pass():
    taken = ("10m", "1h30m", "90s", ".5s", "0", "+10m", None)  # Go's time.ParseDuration accepts each
    assert [flags.duration(v, "--lock-timeout") for v in taken] == list(taken)
    assert flags.seconds("600", "--timeout") == 600.0


def test_status_before_any_deploy_says_nothing_is_deployed():
    from glue_release.review.status import JobStatus, render

    head = render("local", [JobStatus("a_job", deployed=False)], "956167ec43cd" * 3).splitlines()[0]
    assert head == "local: no job deployed yet; checkout at 956167ec43cd"  # was "deployed from unknown commits"
    deployed = render("local", [JobStatus("a_job", deployed=True, commit="abc123")], "956167ec43cd")
    assert deployed.startswith("local: deployed from abc123;")


def test_validate_names_a_tfvars_file_that_is_not_utf8(environments):
    # validate reads every environment's external_buckets: a UnicodeDecodeError traceback before.
    (environments / "dev.tfvars").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(UserError, match=r"environments/dev\.tfvars: not UTF-8 text"):
        read_external_buckets(environments / "dev.tfvars")


def test_a_utf8_declaration_reads_the_same_in_a_non_utf8_locale(jobs, tmp_path):
    # With a C locale and UTF-8 mode off, Python's default is ASCII: a valid job.yaml was "not UTF-8 text".
    declaration = jobs / "customers_clean" / "job.yaml"
    data = yaml.safe_load(declaration.read_text(encoding="utf-8"))
    data["description"] = "café résumé"
    declaration.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from glue_release.declarations import load_jobs; "
        f"print(load_jobs(Path({str(jobs)!r}), {ENVS!r})['customers_clean'].description)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8"},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip() == "café résumé"


MORE_BAD_DECLARATIONS = {
    # Glue refuses both at apply; moto takes them, so local deploys passed.
    "control character in description": (
        lambda d: d.update(description="daily\x00revenue"),
        r"field 'description': contains control characters \('\\x00'\); remove them",
    ),
    "description over 2048 bytes": (
        lambda d: d.update(description="é" * 1500),  # 1500 characters, 3000 bytes
        r"field 'description': is 3000 bytes in UTF-8; Glue takes at most 2048 bytes",
    ),
    "an upstream listed twice": (
        lambda d: d.update(depends_on=["orders_daily_revenue", "orders_daily_revenue"]),
        r"field 'depends_on': orders_daily_revenue listed more than once; keep one",
    ),
    "an empty environment override": (
        lambda d: d.update(environments={"prod": None}),
        r"field 'environments\.prod': is empty; give its fields, or remove the key",  # "got NoneType"
    ),
}


@pytest.mark.parametrize("case", sorted(MORE_BAD_DECLARATIONS))
def test_more_bad_declarations_are_one_line(jobs, case):
    change, message = MORE_BAD_DECLARATIONS[case]
    edit(jobs, change, job="revenue_rolling_7d")
    with pytest.raises(UserError, match=message):
        load_jobs(jobs, ENVS)


@pytest.mark.parametrize("content", [b"{bad json", b"[]", b"{}", b'{"git_commit": "x", "library": {}}', b"\xff"])
def test_a_damaged_manifest_is_one_line_asking_for_a_new_package(tmp_path, content):
    from glue_release.artifacts.packaging import Manifest

    (tmp_path / "manifest.json").write_bytes(content)  # a killed run, a bad merge, a hand edit
    # JSONDecodeError, KeyError or TypeError tracebacks from `upload` before.
    with pytest.raises(UserError, match=r"manifest\.json is damaged .*; run `invoke package` again"):
        Manifest.read(tmp_path / "manifest.json")


def test_no_environments_at_all_is_named(jobs, tmp_path, monkeypatch):
    empty = tmp_path / "environments"
    empty.mkdir()
    # package said "known environments: " (an empty list); validate said "valid for " nothing.
    with pytest.raises(UserError, match=r"environments holds no <env>\.tfvars: .*restore the folder"):
        load_settings("local", {}, empty, tmp_path / "build")
    monkeypatch.setattr("glue_release.paths.ENVIRONMENTS_DIR", empty)  # read at call time by validate
    with pytest.raises(UserError, match=r"environments/ holds no <env>\.tfvars; restore the folder"):
        validate(jobs)


@pytest.fixture
def broken_aws_files(tmp_path, monkeypatch) -> Path:
    broken = tmp_path / "aws-config"
    broken.write_text("[[[\nnot = an ini file")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(broken))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(broken))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return broken


def test_a_broken_aws_config_file_is_named_not_called_refused_credentials(tmp_path, broken_aws_files):
    settings = load_settings("dev", {}, build_root=tmp_path)
    with pytest.raises(UserError, match=r"Unable to parse config file: .*aws-config: fix that file"):
        aws.check_credentials(settings)


def test_empty_aws_profile_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "")
    with pytest.raises(UserError, match=r"^AWS_PROFILE is set but empty; unset it, or name a profile$"):
        aws.check_credentials(load_settings("dev", {}, build_root=tmp_path))  # was "profile '' is not configured"


def test_local_clients_ignore_the_users_aws_files(tmp_path, broken_aws_files):
    from glue_release.emulator.iam.credentials import Credentials

    settings = load_settings("local", {}, build_root=tmp_path)
    # A broken ~/.aws/config stopped every local command; the emulator's keys need none of it.
    client = aws.emulator_client(settings, "s3", Credentials("AKIDLOCAL", "secret", principal="user/admin"))
    assert client.meta.region_name == settings.region
    assert release.terraform_env(settings)["AWS_CONFIG_FILE"] == os.devnull  # nor Terraform's provider
