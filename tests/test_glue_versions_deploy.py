"""A Glue 6.0 job and Glue 5.0 jobs deployed together to ``local`` and smoke-run, each on its own runtime.

Issue 10's done-when: "A 6.0 job and a 5.0 job deploy and smoke-run side by side on local". The
version travels the real path: job.yaml -> Terraform's ``aws_glue_job.glue_version`` -> the job
definition in the emulator (``GetJob``) -> the local smoke runner, which picks the interpreter.
What each run actually ran on is the ``runtime`` line script_runner prints in that process.

revenue_rolling_7d is the 6.0 job: it reads its 5.0 upstream's smoke output, so the two
runtimes also hand data to each other. (customers_clean would fail on 6.0: Spark 4 turns ANSI
SQL on, and its ``to_date`` of a bad date raises instead of giving null, as it would on Glue 6.0.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from glue_release import aws, commands, declarations
from glue_release.paths import JOBS_DIR
from glue_release.smoke import run_smoke

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

GLUE6_JOB = "revenue_rolling_7d"


def jobs_with_one_on_glue6(target: Path) -> Path:
    shutil.copytree(JOBS_DIR, target, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    declaration = target / GLUE6_JOB / "job.yaml"
    text = declaration.read_text()
    assert "glue_version" not in text, "the sample job now declares its version: update this test's edit"
    declaration.write_text(text + 'glue_version: "6.0"\n')
    return target


def test_glue6_and_glue5_jobs_deploy_and_smoke_run_side_by_side(local_deployment, tmp_path):
    local_deployment.converge()
    jobs_dir = jobs_with_one_on_glue6(tmp_path / "jobs")
    jobs = declarations.load_jobs(jobs_dir)
    assert {name: job.glue_version for name, job in jobs.items()} == {
        "customers_clean": "5.0",
        "orders_daily_revenue": "5.0",
        GLUE6_JOB: "6.0",
    }
    local_deployment.changed()  # one job's definition now differs from the checked-in jobs
    commands.deploy("local", local_deployment.config, skip_tests=True, smoke=False, jobs_dir=jobs_dir)
    settings = local_deployment.settings

    report = run_smoke(settings, jobs, timeout_s=900)
    assert report.ok, report.table()
    glue = aws.client(settings, "glue")
    deployed = {r.job: glue.get_job(JobName=r.glue_name)["Job"].get("GlueVersion") for r in report.results}
    assert deployed == {"customers_clean": "5.0", "orders_daily_revenue": "5.0", GLUE6_JOB: "6.0"}

    ran_on = {r.job: dict(part.split("=") for part in r.runtime.split()) for r in report.results}
    for job, runtime in ran_on.items():
        python, spark = ("3.13.", "4.1.") if job == GLUE6_JOB else ("3.11.", "3.5.")
        assert runtime["python"].startswith(python) and runtime["pyspark"].startswith(spark), (job, runtime)
    # The 6.0 job ran after, and on the output of, its 5.0 upstream.
    order = [r.job for r in report.results]
    assert order.index(GLUE6_JOB) > order.index("orders_daily_revenue")
    assert report.result(GLUE6_JOB).rows["output_path"]
