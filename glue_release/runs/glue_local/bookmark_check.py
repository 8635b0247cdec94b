"""``bookmarks: true`` must mean something: refuse it for a job with no bookmarked source.

Glue's bookmarks only track sources read through a GlueContext with a ``transformation_ctx``
between ``Job.init`` and ``Job.commit`` ("Tracking processed data using job bookmarks",
https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html). A job reading with
``spark.read`` (the glue_runtime style) would silently reprocess everything on every run.
"""

from __future__ import annotations

import ast
from pathlib import Path

from glue_release.declarations import JobDeclaration
from glue_release.errors import UserError

READERS = {"from_options", "from_catalog", "create_dynamic_frame_from_options", "create_dynamic_frame_from_catalog"}


def bookmarked_sources(folder: Path) -> list[str]:
    """``file:line`` of each GlueContext read with a non-empty transformation_ctx in the job's shipped code."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        if "tests" in path.relative_to(folder).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in READERS:
                continue
            for kw in node.keywords:
                if kw.arg == "transformation_ctx" and not (isinstance(kw.value, ast.Constant) and not kw.value.value):
                    found.append(f"{path.name}:{node.lineno}")
    return found


def check_bookmarks(job: JobDeclaration) -> None:
    if job.bookmarks and not bookmarked_sources(job.folder):
        raise UserError(
            f"{job.folder.name}/job.yaml: field 'bookmarks': true, but nothing in the job reads with a "
            "transformation_ctx, so Glue would reprocess every file on every run; read through "
            "glueContext.create_dynamic_frame.from_options(..., transformation_ctx='source') "
            "(see `invoke new-job NAME --style glue`) or set bookmarks: false"
        )
