"""Local Spark runs in UTC whatever the machine's zone, as Glue does.

Each probe runs in a fresh process started with ``TZ=America/New_York``: there, without the
pins in ``glue_release.runs.spark``, 2024-03-01 23:30 became 2024-03-02 04:30 (the 5-hour shift).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from glue_release.paths import REPO_ROOT
from glue_release.runs import local_run

NEW_YORK = "America/New_York"

# What a job or test does with timestamps: Python datetimes in, Spark functions, Python values out.
PROBE = """
import datetime as dt, json, sys, time
from pyspark.sql import functions as F

def probe(spark):
    naive = spark.createDataFrame([(dt.datetime(2024, 3, 1, 23, 30),)], "ts timestamp")
    row = naive.select(F.to_date("ts").alias("d"), F.date_format("ts", "HH:mm").alias("hm"), "ts").first()
    parsed = spark.createDataFrame([("2024-03-01 23:30:00",)], "s string").select(F.to_timestamp("s").alias("t"))
    print("PROBE " + json.dumps({
        "jvm": spark.sparkContext._jvm.java.util.TimeZone.getDefault().getID(),
        "session": spark.conf.get("spark.sql.session.timeZone"),
        "python": time.strftime("%Z"),
        "date": str(row.d), "hour_minute": row.hm, "round_trip": str(row.ts),
        "parsed": str(parsed.first().t),
    }), flush=True)

if sys.argv[1:2] == ["--session"]:  # the tests' and smoke checks' session
    from glue_release.runs.spark import local_session
    probe(local_session("tz-probe", cores=1))
else:  # a job script, as run-local and local smoke runs start it
    from glue_runtime import job_context, resolve_args
    with job_context(resolve_args(sys.argv)) as ctx:
        probe(ctx.spark)
"""

EXPECTED = {
    "jvm": "UTC",
    "session": "UTC",
    "python": "UTC",
    "date": "2024-03-01",
    "hour_minute": "23:30",
    "round_trip": "2024-03-01 23:30:00",
    "parsed": "2024-03-01 23:30:00",
}


def probe_result(lines: list[str]) -> dict:
    found = [line[len("PROBE ") :] for line in lines if line.startswith("PROBE ")]
    assert found, "\n".join(lines[-20:])
    return json.loads(found[-1])


@pytest.fixture
def probe_script(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(PROBE)
    return path


@pytest.mark.slow
def test_tests_and_smoke_checks_session_is_utc_under_new_york(probe_script):
    env = dict(os.environ, TZ=NEW_YORK, PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run(
        [sys.executable, str(probe_script), "--session"], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert probe_result(done.stdout.splitlines()) == EXPECTED


@pytest.mark.slow
def test_job_scripts_run_in_utc_under_new_york(probe_script, monkeypatch):
    monkeypatch.setenv("TZ", NEW_YORK)  # inherited by the script's process, as from the user's shell
    run = local_run.run_script(probe_script, "tz_probe", {}, {}, python_path=[], echo=False, timeout_s=600)
    assert run.returncode == 0, "\n".join(run.log[-30:])
    assert probe_result(run.log) == EXPECTED
