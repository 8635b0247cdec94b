"""The AWS runner: its Glue calls against the emulator, and failure states through botocore's Stubber.

moto reports every job run SUCCEEDED at once and has no batch_stop_job_run, so a
run that fails, times out, hangs or is throttled cannot come from the emulator:
those tests stub Glue's (and CloudWatch Logs') responses with botocore's Stubber.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from glue_release import aws, declarations
from glue_release.emulator.control import free_port
from glue_release.settings import Settings
from glue_release.smoke import run_smoke
from glue_release.smoke.aws_runner import AwsRunner
from glue_release.smoke.deployed import DeployedJob, smoke_locations
from glue_release.smoke.emulator_deploy import bucket_name, deploy_jobs, emulator_settings
from glue_release.smoke.glue_runs import GlueRuns, JobRun, NotStarted
from glue_release.smoke.report import JobResult, SmokeReport
from glue_release.smoke.schedule import plan
from glue_release.smoke.spec import parse_smoke

GLUE_NAME = "glue-etl-dev-customers_clean"
RUN_ID = "jr_" + "a" * 64


class FakeClock:
    """Time that moves only when the runner sleeps, so timeouts are tested without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client(service: str) -> Any:
    return boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="eu-west-1").client(
        service
    )


@pytest.fixture
def stubbed() -> Any:
    glue, logs = client("glue"), client("logs")
    with Stubber(glue) as glue_stub, Stubber(logs) as logs_stub:
        yield glue, glue_stub, logs, logs_stub
        glue_stub.assert_no_pending_responses()
        logs_stub.assert_no_pending_responses()


def job_run(timeout_s: float = 600) -> JobRun:
    job = declarations.load_jobs()["customers_clean"]
    deployed = DeployedJob(
        job=job.name,
        glue_name=GLUE_NAME,
        script_location="s3://artifacts/jobs/customers_clean/x/main.py",
        default_arguments={
            "--input_path": "s3://raw-bucket/customers/",
            "--output_path": "s3://curated-bucket/customers_clean/",
        },
    )
    locations = smoke_locations(job, deployed)
    arguments = {f"--{arg}": str(uri) for arg, uri in locations.items()}
    planned = plan({job.name: job}, {job.name: parse_smoke(job).samples})[0]
    return JobRun(planned, parse_smoke(job), deployed, locations, arguments, timeout_s)


def execute(glue: Any, logs: Any, run: JobRun, clock: FakeClock) -> JobResult:
    runs = GlueRuns(glue, sleep=clock.sleep, clock=clock)
    runner = AwsRunner(runs, logs, poll_initial_s=5, poll_max_s=30)
    result = JobResult(run.name, run.deployed.glue_name)
    consumed: list[bool] = []
    runner.execute(run, lambda: consumed.append(True), result)
    assert consumed == [True]  # the staged inputs are let go once the run is over
    return result


def start_ok(stub: Stubber) -> None:
    expected = {
        "JobName": GLUE_NAME,
        "Arguments": {
            "--input_path": "s3://raw-bucket/_smoke/customers/",
            "--output_path": "s3://curated-bucket/_smoke/customers_clean/",
        },
    }
    stub.add_response("start_job_run", {"JobRunId": RUN_ID}, expected)


def run_state(stub: Stubber, state: str, **extra: Any) -> None:
    run = {"Id": RUN_ID, "JobName": GLUE_NAME, "JobRunState": state, "LogGroupName": "/aws-glue/jobs", **extra}
    stub.add_response("get_job_run", {"JobRun": run}, {"JobName": GLUE_NAME, "RunId": RUN_ID})


def no_group(stub: Stubber, group: str) -> None:
    stub.add_client_error(
        "filter_log_events",
        "ResourceNotFoundException",
        "The specified log group does not exist.",
        expected_params={"logGroupName": group, "logStreamNamePrefix": RUN_ID},
    )


def log_events(stub: Stubber, group: str, messages: list[str], token: str | None = None, after: str | None = None):
    params: dict[str, Any] = {"logGroupName": group, "logStreamNamePrefix": RUN_ID}
    if after:
        params["nextToken"] = after
    page: dict[str, Any] = {"events": [{"message": m, "timestamp": 1} for m in messages]}
    if token:
        page["nextToken"] = token
    stub.add_response("filter_log_events", page, params)


def empty_other_groups(stub: Stubber, after: str) -> None:
    groups = ["/aws-glue/jobs/error", "/aws-glue/jobs/output", "/aws-glue/jobs/logs-v2"]
    for group in groups[groups.index(after) + 1 :]:
        no_group(stub, group)


def test_failed_run_reports_glue_error_message_and_log_tail(stubbed):
    glue, glue_stub, logs, logs_stub = stubbed
    start_ok(glue_stub)
    run_state(glue_stub, "RUNNING")
    run_state(glue_stub, "FAILED", ErrorMessage="AnalysisException: Path does not exist: s3://raw-bucket/x")
    log_events(logs_stub, "/aws-glue/jobs/error", ["Traceback (most recent call last):"], token="t1")
    log_events(logs_stub, "/aws-glue/jobs/error", ['  File "main.py", line 3', "AnalysisException: boom\n"], after="t1")
    empty_other_groups(logs_stub, "/aws-glue/jobs/error")
    clock = FakeClock()

    result = execute(glue, logs, job_run(), clock)

    assert (result.state, result.run_id) == ("FAILED", RUN_ID)
    assert result.error == "AnalysisException: Path does not exist: s3://raw-bucket/x"
    assert result.log_tail == [
        "[/aws-glue/jobs/error]",
        "Traceback (most recent call last):",
        '  File "main.py", line 3',
        "AnalysisException: boom",
    ]
    assert clock.sleeps == [5]
    table = SmokeReport("dev", [result]).table()
    assert "error: AnalysisException: Path does not exist: s3://raw-bucket/x" in table
    assert "    | AnalysisException: boom" in table


@pytest.mark.parametrize("state", ["TIMEOUT", "ERROR", "STOPPED", "EXPIRED"])
def test_every_terminal_state_is_a_failure_with_its_message(stubbed, state):
    glue, glue_stub, logs, logs_stub = stubbed
    start_ok(glue_stub)
    run_state(glue_stub, "STARTING")
    run_state(glue_stub, "RUNNING")
    run_state(glue_stub, state, ErrorMessage=f"Glue says {state}")
    log_events(logs_stub, "/aws-glue/jobs/error", [])
    log_events(logs_stub, "/aws-glue/jobs/output", ["last words"])
    no_group(logs_stub, "/aws-glue/jobs/logs-v2")
    clock = FakeClock()

    result = execute(glue, logs, job_run(), clock)

    assert (result.state, result.error) == (state, f"Glue says {state}")
    assert result.log_tail == ["[/aws-glue/jobs/output]", "last words"]
    assert not result.ok
    assert clock.sleeps == [5, 7.5]  # polling backs off


def test_throttled_start_is_retried_with_backoff(stubbed):
    glue, glue_stub, logs, _ = stubbed
    glue_stub.add_client_error("start_job_run", "ThrottlingException", "Rate exceeded")
    glue_stub.add_client_error("start_job_run", "ThrottlingException", "Rate exceeded")
    start_ok(glue_stub)
    glue_stub.add_client_error("get_job_run", "ThrottlingException", "Rate exceeded")
    run_state(glue_stub, "SUCCEEDED")
    clock = FakeClock()

    result = execute(glue, logs, job_run(), clock)

    assert (result.state, result.run_id, result.error) == ("SUCCEEDED", RUN_ID, None)
    assert clock.sleeps == [2, 4, 2]


def test_concurrent_runs_exceeded_is_waited_out(stubbed):
    glue, glue_stub, logs, _ = stubbed
    for _ in range(5):
        glue_stub.add_client_error(
            "start_job_run", "ConcurrentRunsExceededException", f"Concurrent runs exceeded for {GLUE_NAME}"
        )
    start_ok(glue_stub)
    run_state(glue_stub, "SUCCEEDED")
    clock = FakeClock()

    result = execute(glue, logs, job_run(), clock)

    assert result.state == "SUCCEEDED"
    assert clock.sleeps == [2, 4, 8, 16, 30]


def test_concurrent_runs_until_the_timeout_means_not_started(stubbed):
    glue, glue_stub, logs, _ = stubbed
    for _ in range(4):
        glue_stub.add_client_error("start_job_run", "ConcurrentRunsExceededException", "a run is in progress")
    clock = FakeClock()

    with pytest.raises(NotStarted, match=r"start_job_run failed \(retried until the timeout\).*a run is in progress"):
        execute(glue, logs, job_run(timeout_s=10), clock)
    assert clock.sleeps == [2, 4, 4]  # the last wait is cut to the deadline


def test_hung_run_is_stopped_at_the_timeout(stubbed):
    glue, glue_stub, logs, logs_stub = stubbed
    start_ok(glue_stub)
    for _ in range(4):
        run_state(glue_stub, "RUNNING")
    glue_stub.add_response(
        "batch_stop_job_run",
        {"SuccessfulSubmissions": [{"JobName": GLUE_NAME, "JobRunId": RUN_ID}], "Errors": []},
        {"JobName": GLUE_NAME, "JobRunIds": [RUN_ID]},
    )
    log_events(logs_stub, "/aws-glue/jobs/error", [])
    log_events(logs_stub, "/aws-glue/jobs/output", ["still waiting for the lock"])
    no_group(logs_stub, "/aws-glue/jobs/logs-v2")
    clock = FakeClock()

    result = execute(glue, logs, job_run(timeout_s=20), clock)

    assert result.state == "TIMEOUT"
    assert result.error == "still RUNNING after the 20 s timeout; stopped it with batch_stop_job_run"
    assert result.log_tail[-1] == "still waiting for the lock"
    assert sum(clock.sleeps) == 20
    assert result.duration_s == 20


def test_run_log_group_and_custom_prefix_are_searched_first(stubbed):
    glue, glue_stub, logs, logs_stub = stubbed
    run = job_run()
    custom = "/aws-glue/jobs/glue-etl-dev/customers_clean"
    deployed = dataclasses.replace(
        run.deployed,
        default_arguments={**run.deployed.default_arguments, "--custom-logGroup-prefix": custom},
    )
    run = dataclasses.replace(run, deployed=deployed)
    start_ok(glue_stub)
    run_state(glue_stub, "FAILED", ErrorMessage="boom", LogGroupName=custom)
    log_events(logs_stub, f"{custom}/error", ["from the job's own group"] * 50)

    result = execute(glue, logs, run, FakeClock())

    # 40 lines from the first group are enough: the others are not read at all.
    assert result.log_tail == [f"[{custom}/error]", *["from the job's own group"] * 40]


# ------------------------------------------------------------------ against the emulator


@pytest.mark.emulator
def test_aws_runner_stages_starts_and_polls_against_the_emulator(tmp_path):
    local = emulator_settings(tmp_path, free_port())
    assert local.emulator is not None
    local.emulator.up()
    try:
        aws_runner_against_the_emulator(local)
    finally:
        local.emulator.down()


def aws_runner_against_the_emulator(local: Settings) -> None:
    jobs = declarations.load_jobs()
    deploy_jobs(local, jobs)
    # The AWS path (an environment other than local) with the emulator's clients: moto records the run
    # and reports SUCCEEDED without executing anything, which is exactly what this test can rely on.
    settings = dataclasses.replace(local, env="dev")
    glue, s3 = aws.client(local, "glue"), aws.client(local, "s3")

    curated = bucket_name(local, "curated")
    # Left over from an earlier smoke run: it must not pass for this run's output.
    s3.put_object(Bucket=curated, Key="_smoke/customers_clean/signup_date=2024-01-01/part-0.parquet", Body=b"old")

    report = run_smoke(settings, jobs, only=["customers_clean"], glue=glue, s3=s3, logs=aws.client(local, "logs"))

    result = report.result("customers_clean")
    assert (result.state, result.glue_name) == ("SUCCEEDED", "glue-etl-local-customers_clean")
    runs = glue.get_job_runs(JobName="glue-etl-local-customers_clean")["JobRuns"]
    assert [r["Id"] for r in runs] == [result.run_id]
    raw = bucket_name(local, "raw")
    assert runs[0]["Arguments"]["--input_path"] == f"s3://{raw}/_smoke/customers/"
    assert runs[0]["Arguments"]["--output_path"] == f"s3://{curated}/_smoke/customers_clean/"
    assert runs[0]["Arguments"]["--as_of_date"] == "2024-06-01"
    staged = s3.get_object(Bucket=raw, Key="_smoke/customers/customers.csv")["Body"].read()
    assert staged == (jobs["customers_clean"].folder / "sample" / "customers.csv").read_bytes()
    assert "Contents" not in s3.list_objects_v2(Bucket=raw, Prefix="customers/")  # real prefixes untouched
    # Nothing ran, so nothing was written: the has-data check must catch that, naming the path.
    assert result.problems == [f"output_path: no data written at s3://{curated}/_smoke/customers_clean/"]
    assert not report.ok
