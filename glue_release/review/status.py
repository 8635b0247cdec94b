"""``invoke status --env E``: what is deployed, who built it, how its last runs went, and what is not applied yet.

It reads the account (the emulator on ``local``): each declared job's definition,
the ``git-commit`` metadata of its deployed script, its last runs; and compares the
deployed artifact keys with a fresh package of the checkout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from glue_release.artifacts.packaging import Manifest
from glue_release.review.provenance import commit_of
from glue_release.settings import Settings
from glue_release.smoke.deployed import glue_job_name

RUNS_SHOWN = 3


@dataclass
class JobStatus:
    job: str
    deployed: bool
    script_hash: str = ""
    commit: str | None = None
    up_to_date: bool = False
    runs: list[tuple[str, str, str]] = field(default_factory=list)  # (state, started, duration)


def _hash_of(uri: str) -> str:
    parts = uri.split("/")
    return parts[-2][:12] if len(parts) >= 2 else "?"


def _run_row(run: dict[str, Any]) -> tuple[str, str, str]:
    started = run.get("StartedOn")
    ended = run.get("CompletedOn")
    seconds = run.get("ExecutionTime")
    if not seconds and isinstance(started, dt.datetime) and isinstance(ended, dt.datetime):
        seconds = int((ended - started).total_seconds())
    when = started.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if isinstance(started, dt.datetime) else "?"
    return str(run.get("JobRunState", "?")), when, f"{seconds} s" if seconds else "—"


def job_status(glue: Any, s3: Any, settings: Settings, jobs: Mapping[str, Any], manifest: Manifest) -> list[JobStatus]:
    out: list[JobStatus] = []
    for job in sorted(jobs):
        name = glue_job_name(settings, job)
        try:
            definition = glue.get_job(JobName=name)["Job"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "EntityNotFoundException":
                raise
            out.append(JobStatus(job, deployed=False))
            continue
        script = definition.get("Command", {}).get("ScriptLocation", "")
        arguments = {**definition.get("DefaultArguments", {}), **(definition.get("NonOverridableArguments") or {})}
        extra = arguments.get("--extra-py-files", "")
        built = manifest.jobs.get(job)
        up_to_date = bool(built) and script.endswith("/" + built.script.key) and built.module.key in extra
        up_to_date = up_to_date and manifest.library.key in extra
        runs = glue.get_job_runs(JobName=name, MaxResults=RUNS_SHOWN).get("JobRuns", [])
        out.append(
            JobStatus(
                job,
                deployed=True,
                script_hash=_hash_of(script),
                commit=commit_of(s3, script),
                up_to_date=up_to_date,
                runs=[_run_row(r) for r in runs[:RUNS_SHOWN]],
            )
        )
    return out


def render(env: str, rows: list[JobStatus], checkout_commit: str) -> str:
    commits = sorted({r.commit[:12] for r in rows if r.commit})
    if not any(r.deployed for r in rows):  # not "deployed from unknown commits": nothing is
        head = f"{env}: no job deployed yet"
    else:
        head = f"{env}: deployed from {', '.join(commits) or 'unknown commits'}"
    lines = [f"{head}; checkout at {checkout_commit[:12]}"]
    lines.append(f"  {'job':<24} {'script':<13} {'built from':<13} {'code':<18} last runs")
    for r in rows:
        if not r.deployed:
            lines.append(f"  {r.job:<24} {'—':<13} {'—':<13} {'not deployed':<18}")
            continue
        code = "up to date" if r.up_to_date else "changes to apply"
        runs = "; ".join(f"{state} {when} ({took})" for state, when, took in r.runs) or "no runs"
        lines.append(f"  {r.job:<24} {r.script_hash:<13} {(r.commit or 'unknown')[:12]:<13} {code:<18} {runs}")
    pending = [r.job for r in rows if not r.up_to_date]
    lines.append(
        f"  not yet applied: {', '.join(pending)} (run `./dev deploy --env {env}`)"
        if pending
        else "  all jobs up to date"
    )
    return "\n".join(lines)
