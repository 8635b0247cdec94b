"""Job declarations: ``jobs/<job>/job.yaml``, the one place a job is described.

Everything else (Terraform's ``jobs`` variable, local runs, packaging, smoke
runs) is derived from the validated form here, so defaults live only in this
module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR

JOB_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{2,39}$")
ARG_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
# Glue cron: six fields, wrapped in cron(...); the day-of-month/day-of-week pair needs a "?".
CRON_RE = re.compile(r"^cron\((\S+\s+){5}\S+\)$")
WORKER_TYPES = ("G.025X", "G.1X", "G.2X", "G.4X", "G.8X")
GLUE_VERSIONS = ("4.0", "5.0", "5.1", "6.0")  # 5.x: Spark 3.5 on Python 3.11; 6.0: Spark 4.1 on Python 3.13
INPUT_BUCKETS = ("raw", "curated")
OUTPUT_BUCKETS = ("curated",)
# Arguments Glue or the tool sets; a declaration must not shadow them.
RESERVED_ARGS = {"JOB_NAME", "TempDir", "extra-py-files", "job-bookmark-option", "job-language"}

KNOWN_FIELDS = {
    "description",
    "glue_version",
    "worker_type",
    "number_of_workers",
    "timeout_minutes",
    "max_retries",
    "max_concurrent_runs",
    "bookmarks",
    "schedule",
    "depends_on",
    "arguments",
    "inputs",
    "outputs",
    "smoke",
}


@dataclass(frozen=True)
class Location:
    bucket: str
    prefix: str
    sample: str | None = None  # path relative to the job folder (inputs only)


@dataclass(frozen=True)
class JobDeclaration:
    name: str
    folder: Path
    description: str
    glue_version: str = "5.0"
    worker_type: str = "G.1X"
    number_of_workers: int = 2
    timeout_minutes: int = 30
    max_retries: int = 0
    max_concurrent_runs: int = 1
    bookmarks: bool = False
    schedule: str | None = None
    depends_on: tuple[str, ...] = ()
    arguments: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, Location] = field(default_factory=dict)
    outputs: dict[str, Location] = field(default_factory=dict)
    smoke: dict[str, Any] = field(default_factory=dict)

    @property
    def script(self) -> Path:
        return self.folder / "main.py"

    @property
    def declaration_file(self) -> Path:
        return self.folder / "job.yaml"

    def terraform_value(self) -> dict[str, Any]:
        """This job as one entry of Terraform's ``jobs`` variable (see docs/architecture.md)."""
        return {
            "description": self.description,
            "glue_version": self.glue_version,
            "worker_type": self.worker_type,
            "number_of_workers": self.number_of_workers,
            "timeout_minutes": self.timeout_minutes,
            "max_retries": self.max_retries,
            "max_concurrent_runs": self.max_concurrent_runs,
            "bookmarks": self.bookmarks,
            "schedule": self.schedule,
            "depends_on": list(self.depends_on),
            "arguments": dict(self.arguments),
            "inputs": {k: {"bucket": v.bucket, "prefix": v.prefix} for k, v in self.inputs.items()},
            "outputs": {k: {"bucket": v.bucket, "prefix": v.prefix} for k, v in self.outputs.items()},
        }


class _Field:
    """Reads one field of one declaration; every error names the file and the field."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, name: str, problem: str) -> UserError:
        return UserError(f"{_rel(self.path)}: field '{name}': {problem}")

    def get(self, name: str, kind: type, default: Any = None, required: bool = False) -> Any:
        if name not in self.data or self.data[name] is None:
            if required:
                raise self.fail(name, "is required")
            return default
        value = self.data[name]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(name, f"must be a whole number, got {value!r}")
        if kind is bool and not isinstance(value, bool):
            raise self.fail(name, f"must be true or false, got {value!r}")
        if kind is str and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
            raise self.fail(name, f"must be a string, got {value!r}")
        if kind in (dict, list) and not isinstance(value, kind):
            raise self.fail(name, f"must be a {'mapping' if kind is dict else 'list'}, got {type(value).__name__}")
        return str(value) if kind is str else value

    def bounded(self, name: str, default: int, low: int, high: int) -> int:
        value = self.get(name, int, default)
        if not low <= value <= high:
            raise self.fail(name, f"must be between {low} and {high}, got {value}")
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.get(name, str, default)
        if value not in choices:
            raise self.fail(name, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def locations(self, name: str, buckets: tuple[str, ...], allow_sample: bool) -> dict[str, Location]:
        raw = self.get(name, dict, {})
        result: dict[str, Location] = {}
        for arg, spec in raw.items():
            where = f"{name}.{arg}"
            if not ARG_NAME_RE.match(str(arg)):
                raise self.fail(where, "argument names are letters, digits and underscores")
            if not isinstance(spec, dict):
                raise self.fail(where, "must be a mapping with bucket and prefix")
            unknown = set(spec) - {"bucket", "prefix"} - ({"sample"} if allow_sample else set())
            if unknown:
                raise self.fail(where, f"unknown key(s) {', '.join(sorted(unknown))}")
            bucket = spec.get("bucket")
            if bucket not in buckets:
                raise self.fail(f"{where}.bucket", f"{bucket!r} is not one of {', '.join(buckets)}")
            prefix = str(spec.get("prefix") or "")
            if not prefix.endswith("/") or prefix.startswith("/") or prefix.startswith("_smoke/"):
                raise self.fail(
                    f"{where}.prefix", f"{prefix!r} must be a relative folder ending in '/' (not under _smoke/)"
                )
            sample = spec.get("sample")
            if sample is not None and not (self.path.parent / str(sample)).exists():
                raise self.fail(f"{where}.sample", f"{sample} does not exist in {_rel(self.path.parent)}")
            result[str(arg)] = Location(bucket=bucket, prefix=prefix, sample=None if sample is None else str(sample))
        return result


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(JOBS_DIR.parent))
    except ValueError:
        return str(path)


def load_job(folder: Path) -> JobDeclaration:
    """Read and validate ``folder/job.yaml`` (references to other jobs are checked by ``load_jobs``)."""
    path = folder / "job.yaml"
    name = folder.name
    if not JOB_NAME_RE.match(name):
        raise UserError(
            f"{_rel(folder)}: job folder name must match {JOB_NAME_RE.pattern} (lowercase, digits, underscores)"
        )
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise UserError(f"{_rel(path)}: missing; every job folder needs a job.yaml (see `invoke new-job`)") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{_rel(path)}: not valid YAML{at}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise UserError(f"{_rel(path)}: must be a mapping of fields, got {type(data).__name__}")
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        raise UserError(
            f"{_rel(path)}: field '{unknown[0]}': unknown field; known fields are {', '.join(sorted(KNOWN_FIELDS))}"
        )

    f = _Field(path, data)
    schedule = f.get("schedule", str)
    if schedule is not None and not CRON_RE.match(schedule):
        raise f.fail("schedule", f"{schedule!r} is not a Glue cron expression like 'cron(0 3 * * ? *)'")
    depends_on = tuple(str(d) for d in f.get("depends_on", list, []))
    if schedule and depends_on:
        raise f.fail("depends_on", "a job starts either on a schedule or after its upstream jobs, not both")
    if name in depends_on:
        raise f.fail("depends_on", "a job cannot depend on itself")
    arguments = {str(k): str(v) for k, v in f.get("arguments", dict, {}).items()}
    for arg in arguments:
        if not ARG_NAME_RE.match(arg) or arg in RESERVED_ARGS:
            raise f.fail(f"arguments.{arg}", "is reserved or not a valid argument name (letters, digits, underscores)")
    inputs = f.locations("inputs", INPUT_BUCKETS, allow_sample=True)
    outputs = f.locations("outputs", OUTPUT_BUCKETS, allow_sample=False)
    clash = (set(arguments) & set(inputs)) | (set(arguments) & set(outputs)) | (set(inputs) & set(outputs))
    if clash:
        raise f.fail("arguments", f"{', '.join(sorted(clash))} declared more than once across arguments/inputs/outputs")
    description = f.get("description", str, required=True).strip()
    if not description or len(description) > 2048:
        raise f.fail("description", "must be 1 to 2048 characters")

    job = JobDeclaration(
        name=name,
        folder=folder,
        description=description,
        glue_version=f.choice("glue_version", "5.0", GLUE_VERSIONS),
        worker_type=f.choice("worker_type", "G.1X", WORKER_TYPES),
        number_of_workers=f.bounded("number_of_workers", 2, 2, 299),
        timeout_minutes=f.bounded("timeout_minutes", 30, 1, 2880),
        max_retries=f.bounded("max_retries", 0, 0, 10),
        max_concurrent_runs=f.bounded("max_concurrent_runs", 1, 1, 1000),
        bookmarks=f.get("bookmarks", bool, False),
        schedule=schedule,
        depends_on=depends_on,
        arguments=arguments,
        inputs=inputs,
        outputs=outputs,
        smoke=f.get("smoke", dict, {}),
    )
    from glue_release.smoke.spec import parse_smoke  # here: the smoke spec reads JobDeclaration

    parse_smoke(job)
    return job


def load_jobs(jobs_dir: Path = JOBS_DIR) -> dict[str, JobDeclaration]:
    """Every job under ``jobs_dir``, sorted by name, with cross-job references checked."""
    folders = sorted(p.parent for p in jobs_dir.glob("*/job.yaml"))
    jobs = {folder.name: load_job(folder) for folder in folders}
    for job in jobs.values():
        for upstream in job.depends_on:
            if upstream not in jobs:
                raise UserError(
                    f"{_rel(job.declaration_file)}: field 'depends_on': unknown job {upstream!r}; "
                    f"known jobs: {', '.join(jobs) or '(none)'}"
                )
        if not job.script.exists():
            raise UserError(f"{_rel(job.folder)}: missing main.py, the script Glue runs")
    _check_acyclic(jobs)
    return jobs


def _check_acyclic(jobs: dict[str, JobDeclaration]) -> None:
    for name in jobs:
        seen: list[str] = []
        stack = [name]
        while stack:
            current = stack.pop()
            for upstream in jobs[current].depends_on:
                if upstream == name:
                    raise UserError(
                        f"{_rel(jobs[name].declaration_file)}: field 'depends_on': cycle through {upstream!r}; "
                        "job dependencies must form a chain, not a loop"
                    )
                if upstream not in seen:
                    seen.append(upstream)
                    stack.append(upstream)


def select_job(jobs: dict[str, JobDeclaration], name: str) -> JobDeclaration:
    if name not in jobs:
        raise UserError(f"unknown job {name!r}; known jobs: {', '.join(jobs) or '(none)'}")
    return jobs[name]


def dependency_order(jobs: dict[str, JobDeclaration]) -> list[list[str]]:
    """Jobs in waves: each wave depends only on earlier waves, so a wave can run in parallel."""
    remaining = dict(jobs)
    done: set[str] = set()
    waves: list[list[str]] = []
    while remaining:
        wave = sorted(n for n, j in remaining.items() if all(d in done or d not in jobs for d in j.depends_on))
        if not wave:  # unreachable after load_jobs, which rejects cycles
            raise UserError(f"job dependencies form a cycle among {', '.join(sorted(remaining))}")
        waves.append(wave)
        done.update(wave)
        for n in wave:
            del remaining[n]
    return waves
