"""The ``smoke:`` section of a job declaration: what a smoke run feeds the job and what it expects back.

```yaml
smoke:
  inputs:                      # per input argument; default: the input's own `sample`
    orders_path: {sample: sample/orders.jsonl}
  arguments:                   # argument overrides for smoke runs only
    as_of_date: "2024-06-01"
  checks:                      # per output argument; every output must have data unless has_data: false
    output_path:
      has_data: true
      min_rows: 1
      max_rows: 100
      columns: {customer_id: bigint, email: string, country: null}   # Spark type, or null for any type
    rejects_path:
      max_ratio_of: {input: orders_path, ratio: 0.5}   # at most 0.5 x the rows of that input's sample
  check: smoke_check.py        # a module in the job folder: def check(outputs: dict[str, DataFrame]) -> list[str]
```

``parse_smoke`` validates it; every error names the file and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glue_release.declarations import ARG_NAME_RE, RESERVED_ARGS, JobDeclaration
from glue_release.errors import UserError
from glue_release.paths import REPO_ROOT

SECTION_FIELDS = {"inputs", "arguments", "checks", "check"}
INPUT_FIELDS = {"sample"}
CHECK_FIELDS = {"has_data", "min_rows", "max_rows", "columns", "max_ratio_of"}
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


def normalise_type(name: str) -> str:
    compact = re.sub(r"\s+", "", name.strip().lower())
    return TYPE_ALIASES.get(compact, compact)


class _SmokeField:
    def __init__(self, job: JobDeclaration) -> None:
        self.job = job

    def fail(self, name: str, problem: str) -> UserError:
        where = f"smoke.{name}" if name else "smoke"
        return UserError(f"{_rel(self.job.declaration_file)}: field '{where}': {problem}")

    def mapping(self, value: Any, name: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(name, f"must be a mapping, got {type(value).__name__}")
        return value

    def unknown(self, value: dict[str, Any], known: set[str], name: str) -> None:
        extra = sorted(str(k) for k in set(value) - known)
        if extra:
            raise self.fail(
                f"{name}.{extra[0]}" if name else extra[0], f"unknown field; known: {', '.join(sorted(known))}"
            )

    def whole(self, value: Any, name: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, f"must be a whole number, got {value!r}")
        if value < 0:
            raise self.fail(name, f"must be 0 or more, got {value}")
        return value

    def file_in_job(self, value: Any, name: str, want_py: bool = False) -> Path:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, f"must be a path relative to {_rel(self.job.folder)}, got {value!r}")
        folder = self.job.folder.resolve()
        path = (folder / value).resolve()
        if not path.is_relative_to(folder):
            raise self.fail(name, f"{value} is outside the job folder {_rel(self.job.folder)}")
        if not path.exists():
            raise self.fail(name, f"{value} does not exist in {_rel(self.job.folder)}")
        if want_py and (path.suffix != ".py" or not path.is_file()):
            raise self.fail(name, f"{value} must be a .py file")
        return path


def parse_smoke(job: JobDeclaration) -> SmokeSpec:
    """Validate ``job.smoke``; raises ``UserError`` naming ``jobs/<job>/job.yaml`` and the field."""
    f = _SmokeField(job)
    section = f.mapping(job.smoke, "")
    f.unknown(section, SECTION_FIELDS, "")

    samples = {arg: (job.folder / loc.sample).resolve() for arg, loc in job.inputs.items() if loc.sample is not None}
    for arg, spec in f.mapping(section.get("inputs"), "inputs").items():
        where = f"inputs.{arg}"
        if arg not in job.inputs:
            raise f.fail(where, f"{arg} is not an input of this job; inputs: {', '.join(job.inputs) or '(none)'}")
        spec = f.mapping(spec, where)
        f.unknown(spec, INPUT_FIELDS, where)
        if "sample" in spec:
            samples[arg] = f.file_in_job(spec["sample"], f"{where}.sample")

    arguments: dict[str, str] = {}
    for arg, value in f.mapping(section.get("arguments"), "arguments").items():
        where = f"arguments.{arg}"
        arg = str(arg)
        if not ARG_NAME_RE.match(arg) or arg in RESERVED_ARGS:
            raise f.fail(where, "is reserved or not a valid argument name (letters, digits, underscores)")
        if arg in job.inputs or arg in job.outputs:
            raise f.fail(
                where, "inputs and outputs point at the _smoke/ prefix on every smoke run; set samples instead"
            )
        if value is None or isinstance(value, (dict, list)):
            raise f.fail(where, f"must be a string, got {value!r}")
        arguments[arg] = str(value).lower() if isinstance(value, bool) else str(value)

    checks = {name: OutputCheck() for name in job.outputs}
    for arg, spec in f.mapping(section.get("checks"), "checks").items():
        where = f"checks.{arg}"
        if arg not in job.outputs:
            raise f.fail(where, f"{arg} is not an output of this job; outputs: {', '.join(job.outputs) or '(none)'}")
        spec = f.mapping(spec, where)
        f.unknown(spec, CHECK_FIELDS, where)
        has_data = spec.get("has_data", True)
        if not isinstance(has_data, bool):
            raise f.fail(f"{where}.has_data", f"must be true or false, got {has_data!r}")
        min_rows = f.whole(spec.get("min_rows"), f"{where}.min_rows")
        max_rows = f.whole(spec.get("max_rows"), f"{where}.max_rows")
        if min_rows is not None and max_rows is not None and min_rows > max_rows:
            raise f.fail(f"{where}.max_rows", f"must be at least min_rows ({min_rows}), got {max_rows}")
        if not has_data and (min_rows or 0) > 0:
            raise f.fail(f"{where}.has_data", "is false, but min_rows asks for rows")
        checks[arg] = OutputCheck(
            has_data=has_data,
            min_rows=min_rows,
            max_rows=max_rows,
            columns=_columns(f, spec.get("columns"), where),
            max_ratio_of=_ratio_of(f, spec.get("max_ratio_of"), f"{where}.max_ratio_of", samples),
        )

    check_module = None
    if section.get("check") is not None:
        check_module = f.file_in_job(section["check"], "check", want_py=True)
    return SmokeSpec(job=job.name, samples=samples, arguments=arguments, checks=checks, check_module=check_module)


def _ratio_of(f: _SmokeField, value: Any, where: str, samples: dict[str, Path]) -> tuple[str, float] | None:
    """``{input: ARG, ratio: R}``: a bound relative to how many rows the smoke run fed in (e.g. rejects)."""
    if value is None:
        return None
    spec = f.mapping(value, where)
    f.unknown(spec, {"input", "ratio"}, where)
    arg, ratio = spec.get("input"), spec.get("ratio")
    if arg not in samples:
        with_sample = ", ".join(sorted(samples)) or "(none)"
        raise f.fail(f"{where}.input", f"must name an input with a sample; inputs with one: {with_sample}")
    if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or not 0 <= ratio <= 1:
        raise f.fail(f"{where}.ratio", f"must be a number from 0 to 1, got {ratio!r}")
    return str(arg), float(ratio)


def _columns(f: _SmokeField, value: Any, where: str) -> dict[str, str | None]:
    where = f"{where}.columns"
    if value is None:
        return {}
    if isinstance(value, list):
        value = dict.fromkeys(value)
    if not isinstance(value, dict):
        raise f.fail(where, f"must be a mapping of column name to Spark type (or a list of names), got {value!r}")
    columns: dict[str, str | None] = {}
    for name, kind in value.items():
        if not isinstance(name, str) or not name:
            raise f.fail(where, f"column names are strings, got {name!r}")
        if kind is None:
            columns[name] = None
            continue
        if not isinstance(kind, str) or not TYPE_RE.match(normalise_type(kind)):
            raise f.fail(
                f"{where}.{name}", f"must be a Spark type like bigint, string, date, decimal(18,2), got {kind!r}"
            )
        columns[name] = normalise_type(kind)
    return columns


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
