"""Glue job runs with the patience AWS needs: retries on throttling and on a run already in progress.

botocore's own retries cover throttling only for a few attempts and never
``ConcurrentRunsExceededException`` (a scheduled run of the same job may be
going on); a smoke run waits those out, with backoff, until its deadline.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.exceptions import ClientError

from glue_release.smoke.deployed import DeployedJob
from glue_release.smoke.report import JobResult
from glue_release.smoke.s3io import S3Uri
from glue_release.smoke.schedule import Planned
from glue_release.smoke.spec import SmokeSpec

RETRYABLE = {
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ConcurrentRunsExceededException",
    "OperationTimeoutException",
    "InternalServiceException",
}


class NotStarted(Exception):
    """The run never started (its error text is the report's)."""


@dataclass(frozen=True)
class JobRun:
    """Everything a runner needs for one job of a smoke run."""

    planned: Planned
    spec: SmokeSpec
    deployed: DeployedJob
    locations: dict[str, S3Uri]  # every input/output argument -> its _smoke/ location
    arguments: dict[str, str]  # what start_job_run overrides ("--name" -> value)
    timeout_s: float

    @property
    def name(self) -> str:
        return self.planned.job.name


class Runner(Protocol):
    def execute(self, run: JobRun, inputs_consumed: Callable[[], None], result: JobResult) -> None:
        """Run the job; fill in run id, state, duration, error and log tail; call ``inputs_consumed`` once read."""
        ...


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@dataclass
class GlueRuns:
    glue: Any
    cancel: threading.Event = field(default_factory=threading.Event)
    sleep: Callable[[float], Any] | None = None  # tests pass a fake; default waits on ``cancel``
    clock: Callable[[], float] = time.monotonic
    backoff_initial_s: float = 2.0
    backoff_max_s: float = 30.0

    def pause(self, seconds: float) -> None:
        if self.sleep is not None:
            self.sleep(seconds)
        else:
            self.cancel.wait(seconds)

    def call(self, deadline: float, operation: str, **params: Any) -> dict[str, Any]:
        """One Glue call, retried on throttling / concurrent runs with doubling waits until ``deadline``."""
        delay = self.backoff_initial_s
        while True:
            try:
                return dict(getattr(self.glue, operation)(**params))
            except ClientError as error:
                if error_code(error) not in RETRYABLE or self.cancel.is_set():
                    raise
                left = deadline - self.clock()
                if left <= 0:
                    raise
                self.pause(min(delay, left))
                delay = min(delay * 2, self.backoff_max_s)

    def start(self, glue_name: str, arguments: dict[str, str], deadline: float) -> str:
        try:
            return str(self.call(deadline, "start_job_run", JobName=glue_name, Arguments=arguments)["JobRunId"])
        except ClientError as error:
            retried = " (retried until the timeout)" if error_code(error) in RETRYABLE else ""
            raise NotStarted(f"start_job_run failed{retried}: {error}") from None
