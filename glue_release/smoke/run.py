"""``run_smoke``: run the deployed jobs on their samples under ``_smoke/`` and check what they wrote."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from glue_release import aws
from glue_release.declarations import JobDeclaration, select_job
from glue_release.emulator.iam import roles
from glue_release.emulator.iam.denied import AccessDenied
from glue_release.errors import UserError
from glue_release.release import release_client
from glue_release.settings import Settings
from glue_release.smoke import s3io
from glue_release.smoke.aws_runner import AwsRunner
from glue_release.smoke.checks import OutputFacts, check_outputs
from glue_release.smoke.deployed import DeployedJob, SetupError, read_deployed, smoke_locations
from glue_release.smoke.glue_runs import GlueRuns, JobRun, NotStarted, Runner
from glue_release.smoke.local_runner import LocalRunner
from glue_release.smoke.report import SKIPPED, SUCCEEDED, JobResult, SmokeReport
from glue_release.smoke.schedule import Planned, default_local_parallel, execute, plan
from glue_release.smoke.spec import SmokeSpec, parse_smoke
from glue_release.smoke.staging import StagingArea

NOT_STARTED = "NOT_STARTED"


def run_smoke(
    settings: Settings,
    jobs: dict[str, JobDeclaration],
    only: list[str] | None = None,
    timeout_s: float = 900,
    parallel: int | None = None,
    *,
    glue: Any = None,
    s3: Any = None,
    logs: Any = None,
) -> SmokeReport:
    """Smoke-run ``only`` (default: every job) as deployed in ``settings.env``.

    ``timeout_s`` bounds each job's run (from its start, not from the start of
    the smoke run). ``parallel`` caps how many jobs run at once: on AWS every
    ready job by default (Glue does the work), locally one per core with
    memory to spare (see ``default_local_parallel``). Clients default to
    ``aws.client(settings, ...)``; pass them to use others (tests).
    """
    selected = _select(jobs, only)
    if timeout_s <= 0:
        raise UserError(f"--timeout must be a positive number of seconds, got {timeout_s:g}")
    if parallel is not None and parallel < 1:
        raise UserError(f"parallel must be at least 1, got {parallel}")
    specs = {name: parse_smoke(job) for name, job in selected.items()}
    order = plan(selected, {name: spec.samples for name, spec in specs.items()})
    emulator = settings.emulator
    if emulator is not None and glue is None and not emulator.responds():
        raise UserError(
            f"the emulator is not running on {emulator.endpoint}; start it with `invoke local.up` "
            "and deploy with `invoke deploy --env local`"
        )
    job_s3 = job_glue = None
    if settings.is_local and s3 is None:
        job_s3 = job_role_clients(settings)  # each job's artifacts, inputs and outputs under its own role
        job_glue = job_role_clients(settings, "glue")  # and its catalog reads
    glue = glue or release_client(settings, "glue")
    s3 = s3 or release_client(settings, "s3")
    deployed = read_deployed(glue, settings, list(selected))

    cancel = threading.Event()
    runs = GlueRuns(glue, cancel=cancel)
    work_dir = settings.build_dir / "smoke"
    runner: Runner
    if settings.is_local:
        runner = LocalRunner(runs, s3, work_dir, job_s3=job_s3, job_glue=job_glue)
        parallel = parallel or default_local_parallel()
    else:
        runner = AwsRunner(runs, logs or aws.client(settings, "logs"))
        parallel = parallel or len(order)
    staging = StagingArea(s3)

    def run_one(item: Planned) -> JobResult:
        try:
            reader = job_s3(deployed[item.job.name]) if job_s3 is not None else s3
        except UserError as error:  # the job's role cannot be assumed: its row says why
            return JobResult(item.job.name, deployed[item.job.name].glue_name, state=NOT_STARTED, error=str(error))
        return smoke_job(item, specs[item.job.name], deployed, runner, staging, s3, work_dir, timeout_s, reader)

    def skipped(item: Planned, failed: list[str]) -> JobResult:
        why = f"upstream {', '.join(failed)} did not pass" if failed else "the smoke run was interrupted"
        return JobResult(item.job.name, deployed[item.job.name].glue_name, state=SKIPPED, error=why)

    results = execute(order, run_one, skipped, parallel, cancel)
    report = SmokeReport(env=settings.env, results=results)
    for job, location in sorted(set(staging.waited)):
        report.notes.append(
            f"{job} waited for {location}: another job of this run had staged a different sample there "
            "(two jobs read that location and their samples differ)"
        )
    return report


def job_role_clients(settings: Settings, service: str = "s3") -> Callable[[DeployedJob], Any]:
    """``service`` clients signed as each deployed job's role (``get_job()['Role']``), assumed as Glue assumes it."""

    def client(deployed: DeployedJob) -> Any:
        if not deployed.role:
            raise UserError(f"Glue job {deployed.glue_name} has no role; deploy again")
        return aws.client(settings, service, roles.job_credentials(settings, deployed.role, deployed.job))

    return client


def _select(jobs: dict[str, JobDeclaration], only: list[str] | None) -> dict[str, JobDeclaration]:
    if not only:
        if not jobs:
            raise UserError("there are no jobs to smoke-run")
        selected = dict(jobs)
    else:
        selected = {name: select_job(jobs, name) for name in dict.fromkeys(only)}
    # An adopted job's S3 paths are plain arguments until its inputs and outputs are declared:
    # a smoke run would read and write the real data, not copies under _smoke/.
    raw = sorted(name for name, job in selected.items() if job.adopted and not (job.inputs or job.outputs))
    if raw:
        raise UserError(
            f"{', '.join(raw)}: adopted, and its S3 paths are still plain arguments, so a smoke run would touch "
            "real data; declare its inputs and outputs (jobs/<job>/sample/README.md) or deploy with --no-smoke"
        )
    return selected


def smoke_job(
    item: Planned,
    spec: SmokeSpec,
    deployed: dict[str, DeployedJob],
    runner: Runner,
    staging: StagingArea,
    s3: Any,
    work_dir: Path,
    timeout_s: float,
    reader: Any = None,
) -> JobResult:
    """Stage, clear, run, check one job; every failure ends up on its row, never as an exception.

    ``s3`` stages and clears (the release identity's work); ``reader`` fetches the outputs (on ``local``
    the job's role, which must be able to read what it wrote).
    """
    job = item.job
    result = JobResult(job.name, deployed[job.name].glue_name)
    release = None
    try:
        locations = smoke_locations(job, deployed[job.name])
        arguments = {f"--{arg}": str(uri) for arg, uri in locations.items()} | {
            f"--{arg}": value for arg, value in spec.arguments.items()
        }
        samples = {locations[arg]: sample for arg, sample in item.staged.items()}
        catalog_samples = getattr(runner, "catalog_samples", None)  # local: from_catalog's tables, from the emulator
        if catalog_samples is not None:
            samples |= catalog_samples(job, deployed[job.name])
        release = staging.acquire(job.name, samples)
        for arg in job.outputs:
            # A stale output from an earlier smoke run must not pass for this run's.
            s3io.clear(s3, locations[arg])
        run = JobRun(item, spec, deployed[job.name], locations, arguments, timeout_s)
        runner.execute(run, release, result)
    except (SetupError, NotStarted) as error:
        result.state, result.error = NOT_STARTED, str(error)
        return result
    except (AccessDenied, UserError) as error:  # a denial under IAM: one line naming role, action and resource
        result.state = "ERROR" if result.run_id else NOT_STARTED
        result.error = str(error)
        return result
    except (ClientError, BotoCoreError, OSError, ValueError) as error:
        # An AWS call failing mid-run: the run's outcome is unknown, which is a failed smoke run.
        result.state = "ERROR" if result.run_id else NOT_STARTED
        result.error = f"{type(error).__name__}: {error}"
        return result
    finally:
        if release is not None:
            release()
    if result.state == SUCCEEDED:
        verify(result, spec, locations, job, reader or s3, work_dir)
    return result


def verify(
    result: JobResult, spec: SmokeSpec, locations: dict[str, s3io.S3Uri], job: JobDeclaration, s3: Any, work_dir: Path
) -> None:
    """Fetch each output's ``_smoke/`` prefix and check it: the same code for AWS and local runs."""
    facts: dict[str, OutputFacts] = {}
    try:
        for arg in job.outputs:
            uri = locations[arg]
            folder = work_dir / "outputs" / job.name / arg
            keys = s3io.data_keys(s3, uri)
            if keys:
                s3io.download(s3, uri, folder, only_data=True)
            facts[arg] = OutputFacts(uri=str(uri), folder=folder, has_data=bool(keys))
        checked = check_outputs(spec, facts)
    except (ClientError, BotoCoreError, OSError) as error:
        result.problems.append(f"could not fetch the outputs: {type(error).__name__}: {error}")
        return
    except AccessDenied as error:
        result.problems.append(f"could not fetch the outputs: {error}")
        return
    except Exception as error:  # Spark failing to read what the job wrote is a finding, not a crash
        result.problems.append(f"could not read the outputs: {type(error).__name__}: {str(error).splitlines()[0]}")
        return
    result.rows = checked.rows
    result.checks_passed, result.checks_total = checked.passed, checked.total
    result.problems += checked.problems
