"""Templates for ``invoke new-job NAME --style glue``: a job written with ``awsglue``, as on Glue.

Same folder layout as the glue_runtime style; the script uses GlueContext, DynamicFrames and
Job.init/commit, and its source has a ``transformation_ctx`` so ``bookmarks: true`` works.
"""

from __future__ import annotations

from glue_release.scaffold import SMOKE_CHECK_PY  # the same check: quantities kept, items trimmed

JOB_YAML = """\
description: {name} (describe what it does, for the Glue console and the plan review)
worker_type: G.1X
number_of_workers: 2
timeout_minutes: 30
# Job bookmarks: each run reads only the input files earlier committed runs have not read.
bookmarks: true
# schedule: "cron(0 4 * * ? *)"   # or: depends_on: [another_job]
arguments:
  min_quantity: "1"
inputs:
  input_path: {{bucket: raw, prefix: {name}/, sample: sample/input/}}
outputs:
  output_path: {{bucket: curated, prefix: {name}/}}
# After every deploy the deployed job runs on sample/ and must write this (README: Smoke checks).
# Keep the bounds in step with the sample: 3 rows, of which 1 has too few items.
smoke:
  checks:
    output_path:
      min_rows: 1
      max_rows: 3  # at most one row per sample row
      columns: {{id: bigint, item: string, quantity: int}}
  check: smoke_check.py
"""

MAIN_PY = '''\
"""Glue entrypoint for {name} (awsglue style): read, transform, write. Keep logic in transforms.py."""

import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

from {name}.transforms import transform

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input_path", "output_path", "min_quantity"])
glue_context = GlueContext(SparkContext.getOrCreate())
job = Job(glue_context)
job.init(args["JOB_NAME"], args)

source = glue_context.create_dynamic_frame.from_options(
    connection_type="s3",
    connection_options={{"paths": [args["input_path"]], "recurse": True}},
    format="csv",
    format_options={{"withHeader": True}},
    transformation_ctx="source",  # names this source's bookmark
)
result = transform(source, min_quantity=int(args["min_quantity"]))
glue_context.write_dynamic_frame.from_options(
    frame=result,
    connection_type="s3",
    connection_options={{"path": args["output_path"]}},
    format="parquet",
    transformation_ctx="sink",
)
job.commit()
'''

TRANSFORMS_PY = '''\
"""{name}: DynamicFrame -> DynamicFrame functions, no I/O."""

from __future__ import annotations

from awsglue.dynamicframe import DynamicFrame
from awsglue.transforms import ApplyMapping, Filter

MAPPINGS = [
    ("id", "long", "id", "long"),
    ("item", "string", "item", "string"),
    ("quantity", "long", "quantity", "int"),
]


def transform(frame: DynamicFrame, min_quantity: int) -> DynamicFrame:
    """Rows with at least ``min_quantity`` items, typed as MAPPINGS says (other columns dropped)."""
    typed = ApplyMapping.apply(frame=frame, mappings=MAPPINGS)
    return Filter.apply(frame=typed, f=lambda record: record["quantity"] >= min_quantity)
'''

TEST_PY = """\
from pathlib import Path

from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame

from {name}.transforms import transform

SAMPLE = Path(__file__).resolve().parent.parent / "sample" / "input"


def test_transform_keeps_rows_with_enough_items(spark):
    glue = GlueContext(spark.sparkContext)
    rows = [(1, "apple", 3, "x"), (2, "pear", 0, "y")]
    df = spark.createDataFrame(rows, "id long, item string, quantity long, note string")
    out = transform(DynamicFrame.fromDF(df, glue, "in"), min_quantity=1).toDF()
    assert out.columns == ["id", "item", "quantity"]
    assert [(r.item, r.quantity) for r in out.collect()] == [("apple", 3)]


def test_sample_is_readable(spark):
    glue = GlueContext(spark.sparkContext)
    options = {{"paths": [str(SAMPLE)], "recurse": True}}
    frame = glue.create_dynamic_frame.from_options("s3", options, "csv", {{"withHeader": True}})
    assert transform(frame, min_quantity=1).count() == 2
"""

SAMPLE_CSV = """\
id,item,quantity
1,apple,3
2,pear,0
3,plum,5
"""

FILES = {
    "__init__.py": "",
    "job.yaml": JOB_YAML,
    "main.py": MAIN_PY,
    "transforms.py": TRANSFORMS_PY,
    "tests/__init__.py": "",
    "tests/test_transforms.py": TEST_PY,
    "smoke_check.py": SMOKE_CHECK_PY,
    "sample/input/part-0001.csv": SAMPLE_CSV,
}
