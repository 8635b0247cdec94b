"""Shared runtime for Glue job scripts: argument resolution and the job context.

Shipped to Glue as a zip in ``--extra-py-files``; imports nothing from
``awsglue`` unless it runs inside Glue.
"""

from glue_runtime.args import ArgumentError, resolve_args
from glue_runtime.context import JobContext, job_context

__all__ = ["ArgumentError", "JobContext", "job_context", "resolve_args"]
