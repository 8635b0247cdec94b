"""The one schema of job.yaml and the rules across jobs: no AWS, no Spark, no Terraform run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from glue_release import declarations, scaffold
from glue_release.artifacts import packaging
from glue_release.declarations import schema
from glue_release.declarations.cron import check_cron
from glue_release.declarations.rules import MAX_ARGUMENTS_BYTES
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR, REPO_ROOT, TERRAFORM_DIR
from glue_release.review import plan_summary

ENVS = ["dev", "local", "prod", "test"]


def write_job(root: Path, name: str, **fields: object) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.py").write_text("")
    (folder / "sample.csv").write_text("a\n1\n")
    body = {"description": f"{name} job", **fields}
    (folder / "job.yaml").write_text(yaml.safe_dump(body, sort_keys=False))
    return folder


def out(prefix: str) -> dict[str, object]:
    return {"output_path": {"bucket": "curated", "prefix": prefix}}


def inp(prefix: str, bucket: str = "curated") -> dict[str, object]:
    return {"input_path": {"bucket": bucket, "prefix": prefix, "sample": "sample.csv"}}


def load(root: Path) -> dict[str, declarations.JobDeclaration]:
    return declarations.load_jobs(root, ENVS)


# -- schema -------------------------------------------------------------------------------


def test_schema_file_is_generated_from_the_models():
    assert (REPO_ROOT / "schemas" / "job.schema.json").read_text() == schema.render(), (
        "schemas/job.schema.json is stale: run `python -m glue_release.declarations.schema`"
    )


def test_schema_accepts_the_sample_jobs_and_refuses_what_the_models_refuse():
    job_schema = json.loads(schema.SCHEMA_FILE.read_text())
    for path in JOBS_DIR.glob("*/job.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text()), job_schema)
    for bad in (
        {"description": "x", "worker_type": "G.3X"},
        {"description": "x", "number_of_workers": 1},
        {"description": "x", "arguments": {"Bad-Name": "1"}},
        {"description": "x", "python_modules": ["pyyaml"]},
        {"description": "x", "environments": {"prod": {"workers": 3}}},
        {"description": "x", "smoke": {"checks": {"output_path": {"rows": 1}}}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, job_schema)


def test_sample_and_scaffolded_declarations_carry_the_editor_modeline(tmp_path):
    line = "# yaml-language-server: $schema=../../schemas/job.schema.json"
    assert schema.modeline(JOBS_DIR / "x" / "job.yaml") == line
    for path in JOBS_DIR.glob("*/job.yaml"):
        assert path.read_text().splitlines()[0] == line, path
    for style in scaffold.STYLES:
        folder = scaffold.new_job(f"fresh_{style}", tmp_path, tidy=False, style=style)
        assert (folder / "job.yaml").read_text().splitlines()[0] == line, style


# -- one declaration ------------------------------------------------------------------------


def test_a_key_given_twice_is_refused_with_both_lines(tmp_path):
    folder = write_job(tmp_path, "twice")
    (folder / "job.yaml").write_text(
        "description: x\nnumber_of_workers: 2\ntimeout_minutes: 5\nnumber_of_workers: 20\n"
    )
    with pytest.raises(UserError, match=r"twice/job\.yaml: key 'number_of_workers' appears twice, at lines 2 and 4"):
        declarations.load_job(folder, ENVS)


def test_a_key_given_twice_inside_a_section_is_refused_too(tmp_path):
    folder = write_job(tmp_path, "twice")
    (folder / "job.yaml").write_text("description: x\narguments:\n  a: '1'\n  a: '2'\n")
    with pytest.raises(UserError, match=r"key 'a' appears twice, at lines 3 and 4"):
        declarations.load_job(folder, ENVS)


@pytest.mark.parametrize(
    ("fields", "where", "words"),
    [
        ({"glue_version": "4.0"}, "glue_version", "Glue 4.0 (Spark 3.3, Python 3.10) is not supported"),
        ({"worker_type": "G.025X"}, "worker_type", "G.025X exists only for streaming jobs"),
        ({"arguments": {"environment": "x"}}, "arguments.environment", "is reserved: set by the root module"),
        ({"arguments": {"catalog_database": "x"}}, "arguments.catalog_database", "is reserved"),
        ({"arguments": {"Min_Age": "1"}}, "arguments.Min_Age", "not a valid argument name"),
        ({"arguments": {"a": [1]}}, "arguments.a", "must be a string, number or boolean"),
        ({"python_modules": ["pyyaml>=6"]}, "python_modules.0", "must be pinned as name==version"),
        ({"environments": {"staging": {}}}, "environments.staging", "unknown environment; known: dev, local"),
        (
            {"environments": {"prod": {"number_of_worker": 3}}},
            "environments.prod.number_of_worker",
            "did you mean 'number_of_workers'",
        ),
        ({"environments": {"prod": {"number_of_workers": 300}}}, "environments.prod.number_of_workers", "2 and 299"),
        (
            {"inputs": inp("in/"), "environments": {"prod": {"arguments": {"input_path": "s3://x/"}}}},
            "environments.prod.arguments.input_path",
            "is an input or output; its location comes from Terraform",
        ),
        ({"schedule": "cron(99 99 99 99 99 99)"}, "schedule", "minutes '99': 99 is outside 0-59"),
    ],
)
def test_field_errors_name_the_file_and_the_path(tmp_path, fields, where, words):
    folder = write_job(tmp_path, "abc", **fields)
    with pytest.raises(UserError) as caught:
        declarations.load_job(folder, ENVS)
    message = str(caught.value)
    assert message.startswith(f"{folder / 'job.yaml'}: field '{where}': "), message
    assert words in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("cron(0 3 * * ? *)", None),
        ("cron(15 12 * * ? *)", None),
        ("cron(0 18 ? * MON-FRI *)", None),
        ("cron(0/15 * * * ? *)", None),
        ("cron(0 8 1 * ? *)", None),
        ("cron(0 8 L * ? *)", None),
        ("cron(0 8 15W JAN,JUL ? 2027)", None),
        ("cron(0 8 ? * 6L *)", None),
        ("cron(99 99 99 99 99 99)", "minutes '99': 99 is outside 0-59"),
        ("cron(0 24 * * ? *)", "hours '24': 24 is outside 0-23"),
        ("cron(0 3 32 * ? *)", "day-of-month '32'"),
        ("cron(0 3 * 13 ? *)", "month '13'"),
        ("cron(0 3 ? * FUNDAY *)", "day-of-week 'FUNDAY'"),
        ("cron(0 3 * * ? 1969)", "year '1969'"),
        ("cron(0 3 * * * *)", "exactly one of day-of-month (*) and day-of-week (*) must be '?'"),
        ("cron(0 3 ? * ? *)", "exactly one of"),
        ("cron(0 3 * * ?)", "has 5 fields"),
        ("cron(*/2 * * * ? *)", "more often than every 5 minutes"),
        ("cron(0,3 * * * ? *)", "more often than every 5 minutes"),
        ("cron(58 * * * ? *)", None),
        ("cron(? 3 * * ? *)", "'?' is allowed only in day-of-month or day-of-week"),
        ("cron(0 3 * * ? *", "is not a Glue cron expression"),
        ("cron(5-1 3 * * ? *)", "runs backwards"),
        ("cron(0/0 3 * * ? *)", "increment"),
    ],
)
def test_cron_fields_follow_glues_rules(expression, problem):
    found = check_cron(expression)
    if problem is None:
        assert found is None, found
    else:
        assert found is not None and problem in found, found


# -- across jobs ------------------------------------------------------------------------------


def test_jobs_reading_each_others_outputs_are_a_cycle_found_before_anything_is_built(tmp_path):
    write_job(tmp_path, "aaa", inputs=inp("b_out/"), outputs=out("a_out/"))
    write_job(tmp_path, "bbb", inputs=inp("a_out/"), outputs=out("b_out/"))
    with pytest.raises(UserError) as caught:
        load(tmp_path)
    message = str(caught.value)
    assert "bbb/job.yaml: field 'inputs': cycle aaa -> bbb -> aaa: " in message, message
    assert "input input_path reads curated/b_out/ (bbb.output_path)" in message


def test_a_chain_through_data_is_fine(tmp_path):
    write_job(tmp_path, "aaa", inputs=inp("raw_in/", "raw"), outputs=out("a_out/"))
    write_job(tmp_path, "bbb", inputs=inp("a_out/part/"), outputs=out("b_out/"))
    assert set(load(tmp_path)) == {"aaa", "bbb"}


def test_data_and_depends_on_edges_close_a_cycle_together(tmp_path):
    write_job(tmp_path, "aaa", depends_on=["bbb"], outputs=out("a_out/"))
    write_job(tmp_path, "bbb", inputs=inp("a_out/"), outputs=out("b_out/"))
    with pytest.raises(UserError, match=r"cycle .*depends_on.*reads curated/a_out/"):
        load(tmp_path)


@pytest.mark.parametrize(
    ("first", "second", "how"),
    [("shared/", "shared/", "is the same folder as"), ("top/", "top/inner/", "overlaps"), ("a/b/", "a/", "overlaps")],
)
def test_outputs_that_share_or_nest_a_folder_are_refused(tmp_path, first, second, how):
    write_job(tmp_path, "aaa", outputs=out(first))
    write_job(tmp_path, "bbb", outputs=out(second))
    with pytest.raises(UserError, match=rf"bbb/job\.yaml: field 'outputs\.output_path\.prefix': .*{how}"):
        load(tmp_path)


def test_outputs_with_a_common_name_start_are_not_nested(tmp_path):
    # The IAM policy grants "dir/" and "dir/*": daily/ and daily_rejects/ are apart.
    write_job(tmp_path, "aaa", outputs=out("daily/"))
    write_job(tmp_path, "bbb", outputs=out("daily_rejects/"))
    assert set(load(tmp_path)) == {"aaa", "bbb"}


def test_two_outputs_of_one_job_must_be_apart_too(tmp_path):
    outputs = {"o1": {"bucket": "curated", "prefix": "x/"}, "o2": {"bucket": "curated", "prefix": "x/y/"}}
    write_job(tmp_path, "aaa", outputs=outputs)
    with pytest.raises(UserError, match=r"field 'outputs\.o2\.prefix'"):
        load(tmp_path)


def test_unknown_upstream_names_the_known_jobs(tmp_path):
    write_job(tmp_path, "aaa", depends_on=["zzz"])
    with pytest.raises(UserError, match=r"aaa/job\.yaml: field 'depends_on': unknown job 'zzz'; known jobs: aaa"):
        load(tmp_path)


def test_arguments_over_glues_size_limit_are_refused_per_environment(tmp_path):
    big = "x" * (MAX_ARGUMENTS_BYTES // 2)
    write_job(tmp_path, "aaa", arguments={"a": big}, environments={"prod": {"arguments": {"b": big}}})
    with pytest.raises(UserError, match=r"field 'environments\.prod\.arguments': \d+ bytes of arguments in prod"):
        load(tmp_path)


def test_a_folder_with_a_script_but_no_job_yaml_is_an_error_naming_it(tmp_path):
    write_job(tmp_path, "good")
    misnamed = write_job(tmp_path, "misnamed")
    (misnamed / "job.yaml").rename(misnamed / "job.yml")
    with pytest.raises(UserError, match=r"misnamed: has main\.py but no job\.yaml \(found job\.yml\)"):
        load(tmp_path)


def test_folders_that_are_clearly_not_jobs_are_left_alone(tmp_path):
    write_job(tmp_path, "good")
    (tmp_path / "_shared").mkdir()
    (tmp_path / "_shared" / "main.py").write_text("")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.md").write_text("")
    assert list(load(tmp_path)) == ["good"]


def test_main_py_that_is_a_folder_is_refused(tmp_path):
    folder = write_job(tmp_path, "good")
    (folder / "main.py").unlink()
    (folder / "main.py").mkdir()
    with pytest.raises(UserError, match=r"good/main\.py is a directory; it must be the script file Glue runs"):
        load(tmp_path)


def test_terraform_set_arguments_match_the_terraform_code():
    module = (TERRAFORM_DIR / "modules" / "glue-job" / "main.tf").read_text()
    platform = re.search(r"platform_arguments = \{(.*?)\n  \}", module, re.S)
    assert platform, "platform_arguments not found in modules/glue-job/main.tf"
    module_args = set(re.findall(r'"--([A-Za-z-]+)"\s*=', platform[1]))
    root = (TERRAFORM_DIR / "main.tf").read_text()
    fixed = re.search(r"arguments = merge\((.*?)\n  \)", root, re.S)
    assert fixed, "arguments = merge(...) not found in terraform/main.tf"
    root_args = set(re.findall(r"^\s+([a-z_]+)\s+=", fixed[1], re.M))
    declared = set(declarations.TERRAFORM_SET_ARGUMENTS)
    assert module_args <= declared, module_args - declared
    assert root_args <= declared, root_args - declared


# -- environments -------------------------------------------------------------------------------


def test_an_environment_override_changes_only_that_environment(tmp_path):
    write_job(
        tmp_path,
        "aaa",
        schedule="cron(0 3 * * ? *)",
        arguments={"mode": "full", "keep": "1"},
        environments={
            "prod": {"number_of_workers": 20, "worker_type": "G.2X", "arguments": {"mode": "fast"}},
            "dev": {"schedule_enabled": False, "timeout_minutes": 5},
        },
    )
    job = load(tmp_path)["aaa"]
    prod, dev, test = job.terraform_value("prod"), job.terraform_value("dev"), job.terraform_value("test")
    assert (prod["number_of_workers"], prod["worker_type"], prod["timeout_minutes"]) == (20, "G.2X", 30)
    assert prod["arguments"] == {"mode": "fast", "keep": "1"}
    assert prod["schedule_enabled"] is None
    assert (dev["number_of_workers"], dev["timeout_minutes"], dev["schedule_enabled"]) == (2, 5, False)
    assert test == job.terraform_value() and test["number_of_workers"] == 2
    assert job.overridden_in("prod") == ["worker_type", "number_of_workers", "arguments.mode"]


def test_each_environment_gets_its_own_var_file_and_plan_table(tmp_path):
    jobs_dir = tmp_path / "jobs"
    shutil.copytree(JOBS_DIR, jobs_dir, ignore=shutil.ignore_patterns("__pycache__"))
    decl = jobs_dir / "customers_clean" / "job.yaml"
    decl.write_text(decl.read_text() + "environments:\n  prod: {number_of_workers: 20}\n")
    jobs = load(jobs_dir)
    for env in ("local", "prod"):
        packaging.package(jobs, tmp_path / env, env=env)
    workers = {
        env: json.loads((tmp_path / env / "release.tfvars.json").read_text())["jobs"]["customers_clean"][
            "number_of_workers"
        ]
        for env in ("local", "prod")
    }
    assert workers == {"local": 2, "prod": 20}
    table = plan_summary.effective_table(json.loads((tmp_path / "prod" / "effective.json").read_text()), "prod")
    assert "| `customers_clean` | G.1X | 20 * | 30 |" in table
    local = plan_summary.effective_table(json.loads((tmp_path / "local" / "effective.json").read_text()), "local")
    assert "| `customers_clean` | G.1X | 2 | 30 |" in local and " * |" not in local


# -- invoke validate ----------------------------------------------------------------------------


def test_invoke_validate_imports_no_aws_or_spark_and_names_a_broken_file(tmp_path):
    probe = (
        "import sys\n"
        "from glue_release.declarations.validate import validate\n"
        "print(validate())\n"
        "heavy = sorted(m for m in ('boto3', 'botocore', 'pyspark', 'python_terraform') if m in sys.modules)\n"
        "print('heavy:', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    # However many jobs the repository has (a newcomer's new job must not turn this red).
    assert f"{len(declarations.load_jobs())} job declarations valid for dev, local, prod, test" in result.stdout
    assert "heavy: []" in result.stdout
    tasks = subprocess.run(
        [sys.executable, "-m", "invoke", "--list"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert re.search(r"^\s+validate\s", tasks.stdout, re.M)
