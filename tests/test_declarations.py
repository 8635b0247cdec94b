import re
from pathlib import Path

import pytest

from glue_release import declarations
from glue_release.errors import UserError

VALID = """\
description: test job
schedule: "cron(0 3 * * ? *)"
arguments: {min_age: "18"}
inputs:
  input_path: {bucket: raw, prefix: in/, sample: sample.csv}
outputs:
  output_path: {bucket: curated, prefix: out/}
"""


def make_job(root: Path, name: str, text: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "job.yaml").write_text(text)
    (folder / "main.py").write_text("")
    (folder / "sample.csv").write_text("a\n1\n")
    return folder


def test_sample_jobs_load_with_defaults():
    jobs = declarations.load_jobs()
    assert {"customers_clean", "orders_daily_revenue", "revenue_rolling_7d"} <= set(jobs)
    rolling = jobs["revenue_rolling_7d"]
    assert rolling.depends_on == ("orders_daily_revenue",)
    assert rolling.glue_version == "5.0"
    assert rolling.terraform_value()["inputs"] == {
        "daily_revenue_path": {"bucket": "curated", "prefix": "daily_revenue/"}
    }


def test_defaults_fill_what_a_declaration_leaves_out(tmp_path):
    job = declarations.load_job(make_job(tmp_path, "abc", VALID))
    assert (job.worker_type, job.number_of_workers, job.max_retries, job.bookmarks) == ("G.1X", 2, 0, False)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("test job", "test job\nworker_type: G.3X"), "field 'worker_type': 'G.3X' is not one of"),
        (("test job", "test job\nnumber_of_workers: 1"), "field 'number_of_workers': must be between 2 and 299"),
        (("test job", "test job\ntimeout_minutes: ten"), "field 'timeout_minutes': must be a whole number"),
        (("cron(0 3 * * ? *)", "every day"), "field 'schedule': 'every day' is not a Glue cron"),
        (
            ("bucket: curated", "bucket: raw"),
            "field 'outputs.output_path.bucket': 'raw' is not one of curated (or an external bucket",
        ),
        (("prefix: in/", "prefix: in"), "field 'inputs.input_path.prefix'"),
        (("sample.csv", "missing.csv"), "field 'inputs.input_path.sample': missing.csv does not exist"),
        (("description: test job", "descripton: test job"), "field 'descripton': unknown field"),
        (("description: test job", "description: test job\ndepends_on: [abc]"), "field 'depends_on'"),
        (("min_age", "input_path"), "declared more than once"),
    ],
)
def test_malformed_declaration_names_file_and_field(tmp_path, edit, message):
    folder = make_job(tmp_path, "abc", VALID.replace(*edit))
    with pytest.raises(UserError, match=r"abc/job\.yaml: ") as err:
        declarations.load_job(folder)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_yaml_syntax_error_names_the_line(tmp_path):
    with pytest.raises(UserError, match=r"job.yaml: not valid YAML at line 2"):
        declarations.load_job(make_job(tmp_path, "abc", "description: x\n  bad: [\n"))


def test_unknown_upstream_and_cycles_are_rejected(tmp_path):
    make_job(tmp_path, "aaa", VALID.replace('schedule: "cron(0 3 * * ? *)"', "depends_on: [zzz]"))
    with pytest.raises(UserError, match="unknown job 'zzz'; known jobs: aaa"):
        declarations.load_jobs(tmp_path)
    make_job(
        tmp_path, "zzz", VALID.replace('schedule: "cron(0 3 * * ? *)"', "depends_on: [aaa]").replace("out/", "out2/")
    )
    with pytest.raises(UserError, match="cycle aaa -> zzz -> aaa"):
        declarations.load_jobs(tmp_path)


def test_unknown_job_lists_known_ones():
    jobs = declarations.load_jobs()  # the repository's, however many a newcomer has added
    with pytest.raises(UserError, match=re.escape(f"unknown job 'nope'; known jobs: {', '.join(sorted(jobs))}")):
        declarations.select_job(jobs, "nope")


def test_dependency_order_puts_upstream_first():
    waves = declarations.dependency_order(declarations.load_jobs())
    flat = [name for wave in waves for name in wave]
    assert flat.index("orders_daily_revenue") < flat.index("revenue_rolling_7d")
    assert "customers_clean" in waves[0] and "orders_daily_revenue" in waves[0]
