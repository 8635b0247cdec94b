"""``invoke new-job NAME``: a job folder that passes its own test straight away."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from glue_release.declarations import JOB_NAME_RE, load_job
from glue_release.errors import UserError

JOB_YAML = """\
description: {name} (describe what it does, for the Glue console and the plan review)
worker_type: G.1X
number_of_workers: 2
timeout_minutes: 30
# schedule: "cron(0 4 * * ? *)"   # or: depends_on: [another_job]
arguments:
  min_quantity: "1"
inputs:
  input_path: {{bucket: raw, prefix: {name}/, sample: sample/input.csv}}
outputs:
  output_path: {{bucket: curated, prefix: {name}/}}
"""

MAIN_PY = '''\
"""Glue entrypoint for {name}: read, transform, write. Keep logic in transforms.py."""

from __future__ import annotations

import sys

from glue_runtime import job_context, resolve_args
from {name}.transforms import INPUT_SCHEMA, transform


def main(argv: list[str]) -> None:
    args = resolve_args(argv, required={{"input_path": str, "output_path": str, "min_quantity": int}})
    with job_context(args) as ctx:
        raw = ctx.spark.read.csv(args["input_path"], header=True, schema=INPUT_SCHEMA)
        transform(raw, min_quantity=args["min_quantity"]).write.mode("overwrite").parquet(args["output_path"])


if __name__ == "__main__":
    main(sys.argv)
'''

TRANSFORMS_PY = '''\
"""{name}: pure DataFrame -> DataFrame functions, no I/O, no Glue imports."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

INPUT_SCHEMA = "id long, item string, quantity int"


def transform(df: DataFrame, min_quantity: int) -> DataFrame:
    """Rows with at least ``min_quantity`` items, item names trimmed."""
    return df.where(F.col("quantity") >= min_quantity).withColumn("item", F.trim("item"))
'''

TEST_PY = """\
from pathlib import Path

from chispa import assert_df_equality

from {name}.transforms import INPUT_SCHEMA, transform

SAMPLE = Path(__file__).resolve().parent.parent / "sample" / "input.csv"


def test_transform_keeps_rows_with_enough_items(spark):
    df = spark.createDataFrame([(1, " apple ", 3), (2, "pear", 0)], INPUT_SCHEMA)
    expected = spark.createDataFrame([(1, "apple", 3)], INPUT_SCHEMA)
    assert_df_equality(transform(df, min_quantity=1), expected)


def test_sample_is_readable(spark):
    df = spark.read.csv(str(SAMPLE), header=True, schema=INPUT_SCHEMA)
    assert transform(df, min_quantity=1).count() == 2
"""

SAMPLE_CSV = """\
id,item,quantity
1, apple ,3
2,pear,0
3,plum,5
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
        "sample/input.csv": SAMPLE_CSV,
    }
    if style == "glue":
        from glue_release.glue_local.scaffold_glue import FILES

        files = FILES
    for relative, template in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(name=name))
    load_job(folder)  # the template must itself be a valid declaration
    if tidy:  # import order depends on the job's name (isort sorts it among first-party modules)
        ruff = [sys.executable, "-m", "ruff", "check", "--fix", "--select", "I", "-q", str(folder)]
        subprocess.run(ruff, check=False)
    return folder
