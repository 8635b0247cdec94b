"""Smoke runs on the local emulator: execute what was deployed, the way Glue would.

moto records a job run and calls it SUCCEEDED without executing anything, so
this runner does Glue's part: it takes the deployed definition (``get_job``),
fetches the script and the ``--extra-py-files`` zips by their content-hashed
keys, and runs the script with local Spark as ``__main__`` with the merged
arguments on argv. Spark here cannot read ``s3://``, so each ``s3://`` argument
is swapped for a local folder: filled from the emulator before the run, what
the job wrote uploaded after it. The job code never knows.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from glue_release.runs.glue_local import CONFIG_ENV, LOCAL_GLUE_DIR, emulator_catalog, runtimes
from glue_release.runs.glue_local.smoke import smoke_settings
from glue_release.runs.local_run import python_modules_path, run_script
from glue_release.smoke import s3io
from glue_release.smoke.deployed import DeployedJob
from glue_release.smoke.glue_runs import GlueRuns, JobRun
from glue_release.smoke.report import SUCCEEDED, TERMINAL_STATES, JobResult
from glue_release.smoke.s3io import S3Uri, smoke_twin

TAIL_LINES = 30
TRACEBACK = "Traceback (most recent call last):"
RUNNER_FRAMES = ('"<frozen runpy>"', "glue_release/runs/script_runner.py")


@dataclass(frozen=True)
class Transfer:
    """One ``s3://`` argument as a local path, with what was downloaded (to upload only what changed)."""

    uri: S3Uri
    local: Path
    before: dict[str, str]


@dataclass
class LocalRunner:
    runs: GlueRuns
    s3: Any
    work_dir: Path  # build/local/smoke: artifacts/ (cache by key) and runs/<job>/
    # On local with IAM enforced: an S3 client signed as the job's own role. Everything the job itself
    # does on S3 (its artifacts, its inputs, what it wrote) goes through it, as on Glue.
    job_s3: Callable[[DeployedJob], Any] | None = None
    # Likewise a Glue client as the job's role: from_catalog's GetTable (catalog_reads) goes through it.
    job_glue: Callable[[DeployedJob], Any] | None = None

    def __post_init__(self) -> None:
        self._tables: dict[str, dict[str, dict[str, Any]]] = {}  # job -> its catalog_reads as the emulator has them

    def catalog_samples(self, job: Any, deployed: DeployedJob) -> dict[S3Uri, Path]:
        """The job's ``catalog_reads`` via GetTable as its role; each table's sample goes to its ``_smoke/`` twin."""
        if not job.catalog_reads:
            return {}
        glue = self.job_glue(deployed) if self.job_glue is not None else self.runs.glue
        tables = emulator_catalog.resolve_tables(glue, tuple(job.catalog_reads))
        self._tables[job.name] = tables
        from glue_release.artifacts.packaging import catalog_dir
        from glue_release.catalog import load_catalog

        declared = load_catalog(catalog_dir({job.name: job}))  # catalog/ beside the job's jobs/ folder
        return {
            smoke_twin(table["location"]): declared[ref].sample
            for ref, table in tables.items()
            if ref in declared and declared[ref].sample is not None
        }

    def execute(self, run: JobRun, inputs_consumed: Callable[[], None], result: JobResult) -> None:
        deployed = run.deployed
        s3 = self.job_s3(deployed) if self.job_s3 is not None else self.s3
        try:
            # Artifacts are cached by content hash; the role still has to be able to read them, as on Glue.
            script = s3io.fetch_cached(s3, S3Uri.parse(deployed.script_location), self.work_dir / "artifacts")
            libraries = [
                s3io.fetch_cached(s3, S3Uri.parse(uri), self.work_dir / "artifacts") for uri in deployed.extra_py_files
            ]
            run_dir = self.work_dir / "runs" / run.name
            shutil.rmtree(run_dir, ignore_errors=True)
            arguments = {**deployed.default_arguments, **run.arguments}
            argv_args, transfers = self.localise(arguments, libraries, run_dir, s3)
            mapping, script_transfers = self.script_locations(run, script, run_dir, s3)
            transfers += script_transfers
        finally:
            inputs_consumed()
        clock = self.runs.clock
        started = clock()
        result.run_id = self.runs.start(deployed.glue_name, run.arguments, started + run.timeout_s)
        glue_version = deployed.glue_version or "5.0"
        local = run_script(
            script,
            deployed.glue_name,
            argv_args,
            outputs={},
            # awsglue-style scripts get the clean-room awsglue; declared wheels come after
            python_path=[*libraries, LOCAL_GLUE_DIR, *python_modules_path(run.planned.job)],
            echo=False,
            timeout_s=max(1.0, run.timeout_s - (clock() - started)),
            extra_env={
                CONFIG_ENV: str(
                    smoke_settings(
                        self.work_dir, run_dir, glue_version, mapping, self._tables.get(run.planned.job.name, {})
                    )
                )
            },
            python=runtimes.interpreter(glue_version),
        )
        result.duration_s = clock() - started
        result.runtime = local.runtime
        self.settle_recorded_run(deployed.glue_name, result.run_id)
        if glue_version == "4.0":
            result.notes.append("deployed for Glue 4.0; ran on local Spark 3.5 (Glue 5.0's)")
        if local.timed_out:
            result.state = "TIMEOUT"
            result.error = f"still running after the {run.timeout_s:.0f} s timeout; killed the local process"
            result.log_tail = local.log[-TAIL_LINES:]
        elif local.returncode != 0:
            result.state = "FAILED"
            result.error, result.log_tail = failure_text(local.log, local.returncode)
        else:
            result.state = SUCCEEDED
            for transfer in transfers:
                s3io.upload_changes(s3, transfer.local, transfer.uri, transfer.before)

    def localise(
        self, arguments: dict[str, str], libraries: list[Path], run_dir: Path, s3: Any = None
    ) -> tuple[dict[str, str], list[Transfer]]:
        """Glue's argv with every ``s3://`` value swapped for a local copy; names without "--"."""
        argv_args: dict[str, str] = {}
        transfers: list[Transfer] = []
        for key, value in arguments.items():
            name = key.removeprefix("--")
            if key == "--extra-py-files":
                argv_args[name] = ",".join(str(p) for p in libraries)
            elif value.startswith("s3://"):
                uri = S3Uri.parse(value)
                local = run_dir / "s3" / uri.bucket / (uri.key.rstrip("/") or "_root")
                transfers.append(Transfer(uri, local, self.download(uri, local, s3 or self.s3)))
                argv_args[name] = str(local)
            else:
                argv_args[name] = value
        return argv_args, transfers

    def script_locations(
        self, run: JobRun, script: Path, run_dir: Path, s3: Any
    ) -> tuple[dict[str, str], list[Transfer]]:
        """What the script reads without an argument, as local folders (``bucket/prefix`` -> folder).

        A catalog table's location holds what the smoke run staged at its ``_smoke/`` twin (read
        only); a literal ``s3://`` URI in the script is fetched as is and what the job wrote there is
        uploaded after a successful run, as for arguments.
        """
        mapping: dict[str, str] = {}
        for ref, table in self._tables.get(run.planned.job.name, {}).items():
            real = S3Uri.parse(table["location"])
            local = run_dir / "catalog" / ref
            s3io.download(s3, smoke_twin(table["location"]), local)
            mapping[f"{real.bucket}/{real.prefix}".rstrip("/")] = str(local)
        transfers: list[Transfer] = []
        for text in emulator_catalog.script_s3_uris(script.read_text(errors="replace")):
            uri = S3Uri.parse(text)
            local = run_dir / "s3" / uri.bucket / (uri.key.rstrip("/") or "_root")
            transfers.append(Transfer(uri, local, self.download(uri, local, s3)))
            mapping[f"{uri.bucket}/{uri.key}".rstrip("/")] = str(local)
        return mapping, transfers

    def download(self, uri: S3Uri, local: Path, s3: Any) -> dict[str, str]:
        if uri.key and not uri.key.endswith("/"):
            try:
                s3.head_object(Bucket=uri.bucket, Key=uri.key)
            except ClientError:
                pass  # not an object: a prefix written without its trailing slash
            else:
                local.parent.mkdir(parents=True, exist_ok=True)
                s3.download_file(uri.bucket, uri.key, str(local))
                return {}
        return s3io.download(s3, uri, local)

    def settle_recorded_run(self, glue_name: str, run_id: str) -> None:
        """moto moves a run on one state per look; look until it is done, or the next start is refused as concurrent."""
        for _ in range(5):
            run = self.runs.glue.get_job_run(JobName=glue_name, RunId=run_id)["JobRun"]
            if run.get("JobRunState") in TERMINAL_STATES:
                return


def failure_text(log: list[str], returncode: int) -> tuple[str, list[str]]:
    """The error line and the traceback's tail (or the output's tail when the script printed no traceback)."""
    starts = [i for i, line in enumerate(log) if line.startswith(TRACEBACK)]
    tail = _without_runner_frames(log[starts[-1] :])[-TAIL_LINES:] if starts else log[-TAIL_LINES:]
    last = next((line.strip() for line in reversed(tail) if line.strip()), "")
    return (f"exit {returncode}: {last}" if last else f"exit {returncode} without output"), tail


def _without_runner_frames(traceback: list[str]) -> list[str]:
    """A traceback without the frames of runpy and script_runner: on Glue those are not there either."""
    kept: list[str] = []
    skipping = False
    for line in traceback:
        if line.startswith("  File "):
            skipping = any(frame in line for frame in RUNNER_FRAMES)
        elif not line.startswith("    "):
            skipping = False
        if not skipping:
            kept.append(line)
    return kept
