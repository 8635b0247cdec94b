"""``invoke run-local`` and ``invoke new-job`` as a user runs them."""

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from glue_release import declarations, scaffold
from glue_release.errors import UserError
from glue_release.paths import REPO_ROOT
from glue_release.runs import local_run


def invoke(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow
@pytest.mark.parametrize("job", ["customers_clean", "orders_daily_revenue", "revenue_rolling_7d"])
def test_run_local_runs_each_sample_job_and_counts_rows(job):
    result = invoke("run-local", "--job", job)
    assert result.returncode == 0, result.stderr
    counts = {m[1]: int(m[2]) for m in re.finditer(r"^\s+(\w+)\s+(\d+) rows\s", result.stdout, re.M)}
    job_outputs = declarations.load_jobs()[job].outputs
    assert set(counts) == set(job_outputs), result.stdout
    assert all(rows > 0 for rows in counts.values()), result.stdout
    # Each output's first rows follow as a table: a header of its columns, a rule, at most 5 rows.
    tables = re.findall(r"^    (\S.*)\n    (-+(?:-\+-+)*)\n((?:    .*\n)+)", result.stdout, re.M)
    assert len(tables) == len(job_outputs), result.stdout
    for (_header, _rule, body), rows in zip(tables, counts.values(), strict=True):
        shown = [line for line in body.splitlines() if not line.strip().startswith("…")]
        assert len(shown) == min(rows, 5), result.stdout


@pytest.mark.slow
def test_run_local_arg_override_reaches_the_script():
    strict = invoke("run-local", "--job", "customers_clean", "--arg", "min_age=200")
    assert strict.returncode == 0, strict.stderr
    assert "no data" in strict.stdout or " 0 rows" in strict.stdout


def test_unknown_job_is_one_line_listing_known_jobs():
    result = invoke("run-local", "--job", "nope")
    assert result.returncode == 1
    assert result.stderr.strip() == ("error: unknown job 'nope'; known jobs: " + ", ".join(declarations.load_jobs()))


def test_missing_required_argument_is_named_without_traceback(tmp_path):
    job = declarations.load_jobs()["revenue_rolling_7d"]
    run = local_run.run_script(
        job.script, job.name, {"output_path": str(tmp_path / "out")}, {}, python_path=[job.folder.parent], echo=False
    )
    assert run.returncode == 2
    assert run.log[-1].endswith("the following arguments are required: --daily_revenue_path, --window_days")
    assert not any("Traceback" in line for line in run.log)


def test_overrides_must_be_name_value():
    assert local_run.parse_overrides(["--min_age=21", "x="]) == {"min_age": "21", "x": ""}
    with pytest.raises(UserError, match="expected name=value"):
        local_run.parse_overrides(["min_age"])


def test_new_job_scaffold_passes_its_own_tests(tmp_path, spark, monkeypatch):
    folder = scaffold.new_job("widget_counts", tmp_path)
    assert declarations.load_jobs(tmp_path)["widget_counts"].inputs["input_path"].sample == "sample/input.csv"
    monkeypatch.syspath_prepend(str(tmp_path))
    tests = importlib.import_module("widget_counts.tests.test_transforms")
    test_functions = [getattr(tests, n) for n in dir(tests) if n.startswith("test_")]
    assert len(test_functions) == 3
    for test in test_functions:
        test(spark)
    assert (folder / "main.py").read_text().count("widget_counts.transforms") == 1


def test_new_job_refuses_bad_or_taken_names(tmp_path):
    with pytest.raises(UserError, match="must match"):
        scaffold.new_job("Bad-Name", tmp_path)
    scaffold.new_job("taken_name", tmp_path)
    with pytest.raises(UserError, match="already exists"):
        scaffold.new_job("taken_name", tmp_path)


def test_new_job_glue_style_passes_its_own_tests_and_declares_a_bookmarked_source(tmp_path, spark, monkeypatch):
    folder = scaffold.new_job("glue_counts", tmp_path, style="glue")
    job = declarations.load_jobs(tmp_path)["glue_counts"]
    assert job.bookmarks and job.inputs["input_path"].sample == "sample/input/"
    monkeypatch.syspath_prepend(str(tmp_path))
    tests = importlib.import_module("glue_counts.tests.test_transforms")
    test_functions = [getattr(tests, n) for n in dir(tests) if n.startswith("test_")]
    assert len(test_functions) == 2
    for test in test_functions:
        test(spark)
    main = (folder / "main.py").read_text()
    assert "from awsglue.context import GlueContext" in main and 'transformation_ctx="source"' in main
    with pytest.raises(UserError, match="--style 'spark' is not one of runtime, glue"):
        scaffold.new_job("other_job", tmp_path, style="spark")


def test_job_scripts_use_one_style_glue_runtime_or_awsglue_not_both():
    # Both styles run locally (awsglue from local_glue/); mixing them would open two Glue jobs in one run.
    for script in Path(REPO_ROOT, "jobs").glob("*/*.py"):
        text = script.read_text()
        assert not ("glue_runtime" in text and "awsglue" in text), f"{script} mixes glue_runtime and awsglue"


def test_local_awsglue_is_not_mistaken_for_glue():
    import awsglue

    from glue_runtime.context import running_on_glue

    assert Path(awsglue.__file__).parent.parent.name == "local_glue"  # tests see the clean-room one
    assert running_on_glue() is False
