"""The ``smoke:`` section, the run plan and the report: no emulator, no Spark."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import yaml

from glue_release import declarations
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR
from glue_release.smoke import run_smoke
from glue_release.smoke.emulator_deploy import emulator_settings
from glue_release.smoke.report import JobResult, SmokeReport
from glue_release.smoke.schedule import default_local_parallel, plan
from glue_release.smoke.spec import OutputCheck, parse_smoke

BASE = {
    "description": "test job",
    "arguments": {"min_age": "18"},
    "inputs": {"input_path": {"bucket": "raw", "prefix": "customers/", "sample": "sample/customers.csv"}},
    "outputs": {"output_path": {"bucket": "curated", "prefix": "out/"}},
}


def job_with(tmp_path: Path, smoke: object, name: str = "smoke_job") -> declarations.JobDeclaration:
    folder = tmp_path / name
    (folder / "sample").mkdir(parents=True)
    (folder / "sample" / "customers.csv").write_text("a,b\n1,2\n")
    (folder / "sample" / "other.csv").write_text("a,b\n3,4\n")
    (folder / "main.py").write_text("")
    (folder / "smoke_check.py").write_text("def check(outputs):\n    return []\n")
    (folder / "job.yaml").write_text(yaml.safe_dump(BASE))
    # The loader validates the smoke section too (see the test below); here parse_smoke gets it raw.
    return dataclasses.replace(declarations.load_job(folder), smoke=smoke or {})


def test_the_declaration_loader_rejects_a_bad_smoke_section(tmp_path):
    job_with(tmp_path, None)
    (tmp_path / "smoke_job" / "job.yaml").write_text(yaml.safe_dump({**BASE, "smoke": {"checks": {"nope": {}}}}))
    with pytest.raises(UserError, match=r"smoke_job/job\.yaml: field 'smoke\.checks\.nope'"):
        declarations.load_job(tmp_path / "smoke_job")


def test_sample_jobs_smoke_sections_parse():
    specs = {name: parse_smoke(job) for name, job in declarations.load_jobs().items()}
    assert specs["customers_clean"].arguments == {"as_of_date": "2024-06-01"}
    assert specs["customers_clean"].check_module == JOBS_DIR / "customers_clean" / "smoke_check.py"
    assert specs["orders_daily_revenue"].checks["output_path"].columns["revenue"] == "decimal(18,2)"
    assert specs["revenue_rolling_7d"].samples["daily_revenue_path"].is_dir()


def test_defaults_check_every_output_for_data_and_stage_each_sample(tmp_path):
    spec = parse_smoke(job_with(tmp_path, None))
    assert spec.checks == {"output_path": OutputCheck(has_data=True)}
    assert spec.samples == {"input_path": (tmp_path / "smoke_job" / "sample" / "customers.csv").resolve()}
    assert spec.arguments == {} and spec.check_module is None


def test_full_section_parses(tmp_path):
    spec = parse_smoke(
        job_with(
            tmp_path,
            {
                "inputs": {"input_path": {"sample": "sample/other.csv"}},
                "arguments": {"min_age": 21, "strict": True},
                "checks": {"output_path": {"min_rows": 0, "max_rows": 5, "columns": {"id": "Long", "name": None}}},
                "check": "smoke_check.py",
            },
        )
    )
    assert spec.samples["input_path"].name == "other.csv"
    assert spec.arguments == {"min_age": "21", "strict": "true"}
    assert spec.checks["output_path"] == OutputCheck(min_rows=0, max_rows=5, columns={"id": "bigint", "name": None})
    assert spec.checks["output_path"].count == 5
    assert spec.check_module == (tmp_path / "smoke_job" / "smoke_check.py").resolve()


@pytest.mark.parametrize(
    ("smoke", "field", "problem"),
    [
        (
            {"chekcs": {}},
            "smoke.chekcs",
            "unknown field (did you mean 'checks'?); known fields are arguments, check, checks, inputs",
        ),
        ({"checks": {"output_path": {"min_rows": "x"}}}, "smoke.checks.output_path.min_rows", "must be a whole number"),
        (
            {"checks": {"output_path": {"min_rows": True}}},
            "smoke.checks.output_path.min_rows",
            "must be a whole number",
        ),
        ({"checks": {"output_path": {"max_rows": -1}}}, "smoke.checks.output_path.max_rows", "must be 0 or more"),
        (
            {"checks": {"output_path": {"min_rows": 5, "max_rows": 2}}},
            "smoke.checks.output_path.max_rows",
            "must be at least min_rows (5)",
        ),
        (
            {"checks": {"output_path": {"has_data": False, "min_rows": 1}}},
            "smoke.checks.output_path.has_data",
            "min_rows asks for rows",
        ),
        ({"checks": {"output_path": {"has_data": "no"}}}, "smoke.checks.output_path.has_data", "must be true or false"),
        ({"checks": {"output_path": {"rows": 1}}}, "smoke.checks.output_path.rows", "unknown field"),
        ({"checks": {"nope": {}}}, "smoke.checks.nope", "not an output of this job; outputs: output_path"),
        (
            {"checks": {"output_path": {"columns": {"id": "big int!"}}}},
            "smoke.checks.output_path.columns.id",
            "must be a Spark type",
        ),
        ({"checks": {"output_path": {"columns": "id"}}}, "smoke.checks.output_path.columns", "must be a mapping"),
        ({"inputs": {"nope": {"sample": "x"}}}, "smoke.inputs.nope", "not an input of this job; inputs: input_path"),
        ({"inputs": {"input_path": {"sample": "sample/missing.csv"}}}, "smoke.inputs.input_path.sample", "not exist"),
        ({"inputs": {"input_path": {"sample": "../../etc"}}}, "smoke.inputs.input_path.sample", "outside the job"),
        ({"inputs": {"input_path": {"path": "x"}}}, "smoke.inputs.input_path.path", "unknown field"),
        ({"arguments": {"output_path": "s3://x/"}}, "smoke.arguments.output_path", "point at the _smoke/ prefix"),
        ({"arguments": {"TempDir": "x"}}, "smoke.arguments.TempDir", "is reserved"),
        ({"arguments": {"min_age": None}}, "smoke.arguments.min_age", "must be a string"),
        ({"check": "sample/customers.csv"}, "smoke.check", "must be a .py file"),
        ({"check": "missing.py"}, "smoke.check", "does not exist"),
    ],
)
def test_errors_name_the_file_and_the_field(tmp_path, smoke, field, problem):
    job = job_with(tmp_path, smoke)
    with pytest.raises(UserError) as caught:
        parse_smoke(job)
    message = str(caught.value)
    assert message.startswith(f"{job.declaration_file}: field '{field}': "), message
    assert problem in message


def test_a_section_that_is_not_a_mapping_is_refused(tmp_path):
    # load_job already refuses this; parse_smoke must too when handed a declaration built in code.
    job = dataclasses.replace(job_with(tmp_path, None), smoke="yes")
    with pytest.raises(UserError, match=r"job.yaml: field 'smoke': must be a mapping, got str$"):
        parse_smoke(job)


def test_chained_job_reads_its_upstreams_output_unless_run_alone():
    jobs = declarations.load_jobs()
    samples = {name: parse_smoke(job).samples for name, job in jobs.items()}
    order = plan(jobs, samples)
    by_name = {p.job.name: p for p in order}
    assert [p.job.name for p in order][-1] == "revenue_rolling_7d"
    assert by_name["revenue_rolling_7d"].upstream == {"orders_daily_revenue"}
    assert by_name["revenue_rolling_7d"].produced == {"daily_revenue_path": "orders_daily_revenue"}
    assert by_name["revenue_rolling_7d"].staged == {}
    assert set(by_name["orders_daily_revenue"].staged) == {"orders_path", "customers_path"}

    alone = plan({"revenue_rolling_7d": jobs["revenue_rolling_7d"]}, samples)
    assert alone[0].upstream == frozenset()
    assert alone[0].staged == {"daily_revenue_path": samples["revenue_rolling_7d"]["daily_revenue_path"]}


def test_a_writer_of_an_input_is_waited_for_even_without_depends_on(tmp_path):
    shutil.copytree(JOBS_DIR / "revenue_rolling_7d", tmp_path / "rolling_copy")
    text = (tmp_path / "rolling_copy" / "job.yaml").read_text().replace("depends_on: [orders_daily_revenue]\n", "")
    (tmp_path / "rolling_copy" / "job.yaml").write_text(text)
    shutil.copytree(JOBS_DIR / "orders_daily_revenue", tmp_path / "orders_daily_revenue")
    jobs = declarations.load_jobs(tmp_path)
    order = plan(jobs, {name: parse_smoke(job).samples for name, job in jobs.items()})
    assert [p.job.name for p in order] == ["orders_daily_revenue", "rolling_copy"]
    assert order[1].upstream == {"orders_daily_revenue"}


def test_an_input_without_sample_or_writer_is_refused_before_anything_runs(tmp_path):
    job = job_with(tmp_path, None)
    bare = declarations.JobDeclaration(
        name=job.name,
        folder=job.folder,
        description="x",
        inputs={"input_path": declarations.Location("raw", "customers/")},
        outputs=job.outputs,
    )
    with pytest.raises(UserError, match=r"smoke_job: input input_path has no sample for the smoke run"):
        plan({"smoke_job": bare}, {"smoke_job": {}})


def test_unknown_job_lists_the_known_jobs(tmp_path):
    jobs = declarations.load_jobs()
    settings = emulator_settings(tmp_path, 1)
    with pytest.raises(UserError) as caught:
        run_smoke(settings, jobs, only=["customers_clean", "nope"])
    assert str(caught.value) == f"unknown job 'nope'; known jobs: {', '.join(jobs)}"


def test_local_runs_without_an_emulator_say_how_to_start_it(tmp_path):
    settings = emulator_settings(tmp_path, 1)
    with pytest.raises(
        UserError, match=r"emulator is not running on https://127.0.0.1:1; start it with `invoke local.up`"
    ):
        run_smoke(settings, declarations.load_jobs(), only=["customers_clean"])


@pytest.mark.parametrize(("cpus", "free_gib", "expected"), [(2, 24, 2), (8, 24, 8), (16, 6, 4), (4, 1, 1), (1, 64, 1)])
def test_local_parallelism_is_cores_capped_by_memory(cpus, free_gib, expected):
    assert default_local_parallel(cpus, free_gib * 2**30) == expected


def test_report_table_shows_failures_below_the_table():
    ok = JobResult("good_job", "p-good_job", "jr_1", "SUCCEEDED", 3.2, {"output_path": 4}, 3, 3)
    failed = JobResult(
        "bad_job", "p-bad_job", "jr_2", "FAILED", 1.0, error="RuntimeError: boom", log_tail=["Traceback", "  x"]
    )
    unchecked = JobResult("empty_job", "p-empty_job", "jr_3", "SUCCEEDED", 2.0, {"output_path": None}, 0, 1)
    unchecked.problems.append("output_path: no data written at s3://b/_smoke/out/")
    skipped = JobResult("late_job", "p-late_job", error="upstream bad_job did not pass")
    report = SmokeReport("local", [ok, failed, unchecked, skipped])
    table = report.table()
    assert not report.ok
    assert SmokeReport("local", [ok]).ok
    lines = table.splitlines()
    assert lines[0] == "Smoke run on local: 1/4 jobs passed"
    assert lines[2].split() == ["job", "run", "id", "state", "duration", "rows", "written", "checks"]
    assert lines[3].split() == ["good_job", "jr_1", "SUCCEEDED", "3.2", "s", "output_path=4", "3/3"]
    assert lines[5].split() == ["empty_job", "jr_3", "SUCCEEDED", "2.0", "s", "output_path=none", "0/1", "FAILED"]
    assert lines[6].split() == ["late_job", "-", "SKIPPED", "-", "-", "-"]
    assert "bad_job (p-bad_job): FAILED, run jr_2\n  error: RuntimeError: boom\n  log tail (2 lines):" in table
    assert "    - output_path: no data written at s3://b/_smoke/out/" in table
    assert "late_job (p-late_job): SKIPPED\n  error: upstream bad_job did not pass" in table
