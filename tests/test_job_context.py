"""``glue_runtime.job_context`` on Glue and off it.

Glue's ``awsglue`` is not installable here, so the Glue branch runs against a stand-in
``awsglue`` package written into a temporary folder (the module and class names of AWS's
documentation, recording what the job does): ``Job.init`` with the job name and
arguments before the body, ``Job.commit`` after it, and no commit when the body fails
(a commit would advance the job bookmarks past data that was never written).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from glue_runtime.context import job_context, running_on_glue

STAND_IN = {
    "__init__.py": "",
    "context.py": """
from pyspark.sql import SparkSession


class GlueContext:
    def __init__(self, spark_context):
        self.spark_context = spark_context
        self.spark_session = SparkSession(spark_context)
""",
    "job.py": """
CALLS = []


class Job:
    def __init__(self, glue_context):
        self.glue_context = glue_context

    def init(self, name, args):
        CALLS.append(("init", name, dict(args)))

    def commit(self):
        CALLS.append(("commit",))
""",
}


@pytest.fixture
def glue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spark) -> Iterator[list]:
    """A stand-in ``awsglue`` on sys.path; yields the list its Job records calls in."""
    package = tmp_path / "awsglue"
    package.mkdir()
    for name, text in STAND_IN.items():
        (package / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    # The local awsglue layer (local_glue/) may already be imported in this worker: the
    # stand-in must be the one `job_context` finds, so drop any cached copy first.
    for name in [m for m in sys.modules if m == "awsglue" or m.startswith("awsglue.")]:
        monkeypatch.delitem(sys.modules, name)
    import awsglue.job  # type: ignore[import-not-found]

    yield awsglue.job.CALLS
    for name in [m for m in sys.modules if m == "awsglue" or m.startswith("awsglue.")]:
        del sys.modules[name]


def test_off_glue_job_context_gives_spark_and_never_imports_awsglue(spark, monkeypatch):
    # Other tests (the local awsglue layer's) may have imported it already: start without it.
    for name in [m for m in sys.modules if m == "awsglue" or m.startswith("awsglue.")]:
        monkeypatch.delitem(sys.modules, name)
    assert not running_on_glue()
    with job_context({"JOB_NAME": "local-job"}) as ctx:
        assert ctx.spark.range(3).count() == 3
        assert ctx.glue_context is None and not ctx.on_glue
    assert "awsglue" not in sys.modules


def test_on_glue_the_job_is_initialised_with_its_arguments_then_committed(glue):
    assert running_on_glue()
    with job_context({"JOB_NAME": "orders", "limit": 5}) as ctx:
        assert ctx.on_glue and type(ctx.glue_context).__module__ == "awsglue.context"
        assert ctx.spark is ctx.glue_context.spark_session
        assert glue == [("init", "orders", {"JOB_NAME": "orders", "limit": "5"})]  # before the body, as strings
    assert glue[-1] == ("commit",)


def test_on_glue_a_failing_body_is_never_committed(glue):
    with pytest.raises(RuntimeError, match="transform failed"), job_context({"JOB_NAME": "orders"}):
        raise RuntimeError("transform failed")
    assert glue == [("init", "orders", {"JOB_NAME": "orders"})]
