"""A local SparkSession tuned for small data: tests, local runs and local smoke runs."""

from __future__ import annotations

import os
import shlex
import sys
import time
from pathlib import Path

from pyspark.sql import SparkSession

# Small inputs: a handful of partitions beats Spark's default 200, and the UI,
# adaptive planning and whole-stage code generation (compiling Java per query)
# cost more than they save here.
SMALL_DATA_CONF = {
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.codegen.wholeStage": "false",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    "spark.sql.warehouse.dir": os.path.join(os.environ.get("TMPDIR", "/tmp"), "glue-release-warehouse"),
}
LOG4J_CONFIG = Path(__file__).with_name("log4j2.properties")
UTC_JVM = "-Duser.timezone=UTC"


def pin_utc() -> None:
    """Run this process, and the JVM and Python workers it starts, in UTC, as Glue does.

    The session time zone (``spark.sql.session.timeZone``, above) is not enough: PySpark turns
    timestamps into Python datetimes and back in the Python process's local zone, and the JVM's
    default zone leaks into whatever Spark formats without the session zone. Under
    ``TZ=America/New_York`` a test passing on UTC machines saw every timestamp 5 hours off.
    ``TZ`` set here is inherited by the JVM (which ``-Duser.timezone`` pins as well) and its workers.
    """
    if os.environ.get("TZ") != "UTC":
        os.environ["TZ"] = "UTC"
        time.tzset()


def _conf(cores: int | None) -> dict[str, str]:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    pin_utc()
    return {
        "spark.master": f"local[{cores or os.cpu_count() or 2}]",
        **SMALL_DATA_CONF,
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={LOG4J_CONFIG} {UTC_JVM}",
        "spark.executor.extraJavaOptions": UTC_JVM,
    }


def configure_process(app_name: str, cores: int | None = None) -> None:
    """Make the next Spark start in this process use the small-data options, without starting it.

    A job script calls ``SparkSession.builder.getOrCreate()`` itself; spark-submit's
    arguments are the one place that reaches the JVM it starts.
    """
    conf = " ".join(f"--conf {shlex.quote(f'{k}={v}')}" for k, v in _conf(cores).items())
    os.environ["PYSPARK_SUBMIT_ARGS"] = f"--name {shlex.quote(app_name)} {conf} pyspark-shell"


def local_session(app_name: str, cores: int | None = None) -> SparkSession:
    builder = SparkSession.builder.appName(app_name)
    for key, value in _conf(cores).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
