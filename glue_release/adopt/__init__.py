"""``invoke adopt``: take Glue jobs made elsewhere (the console, another tool) into this repository.

For each job: read its definition and triggers from the account, download its
script, write ``jobs/<job>/`` (a mapped ``job.yaml`` with an ``adopted:`` section,
the script unmodified as ``main.py``, an empty ``sample/`` with instructions).
The ``adopted:`` section keeps the job's and triggers' names, and
``terraform/imports.tf`` imports them in the environment they came from, so the
next plan takes them over instead of creating second ones. Nothing in the
account changes here.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from glue_release import aws
from glue_release.adopt.mapping import Mapped, map_job
from glue_release.declarations import job_folders, load_job
from glue_release.declarations.schema import modeline
from glue_release.errors import UserError
from glue_release.settings import Settings

SAMPLE_README = """\
# Sample data for {folder}

Local runs and smoke runs read sample files from this folder. The job was adopted from
Glue job `{glue_name}`; its S3 paths are plain `arguments` in job.yaml for now.

1. For each path the script reads, move the argument from `arguments:` to `inputs:` in
   job.yaml with its bucket and prefix, and a small sample here: `sample: sample/<file>`.
2. For each path it writes, declare it under `outputs:`.
3. `./dev validate`, then `./dev run-local --job {folder}`.
"""


@dataclass(frozen=True)
class Adopted:
    folder: Path
    glue_name: str
    unmapped: list[str]
    skipped: str | None = None  # why nothing was written


def adopt(settings: Settings, names: list[str], every: bool, jobs_dir: Path) -> list[Adopted]:
    """Adopt ``names`` (or, with ``every``, all jobs of the account not in the repository yet)."""
    if bool(names) == every:
        raise UserError("name the jobs to adopt with --job-name NAME (repeatable), or pass --all")
    glue = aws.client(settings, "glue")
    existing = {job.adopted.job_name: job for job in _declared(jobs_dir) if job.adopted}
    account = _all_jobs(glue)
    wanted = sorted(account) if every else names
    missing = [n for n in wanted if n not in account]
    if missing:
        raise UserError(
            f"no Glue job {', '.join(map(repr, missing))} in {settings.env}; jobs there: "
            f"{', '.join(sorted(account)) or '(none)'}"
        )
    triggers = _all_triggers(glue)
    folders = {name: job.name for name, job in existing.items()}
    fresh = [n for n in wanted if n not in existing]
    for name in fresh:  # jobs adopted together may depend on each other
        folders[name] = map_job(account[name], [], settings.env, folders).folder
    results = [Adopted(existing[n].folder, n, [], skipped="already adopted") for n in wanted if n in existing]
    upstream = _watched(triggers, set(folders))
    mapped = [map_job(account[n], _starting(triggers, n), settings.env, folders, n in upstream) for n in fresh]
    taken = {p.name for p in jobs_dir.iterdir()} if jobs_dir.exists() else set()
    for item in mapped:
        if item.folder in taken:
            raise UserError(f"{jobs_dir.name}/{item.folder} exists already; rename it or that job, then adopt again")
        if not item.script_location.startswith("s3://"):
            raise UserError(f"Glue job {item.glue_name} has no S3 script location ({item.script_location!r})")
    s3 = aws.client(settings, "s3")
    for item in mapped:
        results.append(_write(item, _download(s3, item.script_location), jobs_dir))
    return results


def _declared(jobs_dir: Path) -> list[Any]:
    return [load_job(folder) for folder in job_folders(jobs_dir)] if jobs_dir.exists() else []


def _all_jobs(glue: Any) -> dict[str, dict[str, Any]]:
    jobs: dict[str, dict[str, Any]] = {}
    for page in glue.get_paginator("get_jobs").paginate():
        jobs.update({job["Name"]: job for job in page["Jobs"]})
    return jobs


def _all_triggers(glue: Any) -> list[dict[str, Any]]:
    triggers: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = glue.get_triggers(**({"NextToken": token} if token else {}))
        triggers += page["Triggers"]
        token = page.get("NextToken")
        if not token:
            return triggers


def _starting(triggers: list[dict[str, Any]], job_name: str) -> list[dict[str, Any]]:
    return [t for t in triggers if any(a.get("JobName") == job_name for a in t.get("Actions", []))]


def _watched(triggers: list[dict[str, Any]], jobs: set[str]) -> set[str]:
    """Jobs a conditional trigger of one of ``jobs`` watches: the upstream ends of chains."""
    return {
        condition.get("JobName")
        for t in triggers
        if t.get("Type") == "CONDITIONAL" and any(a.get("JobName") in jobs for a in t.get("Actions", []))
        for condition in t.get("Predicate", {}).get("Conditions", [])
    }


def _download(s3: Any, location: str) -> bytes:
    bucket, _, key = location.removeprefix("s3://").partition("/")
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except Exception as exc:  # botocore's ClientError, or a missing bucket
        raise UserError(f"cannot read the script {location}: {exc}") from None


def _write(item: Mapped, script: bytes, jobs_dir: Path) -> Adopted:
    """The job folder, written under a temporary name and renamed: a failure leaves nothing half-written."""
    final = jobs_dir / item.folder
    partial = jobs_dir / f"_adopting_{item.folder}"
    if partial.exists():
        shutil.rmtree(partial)
    (partial / "sample").mkdir(parents=True)
    header = [
        modeline(final / "job.yaml"),
        f"# Adopted from Glue job {item.glue_name} by `invoke adopt`.",
        *(f"# Not mapped: {line}" for line in item.unmapped),
    ]
    body = yaml.safe_dump(item.declaration, sort_keys=False, default_flow_style=False, width=100)
    (partial / "job.yaml").write_text("\n".join(header) + "\n" + body)
    (partial / "main.py").write_bytes(script)  # unmodified: the job runs what it ran before
    (partial / "sample" / "README.md").write_text(SAMPLE_README.format(folder=item.folder, glue_name=item.glue_name))
    partial.rename(final)
    try:
        load_job(final)  # the written declaration must itself be valid
    except UserError:
        shutil.rmtree(final)
        raise
    return Adopted(final, item.glue_name, item.unmapped)


def summary(results: list[Adopted], env: str | None = None) -> str:
    lines = []
    for r in results:
        if r.skipped:
            lines.append(f"  {r.glue_name:<32} -> {r.folder.name}/ ({r.skipped})")
            continue
        lines.append(f"  {r.glue_name:<32} -> jobs/{r.folder.name}/")
        lines += [f"      not mapped: {u}" for u in r.unmapped]
    if env and any(not r.skipped for r in results):
        # The deploy role manages "<name_prefix>-*" only; adopted jobs keep their own names.
        lines.append(
            f"before the plan: an administrator runs `invoke bootstrap --env {env}` once; the deploy role manages "
            f"only the environment's prefix, and this grants it the adopted jobs' own names"
        )
    return "\n".join(lines)
