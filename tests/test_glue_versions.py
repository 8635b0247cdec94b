"""Glue versions per job: 5.x on this .venv (Spark 3.5, Python 3.11), 6.0 on .venv-glue6 (Spark 4.1, Python 3.13).

"Migrating AWS Glue for Spark jobs to AWS Glue version 6.0"
(https://docs.aws.amazon.com/glue/latest/dg/migrating-version-60.html): Spark 4.1.1, Python 3.13.
"""

from __future__ import annotations

import pytest

from glue_release.declarations import load_job
from glue_release.runs import local_run

SCRIPT = """\
import sys

import pyspark
from awsglue.context import GlueContext
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

glue = GlueContext(SparkContext.getOrCreate())
print("runtime", pyspark.__version__, "%d.%d" % sys.version_info[:2], glue.spark_session.range(3).count())
try:
    print("abbrev", getResolvedOptions(sys.argv, ["JOB_NAME", "threshold_value"])["threshold_value"])
except Exception as exc:
    print("abbrev refused", type(exc).__name__)
"""


def make_job(root, name: str, glue_version: str):
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "job.yaml").write_text(f"description: version probe\nglue_version: '{glue_version}'\n")
    (folder / "main.py").write_text(SCRIPT)
    return load_job(folder)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("glue_version", "spark", "python", "abbrev"),
    [("5.0", "3.5.", "3.11", "abbrev 7"), ("6.0", "4.1.", "3.13", "abbrev refused GlueArgumentError")],
)
def test_each_glue_version_runs_on_its_runtime(tmp_path, glue_version, spark, python, abbrev):
    job = make_job(tmp_path / "jobs", f"probe_{glue_version.replace('.', '_')}", glue_version)
    result = local_run.run_local(job, {"threshold": "7"}, tmp_path / "out", echo=False)  # --threshold: abbreviated
    assert result.returncode == 0, "\n".join(result.log[-30:])
    line = next(x for x in result.log if x.startswith("runtime "))
    _, got_spark, got_python, count = line.split()
    assert got_spark.startswith(spark) and got_python == python and count == "3"
    assert abbrev in result.log
