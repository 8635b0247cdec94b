"""``./dev new-job NAME``: a job folder that passes its own tests and smoke checks straight away."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from glue_release.declarations import JOB_NAME_RE, load_job
from glue_release.declarations.schema import modeline
from glue_release.errors import UserError

# The pattern of jobs/orders_daily_revenue, the example to copy: read raw values as text, type
# them in transforms.py where a bad value gets a reject_reason, write the rejects to their own
# output and count them (glue_runtime.report_rejects), and declare what a smoke run must see.
JOB_YAML = """\
description: {name} (describe what it does, for the Glue console and the plan review)
worker_type: G.1X
number_of_workers: 2
timeout_minutes: 30
# schedule: "cron(0 4 * * ? *)"   # or: depends_on: [another_job]
# python_modules: [pyyaml==6.0.2]  # pinned third-party packages the job imports
# environments:                    # what differs per environment, e.g.
#   prod: {{number_of_workers: 10}}
arguments:
  min_quantity: "1"
inputs:
  input_path: {{bucket: raw, prefix: {name}/, sample: sample/input.csv}}
outputs:
  output_path: {{bucket: curated, prefix: {name}/}}
  rejects_path: {{bucket: curated, prefix: {name}_rejects/}}
# After every deploy the deployed job runs on sample/ and must write this (README: Smoke checks).
# Keep the bounds in step with the sample: 4 rows, of which 1 is bad on purpose.
smoke:
  checks:
    output_path:
      min_rows: 1
      max_rows: 4  # at most one row per sample row
      columns: {{id: bigint, item: string, quantity: int}}
    rejects_path:
      min_rows: 1  # the bad sample row must come out here, with its reason
      max_ratio_of: {{input: input_path, ratio: 0.5}}  # more rejects than half the input means a bug
      columns: {{id: string, reject_reason: string}}
  check: smoke_check.py
"""

MAIN_PY = '''\
"""Glue entrypoint for {name}: read, transform, write. Keep logic in transforms.py."""

from __future__ import annotations

import sys

from glue_runtime import job_context, report_rejects, resolve_args
from {name}.transforms import RAW_SCHEMA, split_valid, transform


def main(argv: list[str]) -> None:
    args = resolve_args(
        argv, required={{"input_path": str, "output_path": str, "rejects_path": str, "min_quantity": int}}
    )
    with job_context(args) as ctx:
        raw = ctx.spark.read.csv(args["input_path"], header=True, schema=RAW_SCHEMA)
        split = split_valid(raw)
        split.rejected.cache()  # written and counted: read the input once
        split.rejected.write.mode("overwrite").json(args["rejects_path"])
        report_rejects(ctx, split.rejected, "rejects_path")  # counts in the log; on Glue a CloudWatch metric
        transform(split.valid, min_quantity=args["min_quantity"]).write.mode("overwrite").parquet(args["output_path"])


if __name__ == "__main__":
    main(sys.argv)
'''

TRANSFORMS_PY = '''\
"""{name}: pure DataFrame -> DataFrame functions, no I/O, no Glue imports.

Bad rows are never dropped silently: ``split_valid`` returns them with a ``reject_reason``.
"""

from __future__ import annotations

from typing import NamedTuple

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

# Read as text: a value that does not parse gets a reason here instead of becoming null on read.
RAW_SCHEMA = "id string, item string, quantity string"


class Split(NamedTuple):
    valid: DataFrame
    rejected: DataFrame  # the raw columns plus reject_reason


def split_valid(raw: DataFrame) -> Split:
    """Typed rows, and the rest with the first rule they break as ``reject_reason``."""
    reason = F.when(F.expr("try_cast(id AS BIGINT)").isNull(), "bad_id").when(
        F.expr("try_cast(quantity AS INT)").isNull(), "bad_quantity"
    )
    checked = raw.withColumn("reject_reason", reason)
    valid = checked.where(F.col("reject_reason").isNull()).select(
        F.expr("try_cast(id AS BIGINT)").alias("id"),
        F.trim("item").alias("item"),
        F.expr("try_cast(quantity AS INT)").alias("quantity"),
    )
    return Split(valid=valid, rejected=checked.where(F.col("reject_reason").isNotNull()))


def transform(valid: DataFrame, min_quantity: int) -> DataFrame:
    """Rows with at least ``min_quantity`` items."""
    return valid.where(F.col("quantity") >= min_quantity)
'''

TEST_PY = """\
from pathlib import Path

from chispa import assert_df_equality

from {name}.transforms import RAW_SCHEMA, split_valid, transform

SAMPLE = Path(__file__).resolve().parent.parent / "sample" / "input.csv"
VALID = "id long, item string, quantity int"


def test_split_valid_types_rows_and_names_a_reason_for_the_rest(spark):
    raw = spark.createDataFrame([("1", " apple ", "3"), ("x", "pear", "1"), ("3", "plum", "lots")], RAW_SCHEMA)
    split = split_valid(raw)
    assert_df_equality(split.valid, spark.createDataFrame([(1, "apple", 3)], VALID), ignore_nullable=True)
    assert {{r.id: r.reject_reason for r in split.rejected.collect()}} == {{"x": "bad_id", "3": "bad_quantity"}}


def test_transform_keeps_rows_with_enough_items(spark):
    valid = spark.createDataFrame([(1, "apple", 3), (2, "pear", 0)], VALID)
    assert_df_equality(transform(valid, min_quantity=1), spark.createDataFrame([(1, "apple", 3)], VALID))


def test_sample_counts_every_row(spark):
    raw = spark.read.csv(str(SAMPLE), header=True, schema=RAW_SCHEMA)
    split = split_valid(raw)
    assert split.valid.count() + split.rejected.count() == raw.count() == 4
    assert transform(split.valid, min_quantity=1).count() == 2
"""

SMOKE_CHECK_PY = '''\
"""Smoke check for {name}: what the deployed job wrote from the sample, beyond row counts and column types.

Called after every deploy's smoke run with each output as a DataFrame (``job.yaml``: ``smoke.check``);
returns the problems found, none when all is well. It reads, never writes.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

MIN_QUANTITY = 1  # arguments.min_quantity in job.yaml


def check(outputs: dict[str, DataFrame]) -> list[str]:
    output = outputs.get("output_path")
    if output is None:
        return []  # the "has data" check already reports it
    problems = []
    too_few = output.where(F.col("quantity") < MIN_QUANTITY).count()
    if too_few:
        problems.append(f"{{too_few}} rows with quantity below {{MIN_QUANTITY}}")
    untrimmed = output.where(F.col("item") != F.trim("item")).count()
    if untrimmed:
        problems.append(f"{{untrimmed}} items with surrounding spaces")
    return problems
'''

SAMPLE_CSV = """\
id,item,quantity
1, apple ,3
2,pear,0
3,plum,5
4,fig,lots
"""


STYLES = ("runtime", "glue")


def new_job(name: str, jobs_dir: Path, tidy: bool = True, style: str = "runtime") -> Path:
    if not JOB_NAME_RE.match(name):
        raise UserError(
            f"job name {name!r} must match {JOB_NAME_RE.pattern}: lowercase letters, digits and underscores, "
            "3 to 40 characters, starting with a letter"
        )
    if style not in STYLES:
        raise UserError(
            f"--style {style!r} is not one of {', '.join(STYLES)} (runtime: glue_runtime + DataFrames; glue: awsglue)"
        )
    folder = jobs_dir / name
    if folder.exists():
        raise UserError(f"{folder} already exists; pick another name or edit that job")
    files = {
        "__init__.py": "",
        "job.yaml": JOB_YAML,
        "main.py": MAIN_PY,
        "transforms.py": TRANSFORMS_PY,
        "tests/__init__.py": "",
        "tests/test_transforms.py": TEST_PY,
        "smoke_check.py": SMOKE_CHECK_PY,
        "sample/input.csv": SAMPLE_CSV,
    }
    if style == "glue":
        from glue_release.runs.glue_local.scaffold_glue import FILES

        files = FILES
    for relative, template in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        text = template.format(name=name)
        if relative == "job.yaml":  # editors complete and check it against schemas/job.schema.json
            text = modeline(path) + "\n" + text
        path.write_text(text)
    load_job(folder)  # the template must itself be a valid declaration
    if tidy:  # import order depends on the job's name (isort sorts it among first-party modules)
        ruff = [sys.executable, "-m", "ruff", "check", "--fix", "--select", "I", "-q", str(folder)]
        subprocess.run(ruff, check=False)
    return folder
