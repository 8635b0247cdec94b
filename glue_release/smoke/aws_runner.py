"""Smoke runs on AWS: start the deployed Glue job on the ``_smoke/`` locations and wait for it.

Polling backs off (Glue runs take minutes; a tight loop only spends API quota),
every terminal state is reported with Glue's ErrorMessage and the tail of the
run's CloudWatch logs, and a run still going at the timeout is stopped.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from glue_release.smoke.glue_runs import GlueRuns, JobRun, error_code
from glue_release.smoke.report import SUCCEEDED, TERMINAL_STATES, JobResult

LOG_TAIL_LINES = 40
LOG_PAGES = 20  # filter_log_events pages per group: enough for a failed run's tail, bounded for a chatty one


@dataclass
class AwsRunner:
    runs: GlueRuns
    logs: Any  # CloudWatch Logs client
    poll_initial_s: float = 5.0
    poll_max_s: float = 30.0
    log_tail_lines: int = LOG_TAIL_LINES
    stopped: list[str] = field(default_factory=list)  # run ids this runner stopped

    def execute(self, run: JobRun, inputs_consumed: Callable[[], None], result: JobResult) -> None:
        clock = self.runs.clock
        started = clock()
        deadline = started + run.timeout_s
        try:
            result.run_id = self.runs.start(run.deployed.glue_name, run.arguments, deadline)
            state, details = self.wait(run, result.run_id, deadline)
        finally:
            inputs_consumed()
        result.state = state
        result.duration_s = clock() - started
        if state != SUCCEEDED:
            result.error = details.get("ErrorMessage") or details.get("_smoke_error") or f"run ended {state}"
            result.log_tail = self.log_tail(run, result.run_id, details.get("LogGroupName"))

    def wait(self, run: JobRun, run_id: str, deadline: float) -> tuple[str, dict[str, Any]]:
        """Poll until a terminal state; at the deadline (or on Ctrl-C) stop the run and say so."""
        glue_name = run.deployed.glue_name
        delay = self.poll_initial_s
        last: dict[str, Any] = {"JobRunState": "STARTING"}
        while True:
            try:
                # Past the deadline one more look is still worth it: the run may have finished meanwhile.
                last = self.runs.call(max(deadline, self.runs.clock()), "get_job_run", JobName=glue_name, RunId=run_id)[
                    "JobRun"
                ]
            except ClientError as error:
                if error_code(error) not in ("ThrottlingException", "Throttling") or self.runs.cancel.is_set():
                    raise
            state = str(last.get("JobRunState", ""))
            if state in TERMINAL_STATES:
                return state, last
            left = deadline - self.runs.clock()
            if left <= 0 or self.runs.cancel.is_set():
                return self.stop(run, run_id, state, last)
            self.runs.pause(min(delay, left))
            delay = min(delay * 1.5, self.poll_max_s)

    def stop(self, run: JobRun, run_id: str, state: str, last: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        why = "interrupted" if self.runs.cancel.is_set() else f"still {state} after the {run.timeout_s:.0f} s timeout"
        try:
            response = self.runs.glue.batch_stop_job_run(JobName=run.deployed.glue_name, JobRunIds=[run_id])
            errors = response.get("Errors") or []
            outcome = (
                f"stopping it failed: {errors[0].get('ErrorDetail', {}).get('ErrorMessage', errors[0])}"
                if errors
                else "stopped it with batch_stop_job_run"
            )
        except (ClientError, BotoCoreError) as error:
            outcome = f"stopping it failed: {error}"
        self.stopped.append(run_id)
        details = dict(last, _smoke_error=f"{why}; {outcome}")
        details.pop("ErrorMessage", None)
        return ("STOPPED" if self.runs.cancel.is_set() else "TIMEOUT"), details

    def log_tail(self, run: JobRun, run_id: str | None, run_log_group: str | None) -> list[str]:
        """The last lines the run logged, from the first log groups that hold streams named by its run id."""
        if not run_id:
            return []
        lines: list[str] = []
        for group in run.deployed.log_groups(run_log_group):
            tail = self._group_tail(group, run_id)
            if tail:
                lines += [f"[{group}]", *tail]
            if len(lines) >= self.log_tail_lines:
                break
        return lines

    def _group_tail(self, group: str, run_id: str) -> list[str]:
        tail: collections.deque[str] = collections.deque(maxlen=self.log_tail_lines)
        params: dict[str, Any] = {"logGroupName": group, "logStreamNamePrefix": run_id}
        try:
            for _ in range(LOG_PAGES):
                page = self.logs.filter_log_events(**params)
                for event in page.get("events", []):
                    tail.extend(str(event.get("message", "")).rstrip("\n").splitlines() or [""])
                if not page.get("nextToken"):
                    break
                params["nextToken"] = page["nextToken"]
        except ClientError as error:
            # A group that does not exist (that logging style is off) is normal; anything else is worth a line.
            if error_code(error) != "ResourceNotFoundException":
                return [f"(could not read {group}: {error})"]
        except BotoCoreError as error:
            return [f"(could not read {group}: {error})"]
        return list(tail)
