"""The shape of ``jobs/<job>/job.yaml``, as pydantic models: the one schema of a declaration.

These models check types, ranges, names and unknown keys; ``schemas/job.schema.json``
is generated from them, so an editor checks the same rules while you type. What
needs more than one field or the job folder (a sample that exists, a smoke check
naming a real output) is checked in ``job.py``; what needs every job, in ``rules.py``.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from glue_release.declarations.cron import check_cron
from glue_release.declarations.external_buckets import NAME_RE as EXTERNAL_NAME_RE
from glue_release.declarations.external_buckets import RESERVED as RESERVED_BUCKETS
from glue_release.declarations.tf_mapping import TERRAFORM_SET_ARGUMENTS

JOB_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{2,39}$")
# Terraform's root module takes the same names (job variable validation): lowercase, so that
# `--min_age` and `--Min_age` can never both reach a job.
ARG_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
GLUE_VERSIONS = ("5.0", "5.1", "6.0")
RETIRED_GLUE_VERSIONS = {"4.0": "Glue 4.0 (Spark 3.3, Python 3.10) is not supported here; use 5.0 or later"}
WORKER_TYPES = ("G.1X", "G.2X", "G.4X", "G.8X")
RETIRED_WORKER_TYPES = {"G.025X": "G.025X exists only for streaming jobs; batch jobs use G.1X or larger"}
# The data lake buckets a declaration names directly; any other name must be an external bucket
# that an environment declares in its tfvars (see external_buckets.py; checked in validate_jobs).
INPUT_BUCKETS = ("raw", "curated")
OUTPUT_BUCKETS = ("curated",)
SMOKE_PREFIX = "_smoke/"
PREFIX_RE = re.compile(r"^[A-Za-z0-9_=.-]+(/[A-Za-z0-9_=.-]+)*/$")
# A pinned requirement: name==version (PEP 503 name, PEP 440 release); Glue installs exactly these wheels.
REQUIREMENT_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][0-9A-Za-z.+!-]*)$")
# Spark's simpleString names; the aliases are what people write from the DDL or the Python API.
TYPE_ALIASES = {
    "long": "bigint",
    "integer": "int",
    "short": "smallint",
    "byte": "tinyint",
    "bool": "boolean",
    "str": "string",
    "decimal": "decimal(10,0)",
}
TYPE_RE = re.compile(r"^[a-z][a-z0-9_]*(\(\d+(,\d+)?\))?$|^(array|map|struct)<.+>$")
# The atomic types Spark's simpleString can print (a typo such as `varchar2` would only fail at smoke time).
SPARK_TYPES = frozenset(
    {
        *("boolean", "tinyint", "smallint", "int", "bigint", "float", "double", "string", "binary"),
        *("date", "timestamp", "timestamp_ntz", "void", "variant"),
    }
)
SIZED_TYPES = ("decimal", "char", "varchar")


def problem(message: str, at: str | None = None) -> PydanticCustomError:
    """A validation error with our wording; ``at`` extends the field path (for checks across fields)."""
    return PydanticCustomError("declaration", message, {"at": at} if at else None)


# -- value types -----------------------------------------------------------------------


def _arg_name(value: str) -> str:
    if value in TERRAFORM_SET_ARGUMENTS:
        raise problem(f"is reserved: set by {TERRAFORM_SET_ARGUMENTS[value]}; rename it")
    if not ARG_NAME_RE.match(value):
        raise problem(f"{value!r} is not a valid argument name (lowercase letters, digits, underscores)")
    return value


def _job_name(value: str) -> str:
    if not JOB_NAME_RE.match(value):
        raise problem(f"{value!r} is not a job name (lowercase letters, digits, underscores, 3 to 40)")
    return value


def _arg_value(value: Any) -> str:
    """Argument values reach Glue as strings; YAML numbers and booleans are written the way Spark reads them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        raise problem(f"must be a finite number, got {value!r}; quote it if you mean the text")
    if isinstance(value, (str, int, float)):
        return str(value)
    raise problem(f"must be a string, number or boolean, got {value!r}")


def _prefix(value: str) -> str:
    # "." and ".." are literal key parts in S3, not folders: "a/../b/" would not be b/ (nor overlap it).
    if not PREFIX_RE.match(value) or value.startswith(SMOKE_PREFIX) or {".", ".."} & set(value.split("/")):
        raise problem(
            f"{value!r} must be a relative folder ending in '/' (letters, digits, _=.-; no . or .. parts), "
            f"not under {SMOKE_PREFIX}"
        )
    return value


def _bucket(lake: tuple[str, ...]) -> Any:
    def check(value: str) -> str:
        if value in lake:
            return value
        if value in RESERVED_BUCKETS:
            raise problem(
                f"{value!r} is not one of {', '.join(lake)} (or an external bucket of environments/<env>.tfvars)"
            )
        if not EXTERNAL_NAME_RE.match(value):
            raise problem(
                f"{value!r} is neither {' nor '.join(lake)} nor an external bucket name (lowercase letters, digits, _)"
            )
        return value

    return check


def _schedule(value: str) -> str:
    wrong = check_cron(value)
    if wrong:
        raise problem(wrong)
    return value


def _choice(choices: tuple[str, ...], retired: dict[str, str]) -> Any:
    def check(value: str) -> str:
        if value in retired:
            raise problem(retired[value])
        if value not in choices:
            raise problem(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return check


def normalise_type(name: str) -> str:
    compact = re.sub(r"\s+", "", name.strip().lower())
    return TYPE_ALIASES.get(compact, compact)


def _spark_type(value: str) -> str:
    kind = normalise_type(value)
    base = kind.split("(")[0]
    known = base in SIZED_TYPES if "(" in kind else base in SPARK_TYPES
    if not TYPE_RE.match(kind) or not (known or kind.endswith(">")):
        raise problem(f"must be a Spark type like bigint, string, date, decimal(18,2), got {value!r}")
    return kind


def _columns(value: Any) -> Any:
    return dict.fromkeys(value) if isinstance(value, list) else value


def _number(value: Any) -> Any:
    """A YAML number: pydantic's float would take "8" and true (as 1.0)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise problem(f"must be a number, got {value!r}")
    return value


def _requirement(value: str) -> str:
    if not REQUIREMENT_RE.match(value.strip()):
        raise problem(f"{value!r} must be pinned as name==version, e.g. pyyaml==6.0.2")
    return value.strip()


def _each_once(value: list[str]) -> list[str]:
    twice = sorted({v for v in value if value.count(v) > 1})
    if twice:
        raise problem(f"{', '.join(twice)} listed more than once; keep one")
    return value


def _printable(value: str) -> str:
    """Glue's Description: at most 2048 bytes (not characters), no control characters but tab and newlines.

    moto takes any description; AWS refuses these at apply.
    """
    bad = sorted({c for c in value if ord(c) < 32 and c not in "\t\n\r"})
    if bad:
        raise problem(f"contains control characters ({', '.join(map(repr, bad))}); remove them")
    size = len(value.strip().encode())
    if size > 2048:
        raise problem(f"is {size} bytes in UTF-8; Glue takes at most 2048 bytes: shorten it")
    return value


def _one_pin_each(value: list[str]) -> list[str]:
    """Glue's pip gets all pins at once: two versions of one package fail the job at start, not here."""
    seen: dict[str, str] = {}
    for pin in value:
        name = re.sub(r"[-_.]+", "-", pin.split("==")[0]).lower()  # PEP 503
        if name in seen:
            raise problem(f"{seen[name]!r} and {pin!r} pin the same package; keep one")
        seen[name] = pin
    return value


ArgName = Annotated[
    StrictStr, AfterValidator(_arg_name), WithJsonSchema({"type": "string", "pattern": ARG_NAME_RE.pattern})
]
JobName = Annotated[
    StrictStr, AfterValidator(_job_name), WithJsonSchema({"type": "string", "pattern": JOB_NAME_RE.pattern})
]
ArgValue = Annotated[
    str,
    BeforeValidator(_arg_value),
    WithJsonSchema({"type": ["string", "number", "boolean"]}),
]
Prefix = Annotated[StrictStr, AfterValidator(_prefix), WithJsonSchema({"type": "string", "pattern": PREFIX_RE.pattern})]
Schedule = Annotated[
    StrictStr, AfterValidator(_schedule), WithJsonSchema({"type": "string", "pattern": r"^cron\(\S+( \S+){5}\)$"})
]
GlueVersion = Annotated[
    StrictStr, AfterValidator(_choice(GLUE_VERSIONS, RETIRED_GLUE_VERSIONS)), WithJsonSchema({"enum": GLUE_VERSIONS})
]
WorkerType = Annotated[
    StrictStr, AfterValidator(_choice(WORKER_TYPES, RETIRED_WORKER_TYPES)), WithJsonSchema({"enum": WORKER_TYPES})
]
Workers = Annotated[StrictInt, Field(ge=2, le=299)]
TimeoutMinutes = Annotated[StrictInt, Field(ge=1, le=2880)]
SparkType = Annotated[StrictStr, AfterValidator(_spark_type)]
Requirement = Annotated[
    StrictStr, AfterValidator(_requirement), WithJsonSchema({"type": "string", "pattern": REQUIREMENT_RE.pattern})
]
Arguments = dict[ArgName, ArgValue]
_EXTERNAL = {"type": "string", "pattern": EXTERNAL_NAME_RE.pattern}
InputBucket = Annotated[
    StrictStr,
    AfterValidator(_bucket(INPUT_BUCKETS)),
    WithJsonSchema(
        {
            "anyOf": [{"enum": list(INPUT_BUCKETS)}, _EXTERNAL],
            "description": "raw, curated, or an external bucket named in environments/<env>.tfvars external_buckets",
        }
    ),
]
OutputBucket = Annotated[
    StrictStr,
    AfterValidator(_bucket(OUTPUT_BUCKETS)),
    WithJsonSchema(
        {
            "anyOf": [{"enum": list(OUTPUT_BUCKETS)}, {**_EXTERNAL, "not": {"enum": list(RESERVED_BUCKETS)}}],
            "description": "curated, or an external bucket named in environments/<env>.tfvars external_buckets",
        }
    ),
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- locations ---------------------------------------------------------------------------


class InputLocation(_Section):
    """Where a job reads: a bucket of the data lake (or another team's, declared per environment) and a folder."""

    bucket: InputBucket
    prefix: Prefix
    sample: StrictStr | None = Field(
        None, description="Sample file or folder for local and smoke runs, in the job folder."
    )


class OutputLocation(_Section):
    """Where a job writes: the curated bucket (or an external one) and a folder no other output shares."""

    bucket: OutputBucket
    prefix: Prefix


# -- smoke -------------------------------------------------------------------------------


class SmokeInput(_Section):
    sample: StrictStr | None = Field(None, description="Sample file or folder for smoke runs, in the job folder.")


class RatioOf(_Section):
    """A bound relative to what the smoke run fed in: e.g. rejects at most a fraction of the orders."""

    input: Annotated[StrictStr, Field(description="An input argument of the job that has a sample.")]
    ratio: Annotated[float, Field(ge=0, le=1, description="At most this many output rows per sample row.")]

    @field_validator("ratio", mode="before")
    @classmethod
    def _a_fraction(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise problem(f"must be a number from 0 to 1, got {value!r}")
        return value


class SmokeCheck(_Section):
    has_data: StrictBool = True
    min_rows: Annotated[StrictInt, Field(ge=0)] | None = None
    max_rows: Annotated[StrictInt, Field(ge=0)] | None = None
    columns: Annotated[
        dict[StrictStr, SparkType | None],
        BeforeValidator(_columns),
        Field(description="Column name -> Spark type (null: any type); a list of names checks presence only."),
    ] = {}
    max_ratio_of: RatioOf | None = Field(
        None, description="At most `ratio` x the rows of `input`'s sample (e.g. a rejects output)."
    )

    @model_validator(mode="after")
    def _rows_agree(self) -> SmokeCheck:
        if self.min_rows is not None and self.max_rows is not None and self.min_rows > self.max_rows:
            raise problem(f"must be at least min_rows ({self.min_rows}), got {self.max_rows}", "max_rows")
        if not self.has_data and (self.min_rows or 0) > 0:
            raise problem("is false, but min_rows asks for rows", "has_data")
        return self


class SmokeSection(_Section):
    """What a smoke run feeds the job and what it expects back."""

    inputs: dict[ArgName, SmokeInput] = Field({}, description="Per input argument; default: the input's own sample.")
    arguments: Arguments = Field({}, description="Argument overrides for smoke runs only.")
    checks: dict[ArgName, SmokeCheck] = Field({}, description="Per output argument; every output must have data.")
    check: StrictStr | None = Field(
        None, description="A module in the job folder: def check(outputs: dict[str, DataFrame]) -> list[str]."
    )


# -- per environment ---------------------------------------------------------------------


class EnvironmentOverride(_Section):
    """What differs in one environment; anything left out is the declaration's value."""

    worker_type: WorkerType | None = None
    number_of_workers: Workers | None = None
    timeout_minutes: TimeoutMinutes | None = None
    arguments: Arguments = Field({}, description="Merged over the declaration's arguments.")
    schedule_enabled: StrictBool | None = Field(
        None, description="Turn this job's schedule on or off here; default: the environment's schedules_enabled."
    )


# -- adopted jobs --------------------------------------------------------------------------


GlueName = Annotated[StrictStr, Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_.-]+$")]


class Adopted(_Section):
    """A job taken over from an account by ``invoke adopt``: it keeps its names there."""

    environment: StrictStr = Field(description="The environment it was adopted from; Terraform imports it there.")
    job_name: GlueName
    schedule_trigger: GlueName | None = None
    upstream_trigger: GlueName | None = None


# -- the declaration ---------------------------------------------------------------------


class JobFile(_Section):
    """``jobs/<job>/job.yaml``: one Glue job."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Glue job declaration (jobs/<job>/job.yaml)")

    description: Annotated[StrictStr, Field(min_length=1, max_length=2048), AfterValidator(_printable)]
    glue_version: GlueVersion = "5.0"
    worker_type: WorkerType = "G.1X"
    number_of_workers: Workers = 2
    timeout_minutes: TimeoutMinutes = 30
    expected_minutes: Annotated[float, Field(gt=0, le=2880), BeforeValidator(_number)] | None = Field(
        None,
        description="Typical minutes per run, for the plan's cost estimate (default: the timeout, an upper bound).",
    )
    max_retries: Annotated[StrictInt, Field(ge=0, le=10)] = 0
    max_concurrent_runs: Annotated[StrictInt, Field(ge=1, le=1000)] = 1
    bookmarks: StrictBool = False
    schedule: Schedule | None = Field(None, description="Glue cron, e.g. cron(0 3 * * ? *); or use depends_on.")
    depends_on: Annotated[list[JobName], AfterValidator(_each_once)] = Field(
        [], description="Start when all of these jobs succeeded."
    )
    arguments: Arguments = {}
    inputs: dict[ArgName, InputLocation] = {}
    outputs: dict[ArgName, OutputLocation] = {}
    python_modules: Annotated[list[Requirement], AfterValidator(_one_pin_each)] = Field(
        [], description="Pinned third-party packages, e.g. pyyaml==6.0.2."
    )
    catalog_tables: Annotated[
        list[Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_]{0,254}$")]], AfterValidator(_each_once)
    ] = Field(
        [], description="Tables of the curated catalog database this job creates or updates (none: no catalog access)."
    )
    catalog_reads: list[Annotated[StrictStr, Field(pattern=r"^[a-z0-9_]{1,255}\.[a-z0-9_]{1,255}$")]] = Field(
        [], description="Data Catalog tables the job reads (database.table in catalog/); the role may read only those."
    )
    environments: dict[Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_-]*$")], EnvironmentOverride] = Field(
        {}, description="Overrides per environment (local, dev, test, prod)."
    )
    adopted: Adopted | None = Field(None, description="Written by `invoke adopt`: the job's existing names.")
    smoke: SmokeSection = SmokeSection()
