"""Shared runtime for Glue job scripts: argument resolution and the job context.

Shipped to Glue as a zip in ``--extra-py-files``; imports nothing from
``awsglue`` unless it runs inside Glue.
"""

from glue_runtime.args import ArgumentError, resolve_args
from glue_runtime.context import JobContext, job_context
from glue_runtime.metrics import put_count
from glue_runtime.rejects import report_rejects

__all__ = ["ArgumentError", "JobContext", "job_context", "put_count", "report_rejects", "resolve_args"]
