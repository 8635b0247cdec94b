"""A Glue job as the account has it (GetJob, its triggers) mapped onto a job.yaml declaration.

Pure: no AWS calls. What has no place in a declaration is listed, not dropped silently:
connections, VPC, the job's own role and security configuration, Glue options
the platform sets, non-overridable arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from glue_release.declarations.model import ARG_NAME_RE, GLUE_VERSIONS, JOB_NAME_RE, WORKER_TYPES
from glue_release.declarations.tf_mapping import TERRAFORM_SET_ARGUMENTS

DEFAULT_GLUE_VERSION = "5.0"


@dataclass
class Mapped:
    glue_name: str
    folder: str
    declaration: dict[str, Any]
    script_location: str
    unmapped: list[str] = field(default_factory=list)


def folder_name(glue_name: str) -> str:
    """A job folder name (a Python package name too) for an AWS job name: lowercase, underscores."""
    name = re.sub(r"[^a-z0-9_]+", "_", glue_name.lower()).strip("_")
    if not name or not name[0].isalpha():
        name = f"job_{name}"
    name = name[:40].rstrip("_")
    return name if JOB_NAME_RE.match(name) else f"{name}_job"[:40]


def map_job(
    job: dict[str, Any],
    triggers: list[dict[str, Any]],
    env: str,
    folders: dict[str, str],
    chained: bool = False,
) -> Mapped:
    """``job`` (GetJob's Job) and the triggers that start it; ``folders``: AWS job name -> folder of known jobs.

    ``chained``: the job is upstream of another job in ``folders`` (a conditional trigger watches it).
    """
    name = job["Name"]
    mapped = Mapped(
        glue_name=name,
        folder=folders.get(name) or folder_name(name),
        declaration={},
        script_location=job.get("Command", {}).get("ScriptLocation", ""),
    )
    note = mapped.unmapped.append
    decl: dict[str, Any] = {"description": (job.get("Description") or "").strip() or f"Adopted from Glue job {name}"}
    version = job.get("GlueVersion") or "0.9"
    if version in GLUE_VERSIONS:
        decl["glue_version"] = version
    else:
        decl["glue_version"] = DEFAULT_GLUE_VERSION
        note(f"glue_version {version}: not supported here, set to {DEFAULT_GLUE_VERSION}; test the script on it")
    worker = job.get("WorkerType")
    if worker in WORKER_TYPES:
        decl["worker_type"] = worker
        decl["number_of_workers"] = max(2, min(299, int(job.get("NumberOfWorkers") or 2)))
    else:
        decl["worker_type"] = "G.1X"
        workers = int(job.get("NumberOfWorkers") or job.get("MaxCapacity") or 2)
        decl["number_of_workers"] = max(2, min(299, workers))
        note(f"worker_type {worker or 'none (MaxCapacity)'}: set to G.1X x {decl['number_of_workers']}")
    decl["timeout_minutes"] = max(1, min(2880, int(job.get("Timeout") or 2880)))
    decl["max_retries"] = max(0, min(10, int(job.get("MaxRetries") or 0)))
    decl["max_concurrent_runs"] = max(1, min(1000, int(job.get("ExecutionProperty", {}).get("MaxConcurrentRuns", 1))))

    arguments: dict[str, str] = {}
    for key, value in sorted((job.get("DefaultArguments") or {}).items()):
        arg = key.removeprefix("--")
        if arg == "job-bookmark-option":
            decl["bookmarks"] = value == "job-bookmark-enable"
        elif arg in ("extra-py-files", "additional-python-modules", "extra-jars", "extra-files"):
            note(f"--{arg}={value}: the job's own libraries; vendor them into the job folder or python_modules")
        elif arg in TERRAFORM_SET_ARGUMENTS or arg.startswith(("enable-", "conf", "spark-")):
            note(f"--{arg}: a Glue option; the platform sets its own")
        elif ARG_NAME_RE.match(arg):
            arguments[arg] = str(value)
        else:
            note(f"--{arg}: not a plain argument name (lowercase letters, digits, _); not carried over")
    if arguments:
        decl["arguments"] = arguments
    if job.get("NonOverridableArguments"):
        note(f"non-overridable arguments {', '.join(sorted(job['NonOverridableArguments']))}: not carried over")
    if (job.get("Connections") or {}).get("Connections"):
        note(f"connections {', '.join(job['Connections']['Connections'])} (VPC access): not carried over")
    if job.get("Role"):
        note(
            f"role {job['Role']}: replaced by the platform's per-job role; declare inputs/outputs to grant data access"
        )
    if job.get("SecurityConfiguration"):
        note(f"security configuration {job['SecurityConfiguration']}: replaced by the platform's")
    command = job.get("Command", {}).get("Name", "glueetl")
    if command != "glueetl":
        note(f"command {command}: only Spark ETL (glueetl) jobs are supported")

    _map_triggers(mapped, decl, triggers, env, folders)
    if chained or "depends_on" in decl:
        _retire_chain_triggers(mapped)
    decl["adopted"] = {"environment": env, "job_name": name, **mapped.declaration.pop("_adopted", {})}
    mapped.declaration = decl
    return mapped


def _map_triggers(
    mapped: Mapped, decl: dict[str, Any], triggers: list[dict[str, Any]], env: str, folders: dict[str, str]
) -> None:
    names: dict[str, str] = {}
    for trigger in sorted(triggers, key=lambda t: t["Name"]):
        kind = trigger.get("Type")
        others = [a.get("JobName") for a in trigger.get("Actions", []) if a.get("JobName") != mapped.glue_name]
        if others:
            mapped.unmapped.append(f"trigger {trigger['Name']} also starts {', '.join(filter(None, others))}")
            continue
        if kind == "SCHEDULED" and "schedule_trigger" not in names and "upstream_trigger" not in names:
            decl["schedule"] = trigger["Schedule"]
            decl["environments"] = {env: {"schedule_enabled": trigger.get("State") == "ACTIVATED"}}
            names["schedule_trigger"] = trigger["Name"]
        elif kind == "CONDITIONAL" and not names:
            predicate = trigger.get("Predicate", {})
            conditions = predicate.get("Conditions", [])
            upstream = [c.get("JobName") for c in conditions]
            plain = predicate.get("Logical", "AND") == "AND" and all(
                c.get("State") == "SUCCEEDED" and c.get("LogicalOperator", "EQUALS") == "EQUALS" for c in conditions
            )
            unknown = [u for u in upstream if u not in folders]
            if not plain or unknown or not upstream:
                why = f"upstream jobs not in the repository: {', '.join(unknown)}" if unknown else "not 'all SUCCEEDED'"
                mapped.unmapped.append(f"trigger {trigger['Name']} ({why}); adopt those jobs too, then adopt again")
                continue
            decl["depends_on"] = sorted(folders[u] for u in upstream)
            names["upstream_trigger"] = trigger["Name"]
        else:
            mapped.unmapped.append(f"trigger {trigger['Name']} ({kind}): a job has one schedule or one upstream set")
    mapped.declaration["_adopted"] = names


def _retire_chain_triggers(mapped: Mapped) -> None:
    """A chained job's triggers are not imported: here a chain runs as a Glue workflow.

    Our Terraform starts a job graph with its workflow's start trigger (the root jobs' schedule)
    and one conditional trigger per downstream job inside the workflow. A trigger's workflow
    cannot be changed in place (the provider replaces it), so importing the account's standalone
    triggers would plan their destruction. They are left alone instead, and the summary says to
    delete them once the workflow exists, or the jobs would run twice.
    """
    names = mapped.declaration.get("_adopted", {})
    for key in ("schedule_trigger", "upstream_trigger"):
        old = names.pop(key, None)
        if old:
            mapped.unmapped.append(
                f"trigger {old}: the chain runs as a Glue workflow here, so this trigger is not imported; "
                f"after the first deploy delete it (aws glue delete-trigger --name {old}) or the job runs twice"
            )
