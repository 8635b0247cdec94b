"""awsglue.job.Job: ``init`` and ``commit`` around a run, which is what moves job bookmarks.

"Tracking processed data using job bookmarks" (https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html):
the bookmark option comes from ``--job-bookmark-option`` (default ``job-bookmark-disable``).
"""

from __future__ import annotations

import sys
from typing import Any

from awsglue import _bookmarks
from awsglue._local import settings


def _argv_option() -> str | None:
    argv = sys.argv
    for i, token in enumerate(argv):
        if token.startswith("--job-bookmark-option="):
            return token.split("=", 1)[1]
        if token == "--job-bookmark-option" and i + 1 < len(argv):
            return argv[i + 1]
    return None


class Job:
    def __init__(self, glue_context: Any) -> None:
        self._glue_context = glue_context
        self._session: _bookmarks.BookmarkSession | None = None
        self.name: str | None = None

    def init(self, job_name: str, args: dict[str, Any] | None = None) -> None:
        if not job_name:
            raise ValueError("Job.init needs the job name (args['JOB_NAME'])")
        args = dict(args or {})
        option = args.get("job_bookmark_option") or _argv_option() or _bookmarks.DISABLE
        self.name = job_name
        self._session = _bookmarks.BookmarkSession.start(job_name, str(option), settings().bookmarks_dir)
        _bookmarks.activate(self._session)

    def isInitialized(self) -> bool:
        return self._session is not None

    def commit(self) -> None:
        if self._session is None:
            raise RuntimeError("Job.commit called before Job.init")
        self._session.commit()
        _bookmarks.activate(None)
        self._session = None

    @classmethod
    def continuation_options(cls) -> list[str]:
        return ["--continuation-option", "continuation-enabled", "continuation-readonly", "continuation-ignore"]

    @classmethod
    def job_bookmark_options(cls) -> list[str]:
        return ["--job-bookmark-option", *_bookmarks.OPTIONS]

    @classmethod
    def job_bookmark_range_options(cls) -> list[str]:
        return ["--job-bookmark-from", "--job-bookmark-to"]
