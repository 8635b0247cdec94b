"""Checks on what a smoke run wrote: data present, row bounds (absolute, or relative to an input's sample),
columns and types, the job's own check.

Outputs are read from a local copy of the ``_smoke/`` prefix with one Spark
session in this process, shared by every job of the run (threads may share a
session; a JVM per check would cost seconds each). The AWS and local runners
both end here, with the same code.
"""

from __future__ import annotations

import importlib.util
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from glue_release.runs.script_runner import data_format, read_output
from glue_release.runs.spark import local_session
from glue_release.smoke.spec import OutputCheck, SmokeSpec

_session_lock = threading.Lock()


@dataclass
class OutputFacts:
    """One output as fetched: where it lives on S3, its local copy, and whether S3 held data files."""

    uri: str
    folder: Path
    has_data: bool


@dataclass
class CheckResult:
    rows: dict[str, int | None] = field(default_factory=dict)  # None: nothing written
    passed: int = 0
    total: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.passed == self.total


def spark_session() -> SparkSession:
    with _session_lock:
        return local_session("smoke-checks")


def sample_rows(spark: SparkSession, path: Path) -> int:
    """Rows in a sample as a job reads it: JSON lines (a malformed line is a row), CSV without its header, Parquet."""
    suffix = path.suffix.lower()
    if path.is_file() and suffix in (".json", ".jsonl", ".ndjson"):
        return spark.read.json(str(path)).count()
    if path.is_file() and suffix == ".csv":
        return spark.read.option("header", True).csv(str(path)).count()
    if path.is_file():
        return spark.read.format(suffix.lstrip(".") or "parquet").load(str(path)).count()
    frame = read_output(spark, path) if data_format(path) else None
    return 0 if frame is None else frame.count()


def check_outputs(spec: SmokeSpec, outputs: dict[str, OutputFacts]) -> CheckResult:
    result = CheckResult()
    frames: dict[str, DataFrame] = {}
    spark: SparkSession | None = None
    for name, facts in outputs.items():
        check = spec.checks.get(name, OutputCheck())
        frame = None
        if facts.has_data:
            spark = spark or spark_session()
            frame = read_output(spark, facts.folder)
        if frame is not None:
            frames[name] = frame
        _check_one(name, check, facts, frame, result)
        if check.max_ratio_of is not None:
            spark = spark or spark_session()
            _check_ratio(name, check.max_ratio_of, spec, facts, result.rows.get(name) or 0, spark, result)
    if spec.check_module is not None:
        result.total += 1
        problems = run_check_module(spec.check_module, frames)
        result.problems += problems
        result.passed += not problems
    return result


def _check_one(name: str, check: OutputCheck, facts: OutputFacts, frame: DataFrame | None, result: CheckResult) -> None:
    result.total += check.count
    if frame is None:
        result.rows[name] = None
        if check.has_data:
            result.problems.append(f"{name}: no data written at {facts.uri}")
            return
        # Allowed to stay empty: zero rows meets both bounds (the parser refuses min_rows > 0 with has_data: false).
        result.passed += (check.min_rows is not None) + (check.max_rows is not None)
        if check.columns:
            result.problems.append(f"{name}: no data at {facts.uri}, so no columns {', '.join(check.columns)}")
        return
    rows = frame.count()
    result.rows[name] = rows
    result.passed += int(check.has_data)
    if check.min_rows is not None:
        if rows >= check.min_rows:
            result.passed += 1
        else:
            result.problems.append(f"{name}: {rows} rows at {facts.uri}, expected at least {check.min_rows}")
    if check.max_rows is not None:
        if rows <= check.max_rows:
            result.passed += 1
        else:
            result.problems.append(f"{name}: {rows} rows at {facts.uri}, expected at most {check.max_rows}")
    actual = {f.name: f.dataType.simpleString() for f in frame.schema.fields}
    for column, kind in check.columns.items():
        if column not in actual:
            result.problems.append(f"{name}: column {column} missing at {facts.uri} (has {', '.join(actual)})")
        elif kind is not None and actual[column] != kind:
            result.problems.append(f"{name}: column {column} is {actual[column]}, expected {kind}")
        else:
            result.passed += 1


def _check_ratio(
    name: str,
    ratio_of: tuple[str, float],
    spec: SmokeSpec,
    facts: OutputFacts,
    rows: int,
    spark: SparkSession,
    result: CheckResult,
) -> None:
    """``max_ratio_of``: e.g. rejects may be at most a fraction of the rows the job was fed."""
    arg, ratio = ratio_of
    fed = sample_rows(spark, spec.samples[arg])
    if rows <= ratio * fed:
        result.passed += 1
    else:
        result.problems.append(
            f"{name}: {rows} rows at {facts.uri}, more than {ratio:g} x the {fed} rows of input {arg}'s sample "
            f"(smoke.checks.{name}.max_ratio_of)"
        )


def run_check_module(path: Path, frames: dict[str, DataFrame]) -> list[str]:
    """Call ``check(outputs)`` from the job's check module (read from the checkout: it is the test, not the job)."""
    label = path.name
    try:
        module_spec = importlib.util.spec_from_file_location(f"_smoke_check_{path.parent.name}", path)
        assert module_spec is not None and module_spec.loader is not None
        module: Any = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        check = getattr(module, "check", None)
        if not callable(check):
            return [f"{label}: defines no check(outputs) function"]
        problems = check(frames)
    except Exception as exc:
        tail = traceback.format_exception_only(exc)[-1].strip()
        return [f"{label}: check raised {tail}"]
    if not isinstance(problems, (list, tuple)) or not all(isinstance(p, str) for p in problems):
        return [f"{label}: check must return a list of problem strings, got {problems!r}"]
    return [f"{label}: {problem}" for problem in problems]
