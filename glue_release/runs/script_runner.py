"""Run a Glue job script the way Glue does, with local Spark, in this process.

``python -m glue_release.runs.script_runner --script main.py [--path P ...] [--count NAME=DIR ...] -- ARGV...``

The script runs as ``__main__`` with ``sys.argv = [script, *ARGV]``; ``--path``
entries (folders or the zips shipped in ``--extra-py-files``) go first on
``sys.path``. Afterwards each ``--count`` output is read back and its row count
printed as ``rows NAME=N``, a line callers parse; with ``--preview N`` also its
first N rows (``glue_release.runs.preview``). Before the script, ``runtime python=X.Y.Z pyspark=A.B.C``
records what actually ran it (a Glue 6.0 job must run on Python 3.13 and Spark 4, not this .venv's).
"""

from __future__ import annotations

import argparse
import platform
import runpy
import sys
from pathlib import Path

import pyspark
from pyspark.sql import DataFrame, SparkSession

from glue_release.runs import preview
from glue_release.runs.spark import configure_process

READERS = {".parquet": "parquet", ".json": "json", ".csv": "csv"}


def data_format(folder: Path) -> str | None:
    """The format of the data files a job wrote in ``folder`` (None when it wrote none)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith(("_", ".")):
            for suffix in path.suffixes:
                if suffix in READERS:
                    return READERS[suffix]
    return None


def read_output(spark: SparkSession, folder: Path) -> DataFrame | None:
    """What a job wrote in ``folder``, as a DataFrame; None when it wrote no data files."""
    fmt = data_format(folder) if folder.is_dir() else None
    if fmt is None:
        return None
    reader = spark.read.option("header", True) if fmt == "csv" else spark.read
    return reader.format(fmt).load(str(folder))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="script_runner", allow_abbrev=False)
    parser.add_argument("--script", required=True, type=Path)
    parser.add_argument("--path", action="append", default=[])
    parser.add_argument("--count", action="append", default=[], metavar="NAME=DIR")
    parser.add_argument("--app-name", default="local-run")
    parser.add_argument("--preview", type=int, default=0, metavar="N", help="print the first N rows of each output")
    parser.add_argument("job_argv", nargs=argparse.REMAINDER)
    opts = parser.parse_args(argv)
    job_argv = opts.job_argv[1:] if opts.job_argv[:1] == ["--"] else opts.job_argv

    print(f"runtime python={platform.python_version()} pyspark={pyspark.__version__}", flush=True)
    sys.path[:0] = [str(p) for p in opts.path]
    configure_process(opts.app_name)
    sys.argv = [str(opts.script), *job_argv]
    try:
        runpy.run_path(str(opts.script), run_name="__main__")
    except SystemExit as exc:  # a script may sys.exit(); non-zero is a failed run
        if exc.code not in (None, 0):
            return exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:
        # Matched by name: glue_runtime must be imported from --path (the deployed
        # library on smoke runs), never from this checkout before the script runs.
        if type(exc).__name__ != "ArgumentError":
            raise
        print(f"error: {opts.script}: {exc}", file=sys.stderr)
        return 2
    spark = (SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()) if opts.count else None
    for item in opts.count:
        name, _, folder = item.partition("=")
        output = read_output(spark, Path(folder))
        rows = None if output is None else output.count()
        print(f"rows {name}={'none' if rows is None else rows}", flush=True)
        if output is not None and opts.preview > 0:
            first = [list(row) for row in output.limit(opts.preview).collect()]
            print(preview.encode(name, output.columns, first), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
