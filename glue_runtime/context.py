"""One way into Spark for a job script, on Glue and everywhere else.

On Glue the script gets a GlueContext and ``Job.init``/``Job.commit`` around
its work, which is what makes job bookmarks advance. Anywhere else (tests,
``invoke run-local``, local smoke runs) it gets a plain SparkSession and
``awsglue`` is never imported, because it is not installable outside Glue.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession


def running_on_glue() -> bool:
    spec = importlib.util.find_spec("awsglue")
    if spec is None:
        return False
    # local_glue's clean-room awsglue (local runs, tests) is on the path, but this is not Glue.
    return Path(spec.origin or "").parent.parent.name != "local_glue"


@dataclass
class JobContext:
    spark: SparkSession
    args: Mapping[str, Any]
    glue_context: Any = None  # awsglue.context.GlueContext on Glue, else None

    @property
    def on_glue(self) -> bool:
        return self.glue_context is not None


@contextmanager
def job_context(args: Mapping[str, Any], app_name: str | None = None) -> Iterator[JobContext]:
    """Yield the job's Spark context; commit the Glue job only if the body succeeded."""
    name = str(args.get("JOB_NAME") or app_name or "glue-job")
    if running_on_glue():
        from awsglue.context import GlueContext  # type: ignore[import-not-found]
        from awsglue.job import Job  # type: ignore[import-not-found]
        from pyspark.context import SparkContext

        glue_context = GlueContext(SparkContext.getOrCreate())
        job = Job(glue_context)
        job.init(name, {k: str(v) for k, v in args.items()})
        yield JobContext(spark=glue_context.spark_session, args=args, glue_context=glue_context)
        job.commit()
        return
    # Glue runs Spark in UTC; so does every local run (glue_release.runs.spark pins the JVM and process too).
    spark = SparkSession.builder.appName(name).config("spark.sql.session.timeZone", "UTC").getOrCreate()
    yield JobContext(spark=spark, args=args)
