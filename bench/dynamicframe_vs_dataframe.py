"""Benchmark: one transformation written with DynamicFrames (local_glue) and with DataFrames.

Read a CSV of medicare-like rows, type them (a text-polluted id column resolved by casting),
rename and nest columns, drop the bad ids, write Parquet. The DynamicFrame version uses
from_options + resolveChoice + ApplyMapping; the DataFrame version spark.read with
inferSchema (the same extra pass over the data to find types) + select/cast.
Prints the median wall time of each and their ratio (target <= 1.3), measured in the same run: the
median of the per-round ratios (both run back to back in each round, in alternating order).

Run: python bench/dynamicframe_vs_dataframe.py [rows]
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "local_glue")]

from awsglue._local import configure  # noqa: E402
from awsglue.context import GlueContext  # noqa: E402
from awsglue.transforms import ApplyMapping  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from glue_release.runs.spark import local_session  # noqa: E402

ROUNDS = 10

MAPPINGS = [
    ("drg definition", "string", "drg", "string"),
    ("provider id", "long", "provider.id", "long"),
    ("provider city", "string", "provider.city", "string"),
    ("total discharges", "long", "discharges", "int"),
    ("average covered charges", "double", "charges.covered", "double"),
]


def make_input(folder: Path, rows: int) -> None:
    rnd = random.Random(7)
    lines = ["drg definition,provider id,provider city,total discharges,average covered charges"]
    for i in range(rows):
        pid = str(10000 + i) if i % 5000 else "TEXT"  # a few erroneous ids, as in AWS's sample
        lines.append(f"DRG {i % 100},{pid},CITY {i % 300},{rnd.randint(1, 500)},{rnd.uniform(1e3, 1e5):.2f}")
    (folder / "in").mkdir(parents=True)
    (folder / "in" / "part-0.csv").write_text("\n".join(lines) + "\n")


def with_dynamicframes(glue: GlueContext, out: str) -> None:
    frame = glue.create_dynamic_frame.from_options("s3", {"paths": ["s3://bench/in/"]}, "csv", {"withHeader": True})
    typed = frame.resolveChoice(specs=[("provider id", "cast:long")])
    nested = ApplyMapping.apply(frame=typed, mappings=MAPPINGS)
    kept = nested.toDF().where("provider.id IS NOT NULL")
    kept.write.mode("overwrite").parquet(out)


def with_dataframes(spark, src: str, out: str) -> None:
    df = spark.read.option("header", True).option("inferSchema", True).csv(src)
    nested = df.select(
        F.col("`drg definition`").alias("drg"),
        F.struct(F.expr("try_cast(`provider id` AS bigint)").alias("id"), F.col("`provider city`").alias("city")).alias(
            "provider"
        ),
        F.col("`total discharges`").cast("int").alias("discharges"),
        F.struct(F.col("`average covered charges`").cast("double").alias("covered")).alias("charges"),
    )
    nested.where("provider.id IS NOT NULL").write.mode("overwrite").parquet(out)


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    work = Path(tempfile.mkdtemp(prefix="bench-dyf-"))
    try:
        make_input(work, rows)
        spark = local_session("bench-dynamicframe")
        configure(s3={"bench": str(work)})
        glue = GlueContext(spark.sparkContext)
        times: dict[str, list[float]] = {"dynamicframe": [], "dataframe": []}
        run = {
            "dynamicframe": lambda: with_dynamicframes(glue, str(work / "out_dyf")),
            "dataframe": lambda: with_dataframes(spark, str(work / "in"), str(work / "out_df")),
        }
        for i in range(ROUNDS + 1):  # the first round warms both up and is not counted
            # Alternate which goes first, so neither always runs right after the other's garbage.
            for name in ("dynamicframe", "dataframe") if i % 2 else ("dataframe", "dynamicframe"):
                started = time.perf_counter()
                run[name]()
                if i:
                    times[name].append(time.perf_counter() - started)
        # The same rows and types both ways (exceptAll keeps duplicates), so a shortcut that changes results fails here.
        dyf_out, df_out = spark.read.parquet(str(work / "out_dyf")), spark.read.parquet(str(work / "out_df"))
        same = (
            dyf_out.schema == df_out.schema
            and dyf_out.exceptAll(df_out).isEmpty()
            and df_out.exceptAll(dyf_out).isEmpty()
            and dyf_out.count() == df_out.count() > 0
        )
        dyf, df = statistics.median(times["dynamicframe"]), statistics.median(times["dataframe"])
        # Each round runs both back to back, so its ratio sees the same machine load: the median of those
        # ratios is steadier than the ratio of the medians on a shared machine.
        paired = sorted(a / b for a, b in zip(times["dynamicframe"], times["dataframe"], strict=True))
        print(f"rows                 {rows}")
        print(f"dynamicframe median  {dyf:.2f} s")
        print(f"dataframe median     {df:.2f} s")
        print(f"ratio of medians     {dyf / df:.2f}")
        print(
            f"ratio                {statistics.median(paired):.2f}  (median of {len(paired)} paired rounds, "
            f"{paired[0]:.2f}-{paired[-1]:.2f}; target <= 1.3)"
        )
        print(f"same output          {same}")
        return 0 if same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
