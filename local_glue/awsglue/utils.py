"""awsglue.utils.getResolvedOptions and GlueArgumentError.

"Accessing parameters using getResolvedOptions"
(https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-get-resolved-options.html):
arguments arrive as ``--name value`` on ``sys.argv``; the script names the ones it wants and
gets them back without the dashes. Built on argparse, as Glue's is, so the same argv gives
the same answer: every requested name is required, unknown arguments are ignored, ``--k=v``
works, the last repeat wins, ``my-arg`` comes back as ``my_arg``.
Glue 5.x (Python 3.11) accepts unambiguous abbreviations (``--inp`` for ``--input_path``);
Glue 6.0 rejects them unless the script passes ``allow_abbrev=True``
("Migrating AWS Glue for Spark jobs to AWS Glue version 6.0",
https://docs.aws.amazon.com/glue/latest/dg/migrating-version-60.html).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from awsglue._local import settings

# Arguments Glue itself passes and getResolvedOptions always returns (None when absent).
ALWAYS_PRESENT = {
    "job_bookmark_option": "job-bookmark-disable",
    "job_bookmark_from": None,
    "job_bookmark_to": None,
    "JOB_ID": None,
    "JOB_RUN_ID": None,
    "SECURITY_CONFIGURATION": None,
    "encryption_type": None,
    "enable_data_lineage": None,
    "RedshiftTempDir": None,
    "TempDir": None,
}
# A script may ask for TempDir/RedshiftTempDir (then they are required), never for Glue's own switches.
RESERVED = set(ALWAYS_PRESENT) - {"TempDir", "RedshiftTempDir"}


class GlueArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print usage and exit(2)
        raise GlueArgumentError(message)


def getResolvedOptions(args: Sequence[str], options: Sequence[str], allow_abbrev: bool | None = None) -> dict[str, Any]:
    if allow_abbrev is None:
        allow_abbrev = not settings().glue_version.startswith("6.")
    parser = _Parser(allow_abbrev=allow_abbrev, add_help=False)
    reserved = sorted(set(o.replace("-", "_") for o in options) & RESERVED)
    if reserved:
        raise RuntimeError(f"Using reserved arguments {', '.join('--' + r for r in reserved)}")
    for name, default in ALWAYS_PRESENT.items():
        if name in options:
            continue
        flag = "--" + name.replace("_", "-") if name.startswith(("job_bookmark", "enable_data")) else "--" + name
        parser.add_argument(flag, dest=name, default=default, required=False)
    for name in options:
        parser.add_argument("--" + name, required=True)
    parsed, _unknown = parser.parse_known_args(
        list(args[1:]) if args and not str(args[0]).startswith("--") else list(args)
    )
    return vars(parsed)
