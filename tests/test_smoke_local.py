"""Local smoke runs end to end: deployed artifacts in a real emulator, executed with real Spark.

The deployed state is made with boto3 (``emulator_deploy``: buckets, uploaded
artifacts, Glue jobs with Terraform's default arguments) so these tests do not
wait for Terraform. One emulator per module; the three sample jobs run once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from glue_release import aws, declarations
from glue_release.artifacts.packaging import Manifest
from glue_release.paths import JOBS_DIR
from glue_release.settings import Settings
from glue_release.smoke import SmokeReport, run_smoke
from glue_release.smoke.emulator_deploy import bucket_name, deploy_jobs

pytestmark = [pytest.mark.emulator, pytest.mark.slow]


@pytest.fixture(scope="module")
def settings(module_emulator_settings: Settings) -> Settings:
    return module_emulator_settings


@pytest.fixture(scope="module")
def sample_jobs(settings: Settings) -> dict[str, declarations.JobDeclaration]:
    jobs = declarations.load_jobs()
    deploy_jobs(settings, jobs)
    return jobs


@pytest.fixture(scope="module")
def sample_report(settings: Settings, sample_jobs: dict[str, declarations.JobDeclaration]) -> SmokeReport:
    report = run_smoke(settings, sample_jobs, timeout_s=300)
    print(report.table())
    return report


def variant(jobs_dir: Path, name: str, edit: dict[str, tuple[str, str]]) -> None:
    """A copy of customers_clean named ``name`` writing its own prefix, with (old, new) text edits per file."""
    folder = jobs_dir / name
    shutil.copytree(JOBS_DIR / "customers_clean", folder, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    for file in ("main.py", "job.yaml"):
        text = (folder / file).read_text().replace("customers_clean", name)
        (folder / file).write_text(text)
    for file, (old, new) in edit.items():
        text = (folder / file).read_text()
        assert old in text, f"{file} changed: the test's edit no longer applies"
        (folder / file).write_text(text.replace(old, new))


RAISE = "    raise RuntimeError('deliberately broken')"


def hang(pid_file: Path) -> str:
    return f"    import os, time\n    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n    time.sleep(600)"


WRITE = 'cleaned.write.mode("overwrite").partitionBy("signup_date").parquet(args["output_path"])'


# ------------------------------------------------------------------ the sample jobs


def test_sample_jobs_all_pass_with_rows_counted(sample_report):
    assert sample_report.ok, sample_report.table()
    rows = {r.job: r.rows for r in sample_report.results}
    assert rows == {
        "customers_clean": {"output_path": 4},
        # 6 completed day/country pairs; 6 rejects (one per reason, see the job's tests); PT spans 4 days.
        "orders_daily_revenue": {"output_path": 6, "rejects_path": 6},
        "revenue_rolling_7d": {"output_path": 8},
    }
    checks = {r.job: (r.checks_passed, r.checks_total) for r in sample_report.results}
    assert checks == {"customers_clean": (9, 9), "orders_daily_revenue": (12, 12), "revenue_rolling_7d": (7, 7)}


def test_runs_are_recorded_in_the_emulator_with_smoke_locations(sample_report, settings, sample_jobs):
    glue = aws.client(settings, "glue")
    for result in sample_report.results:
        runs = glue.get_job_runs(JobName=result.glue_name)["JobRuns"]
        assert result.run_id in [r["Id"] for r in runs]
        arguments = next(r for r in runs if r["Id"] == result.run_id)["Arguments"]
        job = sample_jobs[result.job]
        for arg, location in {**job.inputs, **job.outputs}.items():
            assert arguments[f"--{arg}"].endswith(f"/_smoke/{location.prefix}"), arguments


def test_outputs_land_under_smoke_and_real_prefixes_stay_empty(sample_report, settings):
    s3 = aws.client(settings, "s3")
    curated = bucket_name(settings, "curated")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=curated).get("Contents", [])]
    for prefix in ("customers_clean/", "daily_revenue/", "daily_revenue_rejects/", "revenue_rolling_7d/"):
        assert any(k.startswith(f"_smoke/{prefix}") and k.endswith((".parquet", ".json")) for k in keys), prefix
    assert all(k.startswith("_smoke/") for k in keys), keys
    assert not any(k.endswith(".crc") for k in keys)  # Spark's local checksum files are not Glue output


def test_chained_job_reads_its_upstreams_smoke_output_not_its_sample(sample_report, settings):
    s3 = aws.client(settings, "s3")
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket=bucket_name(settings, "curated"), Prefix="_smoke/daily_revenue/")["Contents"]
    ]
    sample_names = {p.name for p in (JOBS_DIR / "revenue_rolling_7d" / "sample").rglob("*.parquet")}
    assert sample_names == {"part-00000.snappy.parquet"}
    assert keys and not any(k.rsplit("/", 1)[-1] in sample_names for k in keys), keys
    order = [r.job for r in sample_report.results]
    assert order.index("revenue_rolling_7d") > order.index("orders_daily_revenue")


def test_the_deployed_artifacts_are_cached_by_their_content_hashed_keys(sample_report, settings):
    cache = settings.build_dir / "smoke" / "artifacts" / settings.artifacts_bucket
    cached = {p.relative_to(cache).as_posix(): p for p in cache.rglob("*") if p.is_file()}
    built = {a.key: a.sha256 for a in Manifest.read(settings.build_dir / "manifest.json").artifacts()}
    assert set(built) <= set(cached)
    for key, digest in built.items():
        assert hashlib.sha256(cached[key].read_bytes()).hexdigest() == digest


# ------------------------------------------------------------------ faults


@pytest.fixture(scope="module")
def fault_jobs(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    jobs_dir = tmp_path_factory.mktemp("jobs")
    variant(
        jobs_dir,
        "customers_broken",
        {"transforms.py": ("def clean_customers(", f"def clean_customers(*_a, **_k):\n{RAISE}\n\n\ndef _old(")},
    )
    variant(jobs_dir, "customers_silent", {"main.py": (WRITE, "cleaned.count()  # writes nothing")})
    variant(jobs_dir, "customers_deployed", {})
    pid_file = jobs_dir / "hung.pid"
    variant(
        jobs_dir,
        "customers_hung",
        {"main.py": ("    main(sys.argv)", f"{hang(pid_file)}\n    main(sys.argv)")},
    )
    jobs = declarations.load_jobs(jobs_dir)
    deploy_jobs(settings, jobs)
    # After the deploy the checkout's copy breaks: a smoke run must run what was deployed, not the checkout.
    transforms = jobs_dir / "customers_deployed" / "transforms.py"
    transforms.write_text(transforms.read_text() + "\nraise ImportError('the checkout copy was imported')\n")
    return {"jobs": jobs, "pid_file": pid_file}


@pytest.fixture(scope="module")
def fault_report(settings: Settings, fault_jobs: dict[str, Any]) -> SmokeReport:
    report = run_smoke(
        settings, fault_jobs["jobs"], only=["customers_broken", "customers_silent", "customers_deployed"], timeout_s=300
    )
    print(report.table())
    return report


def test_a_job_that_raises_fails_with_its_traceback_tail(fault_report):
    result = fault_report.result("customers_broken")
    assert result.state == "FAILED"
    assert result.error is not None and result.error.endswith("RuntimeError: deliberately broken")
    assert result.log_tail[0] == "Traceback (most recent call last):"
    assert any("customers_broken/transforms.py" in line for line in result.log_tail)
    assert not any("script_runner" in line or "runpy" in line for line in result.log_tail)
    assert not fault_report.ok
    table = fault_report.table()
    assert "customers_broken (glue-etl-local-customers_broken): FAILED" in table
    assert "    | RuntimeError: deliberately broken" in table


def test_a_job_that_writes_nothing_fails_its_check_naming_the_path(fault_report, settings):
    result = fault_report.result("customers_silent")
    assert result.state == "SUCCEEDED"
    curated = bucket_name(settings, "curated")
    assert result.problems[0] == f"output_path: no data written at s3://{curated}/_smoke/customers_silent/"
    assert result.rows == {"output_path": None}
    assert not result.ok
    assert (result.checks_passed, result.checks_total) == (1, 9)  # smoke_check.py leaves a missing output to has_data
    assert "1/9 FAILED" in fault_report.table()


def test_the_deployed_code_runs_not_the_checkout(fault_report):
    result = fault_report.result("customers_deployed")
    assert result.ok, fault_report.table()
    assert result.rows == {"output_path": 4}


def test_a_hung_job_is_killed_at_the_timeout(settings, fault_jobs):
    started = time.monotonic()
    report = run_smoke(settings, fault_jobs["jobs"], only=["customers_hung"], timeout_s=8)
    elapsed = time.monotonic() - started
    result = report.result("customers_hung")
    assert result.state == "TIMEOUT", report.table()
    assert result.error == "still running after the 8 s timeout; killed the local process"
    assert 8 <= result.duration_s < 20 and elapsed < 30
    pid = int(fault_jobs["pid_file"].read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
