"""One job: ``job.yaml`` read once, checked against the models, resolved into ``JobDeclaration``.

``JobDeclaration`` is what the rest of the tool reads (packaging, Terraform's
``jobs`` variable, local and smoke runs); its ``smoke`` is already the parsed
``SmokeSpec``. Every error is one line: ``jobs/<job>/job.yaml: field 'a.b': problem``.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from glue_release.declarations import model
from glue_release.declarations.model import JOB_NAME_RE, JobFile, SmokeSection
from glue_release.declarations.yaml_source import load_yaml
from glue_release.errors import UserError
from glue_release.paths import REPO_ROOT

DECLARATION = "job.yaml"


@dataclass(frozen=True)
class Location:
    bucket: str
    prefix: str
    sample: str | None = None  # path relative to the job folder (inputs only)


@dataclass(frozen=True)
class OutputCheck:
    has_data: bool = True
    min_rows: int | None = None
    max_rows: int | None = None
    columns: dict[str, str | None] = field(default_factory=dict)  # name -> Spark simpleString, None: any type
    max_ratio_of: tuple[str, float] | None = None  # (input argument, ratio): rows <= ratio x that input's sample rows

    @property
    def count(self) -> int:
        """How many checks this output gets, for the report's "checks passed" column."""
        bounds = (self.min_rows is not None) + (self.max_rows is not None) + (self.max_ratio_of is not None)
        return int(self.has_data) + bounds + len(self.columns)


@dataclass(frozen=True)
class SmokeSpec:
    job: str
    samples: dict[str, Path]  # input argument -> sample file or folder (absolute); inputs without one are absent
    arguments: dict[str, str]
    checks: dict[str, OutputCheck]  # every declared output has an entry
    check_module: Path | None = None


@dataclass(frozen=True)
class EnvironmentSettings:
    """One environment's overrides of a job (``environments.<env>`` in job.yaml); None keeps the declared value."""

    worker_type: str | None = None
    number_of_workers: int | None = None
    timeout_minutes: int | None = None
    arguments: dict[str, str] = field(default_factory=dict)
    schedule_enabled: bool | None = None


@dataclass(frozen=True)
class Adoption:
    """Where an adopted job came from, and its names there (``adopted:`` in job.yaml)."""

    environment: str
    job_name: str
    schedule_trigger: str | None = None
    upstream_trigger: str | None = None


@dataclass(frozen=True)
class JobDeclaration:
    name: str
    folder: Path
    description: str
    glue_version: str = "5.0"
    worker_type: str = "G.1X"
    number_of_workers: int = 2
    timeout_minutes: int = 30
    expected_minutes: float | None = None  # for the plan's cost estimate only
    max_retries: int = 0
    max_concurrent_runs: int = 1
    bookmarks: bool = False
    schedule: str | None = None
    depends_on: tuple[str, ...] = ()
    arguments: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, Location] = field(default_factory=dict)
    outputs: dict[str, Location] = field(default_factory=dict)
    smoke: SmokeSpec | dict[str, Any] | None = None  # parsed by load_job; parse_smoke fills in a default
    python_modules: tuple[str, ...] = ()
    catalog_tables: tuple[str, ...] = ()  # opt-in catalog access, scoped to these tables
    catalog_reads: tuple[str, ...] = ()  # "database.table" of catalog/ the job reads (read grant on those only)
    environments: dict[str, EnvironmentSettings] = field(default_factory=dict)
    schedule_enabled: bool | None = None  # None: the environment's schedules_enabled decides
    environment: str | None = None  # set by for_env: whose overrides are applied
    adopted: Adoption | None = None

    @property
    def script(self) -> Path:
        return self.folder / "main.py"

    @property
    def declaration_file(self) -> Path:
        return self.folder / DECLARATION

    def for_env(self, env: str) -> JobDeclaration:
        """The job as deployed to ``env``: that environment's overrides applied over the declaration."""
        override = self.environments.get(env)
        if override is None:
            return dataclasses.replace(self, environment=env)
        return dataclasses.replace(
            self,
            worker_type=override.worker_type or self.worker_type,
            number_of_workers=override.number_of_workers or self.number_of_workers,
            timeout_minutes=override.timeout_minutes or self.timeout_minutes,
            arguments={**self.arguments, **override.arguments},
            schedule_enabled=override.schedule_enabled,
            environment=env,
        )

    def overridden_in(self, env: str) -> list[str]:
        """The settings ``env`` changes, for the plan summary."""
        override = self.environments.get(env)
        if override is None:
            return []
        names = [f for f in ("worker_type", "number_of_workers", "timeout_minutes", "schedule_enabled")]
        changed = [n for n in names if getattr(override, n) is not None]
        return changed + [f"arguments.{a}" for a in override.arguments]

    def terraform_value(self, env: str | None = None) -> dict[str, Any]:
        """This job as one entry of Terraform's ``jobs`` variable (see ``tf_mapping``)."""
        from glue_release.declarations.tf_mapping import job_variable

        return job_variable(self.for_env(env) if env else self)


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


# -- reading ------------------------------------------------------------------------------


def load_job(folder: Path, environments: typing.Collection[str] | None = None) -> JobDeclaration:
    """Read and check ``folder/job.yaml`` (references to other jobs are checked by ``load_jobs``).

    ``environments``: the names ``environments:`` may use (default: the repository's environments/*.tfvars).
    """
    path = folder / DECLARATION
    if not JOB_NAME_RE.match(folder.name):
        raise UserError(
            f"{shown(folder)}: job folder name must match {JOB_NAME_RE.pattern} (lowercase, digits, underscores)"
        )
    if path.is_symlink() and not path.exists():
        raise UserError(f"{shown(path)}: a symlink to {path.readlink()}, which does not exist; fix or replace it")
    if not path.is_file() and not path.exists():
        raise UserError(f"{shown(path)}: missing; every job folder needs a job.yaml (see `invoke new-job`)")
    data = load_yaml(path, shown(path))
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UserError(f"{shown(path)}: must be a mapping of fields, got {type(data).__name__}")
    # A key left empty (`schedule:`) means "not set", as it always has.
    data = {k: v for k, v in data.items() if v is not None}
    try:
        spec = JobFile.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{shown(path)}: {describe(exc, JobFile)}") from None
    return resolve(folder, spec, environments)


def field_error(job: JobDeclaration | Path, where: str, message: str) -> UserError:
    file = job.declaration_file if isinstance(job, JobDeclaration) else job
    return UserError(f"{shown(file)}: field '{where}': {message}")


def resolve(folder: Path, spec: JobFile, environments: typing.Collection[str] | None = None) -> JobDeclaration:
    """The checks that need more than one field, or the folder; then the resolved declaration."""
    path = folder / DECLARATION
    name = folder.name
    if spec.schedule and spec.depends_on:
        raise field_error(path, "depends_on", "a job starts either on a schedule or after its upstream jobs, not both")
    if name in spec.depends_on:
        raise field_error(path, "depends_on", "a job cannot depend on itself")
    names = [*spec.arguments, *spec.inputs, *spec.outputs]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise field_error(
            path, "arguments", f"{', '.join(clash)} declared more than once across arguments/inputs/outputs"
        )
    from glue_release.declarations.tf_mapping import TERRAFORM_SET_ARGUMENTS

    for arg in spec.arguments:
        if arg in TERRAFORM_SET_ARGUMENTS:
            raise field_error(
                path, f"arguments.{arg}", f"is set by Terraform ({TERRAFORM_SET_ARGUMENTS[arg]}); rename it"
            )
    for arg, loc in spec.inputs.items():
        # A sample may be shared by several jobs (e.g. ../_shared/customers.csv); it only has to exist.
        if loc.sample is not None and Path(loc.sample).is_absolute():
            raise field_error(path, f"inputs.{arg}.sample", f"{loc.sample} must be relative to {shown(folder)}")
        if loc.sample is not None and not (folder / loc.sample).exists():
            raise field_error(path, f"inputs.{arg}.sample", f"{loc.sample} does not exist in {shown(folder)}")
    if environments is None:
        environments = known_environments()
    env_settings: dict[str, EnvironmentSettings] = {}
    for env, override in spec.environments.items():
        if env not in environments:
            raise field_error(path, f"environments.{env}", f"unknown environment; known: {', '.join(environments)}")
        for arg in override.arguments:
            where = f"environments.{env}.arguments.{arg}"
            if arg in spec.inputs or arg in spec.outputs:
                raise field_error(path, where, "is an input or output; its location comes from Terraform")
            if arg in TERRAFORM_SET_ARGUMENTS:
                raise field_error(path, where, f"is set by Terraform ({TERRAFORM_SET_ARGUMENTS[arg]}); rename it")
        env_settings[env] = EnvironmentSettings(**override.model_dump())
    if spec.adopted is not None and spec.adopted.environment not in environments:
        raise field_error(path, "adopted.environment", f"unknown environment; known: {', '.join(environments)}")
    job = JobDeclaration(
        name=name,
        folder=folder,
        description=spec.description.strip(),
        glue_version=spec.glue_version,
        worker_type=spec.worker_type,
        number_of_workers=spec.number_of_workers,
        timeout_minutes=spec.timeout_minutes,
        expected_minutes=spec.expected_minutes,
        max_retries=spec.max_retries,
        max_concurrent_runs=spec.max_concurrent_runs,
        bookmarks=spec.bookmarks,
        schedule=spec.schedule,
        depends_on=tuple(spec.depends_on),
        arguments=dict(spec.arguments),
        inputs={a: Location(loc.bucket, loc.prefix, loc.sample) for a, loc in spec.inputs.items()},
        outputs={a: Location(loc.bucket, loc.prefix) for a, loc in spec.outputs.items()},
        python_modules=tuple(spec.python_modules),
        catalog_tables=tuple(spec.catalog_tables),
        catalog_reads=tuple(dict.fromkeys(spec.catalog_reads)),
        environments=env_settings,
        adopted=Adoption(**spec.adopted.model_dump()) if spec.adopted else None,
    )
    return dataclasses.replace(job, smoke=smoke_spec(job, spec.smoke))


def known_environments() -> list[str]:
    from glue_release.paths import ENVIRONMENTS_DIR

    return sorted(p.name.removesuffix(".tfvars") for p in ENVIRONMENTS_DIR.glob("*.tfvars"))


def _file_in_job(declaration: Path, folder: Path, value: str, where: str, want_py: bool = False) -> Path:
    if not value.strip():
        raise field_error(declaration, where, f"must be a path relative to {shown(folder)}")
    root = folder.resolve()
    path = (root / value).resolve()
    if not path.is_relative_to(root):
        raise field_error(declaration, where, f"{value} is outside the job folder {shown(folder)}")
    if not path.exists():
        raise field_error(declaration, where, f"{value} does not exist in {shown(folder)}")
    if want_py and (path.suffix != ".py" or not path.is_file()):
        raise field_error(declaration, where, f"{value} must be a .py file")
    return path


# -- smoke --------------------------------------------------------------------------------


def smoke_spec(job: JobDeclaration, section: SmokeSection) -> SmokeSpec:
    """The ``smoke:`` section checked against the job's inputs, outputs and folder."""
    decl = job.declaration_file
    samples = {arg: (job.folder / loc.sample).resolve() for arg, loc in job.inputs.items() if loc.sample is not None}
    for arg, smoke_input in section.inputs.items():
        where = f"smoke.inputs.{arg}"
        if arg not in job.inputs:
            raise field_error(
                decl, where, f"{arg} is not an input of this job; inputs: {', '.join(job.inputs) or '(none)'}"
            )
        if smoke_input.sample is not None:
            samples[arg] = _file_in_job(decl, job.folder, smoke_input.sample, f"{where}.sample")
    from glue_release.declarations.tf_mapping import TERRAFORM_SET_ARGUMENTS

    for arg in section.arguments:
        where = f"smoke.arguments.{arg}"
        if arg in job.inputs or arg in job.outputs:
            raise field_error(
                decl, where, "inputs and outputs point at the _smoke/ prefix on every smoke run; set samples instead"
            )
        if arg in TERRAFORM_SET_ARGUMENTS:
            raise field_error(decl, where, f"is reserved: set by Terraform ({TERRAFORM_SET_ARGUMENTS[arg]})")
    checks = {name: OutputCheck() for name in job.outputs}
    for arg, check in section.checks.items():
        if arg not in job.outputs:
            raise field_error(
                decl,
                f"smoke.checks.{arg}",
                f"{arg} is not an output of this job; outputs: {', '.join(job.outputs) or '(none)'}",
            )
        ratio_of = None
        if check.max_ratio_of is not None:
            if check.max_ratio_of.input not in samples:
                with_sample = ", ".join(sorted(samples)) or "(none)"
                raise field_error(
                    decl,
                    f"smoke.checks.{arg}.max_ratio_of.input",
                    f"must name an input with a sample; inputs with one: {with_sample}",
                )
            ratio_of = (check.max_ratio_of.input, float(check.max_ratio_of.ratio))
        checks[arg] = OutputCheck(
            has_data=check.has_data,
            min_rows=check.min_rows,
            max_rows=check.max_rows,
            columns=dict(check.columns),
            max_ratio_of=ratio_of,
        )
    check_module = None
    if section.check is not None:
        check_module = _file_in_job(decl, job.folder, section.check, "smoke.check", want_py=True)
    return SmokeSpec(
        job=job.name, samples=samples, arguments=dict(section.arguments), checks=checks, check_module=check_module
    )


def parse_smoke(job: JobDeclaration) -> SmokeSpec:
    """The job's smoke spec: parsed by ``load_job``; a raw section (a declaration built in code) is checked here."""
    if isinstance(job.smoke, SmokeSpec):
        return job.smoke
    raw = {} if job.smoke is None else job.smoke
    if not isinstance(raw, dict):
        raise field_error(job, "smoke", f"must be a mapping, got {type(raw).__name__}")
    try:
        section = SmokeSection.model_validate(raw)
    except ValidationError as exc:
        raise UserError(f"{shown(job.declaration_file)}: {describe(exc, SmokeSection, ('smoke',))}") from None
    return smoke_spec(job, section)


# -- pydantic's errors, in the declaration's words -----------------------------------------

KINDS = {
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a string",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "list_type": "must be a list",
}


# What a pattern means, by top-level field (pydantic would print the regular expression).
PATTERN_HINTS = {
    "catalog_reads": "must be database.table, as in catalog/<database>/<table>.yaml (lowercase letters, digits, _)",
    "catalog_tables": "must be a table name: lowercase letters, digits, _ (starting with a letter)",
    "environments": "is not an environment name (lowercase letters, digits, _ or -)",
    "adopted": "must be a Glue name: letters, digits, _ . or -",
}


def describe(exc: ValidationError, root: type[BaseModel], prefix: tuple[str, ...] = ()) -> str:
    """The first error as ``field 'a.b': problem`` (one line; the rest usually follow from it).

    An unknown key comes first: a misspelt field also shows up as a missing one.
    """
    errors = exc.errors(include_url=False)
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = [str(p) for p in error["loc"] if p != "[key]"]
    ctx = error.get("ctx") or {}
    if ctx.get("at"):
        loc.append(ctx["at"])
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        known = _fields_at(root, loc[:-1])
        close = difflib.get_close_matches(loc[-1], known, n=1)
        message = "unknown field" + (f" (did you mean '{close[0]}'?)" if close else "")
        message += f"; known fields are {', '.join(sorted(known))}" if known else ""
    elif kind == "missing":
        message = "is required"
    elif kind in ("dict_type", "model_type", "model_attributes_type") and value is None:
        message = "is empty; give its fields, or remove the key"
    elif kind in KINDS:
        message = (
            f"{KINDS[kind]}, got {value!r}"
            if kind not in ("dict_type", "model_type")
            else (f"{KINDS[kind]}, got {type(value).__name__}")
        )
    elif kind == "literal_error":
        message = f"{value!r} is not one of {ctx.get('expected', '').replace(chr(39), '')}".replace(" or ", ", ")
    elif kind in ("greater_than_equal", "less_than_equal"):
        bounds = _bounds(root, loc)
        if bounds:
            message = f"must be between {bounds[0]} and {bounds[1]}, got {value!r}"
        elif kind == "greater_than_equal":
            message = f"must be {ctx.get('ge')} or more, got {value!r}"
        else:
            message = f"must be {ctx.get('le')} or less, got {value!r}"
    elif kind == "string_pattern_mismatch":
        hint = PATTERN_HINTS.get(loc[0] if loc else "", f"must match {ctx.get('pattern')}")
        message = f"{value!r} {hint}"
    elif kind in ("string_too_short", "string_too_long"):
        message = f"must be {ctx.get('min_length', 1)} to {_max_length(root, loc) or '?'} characters"
    else:
        message = error["msg"]
    return f"field '{'.'.join([*prefix, *loc]) or '(top)'}': {message}"


def _annotation_at(root: type[BaseModel], loc: list[str]) -> tuple[Any, Any]:
    """The (annotation, FieldInfo) that ``loc`` points at in ``root``; (None, None) when it can't be followed."""
    current: Any = root
    info = None
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            info = current.model_fields[part]
            current = info.annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
            info = None
        elif typing.get_origin(current) is list and part.isdigit():
            current = typing.get_args(current)[0]
            info = None
        else:
            return None, None
    return current, info


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


def _fields_at(root: type[BaseModel], loc: list[str]) -> list[str]:
    annotation, _ = _annotation_at(root, loc)
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _constraints(root: type[BaseModel], loc: list[str]) -> dict[str, Any]:
    annotation, info = _annotation_at(root, loc)
    found: dict[str, Any] = {}
    metadata = list(info.metadata) if info is not None else []
    while annotation is not None:
        if typing.get_origin(annotation) is typing.Annotated:
            metadata += list(typing.get_args(annotation)[1:])
            annotation = typing.get_args(annotation)[0]
        elif typing.get_origin(annotation) in (typing.Union, __import__("types").UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else None
        else:
            break
    for item in metadata:
        for name in ("ge", "le", "max_length"):
            if getattr(item, name, None) is not None:
                found[name] = getattr(item, name)
        for sub in getattr(item, "metadata", []) or []:
            for name in ("ge", "le", "max_length"):
                if getattr(sub, name, None) is not None:
                    found[name] = getattr(sub, name)
    return found


def _bounds(root: type[BaseModel], loc: list[str]) -> tuple[int, int] | None:
    found = _constraints(root, loc)
    return (found["ge"], found["le"]) if "ge" in found and "le" in found else None


def _max_length(root: type[BaseModel], loc: list[str]) -> int | None:
    return _constraints(root, loc).get("max_length")


__all__ = [
    "DECLARATION",
    "EnvironmentSettings",
    "JobDeclaration",
    "Location",
    "OutputCheck",
    "SmokeSpec",
    "load_job",
    "model",
    "parse_smoke",
]
