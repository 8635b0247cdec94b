"""Job bookmarks for S3 sources, kept in ``<bookmarks_dir>/<job>.json``.

Semantics from "Tracking processed data using job bookmarks" (AWS Glue Developer Guide,
https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html):
- a source takes part only with a ``transformation_ctx`` and between ``Job.init`` and ``Job.commit``;
- ``job-bookmark-enable``: read only files not seen by an earlier committed run, and remember them on commit;
- ``job-bookmark-pause``: read only files not seen yet, but leave the state as it is;
- ``job-bookmark-disable`` (the default): read everything, never read or change the state.
A file counts as seen when its path and modification time are both recorded (S3 bookmarks
track object timestamps, so a rewritten object is read again).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

ENABLE, DISABLE, PAUSE = "job-bookmark-enable", "job-bookmark-disable", "job-bookmark-pause"
OPTIONS = (ENABLE, DISABLE, PAUSE)


@dataclass
class BookmarkSession:
    job_name: str
    option: str
    state_file: Path | None
    seen: dict[str, dict[str, int]] = field(default_factory=dict)  # ctx -> {path: mtime_ns}
    pending: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def start(cls, job_name: str, option: str, bookmarks_dir: str | None) -> BookmarkSession:
        if option not in OPTIONS:
            raise ValueError(f"--job-bookmark-option {option!r} is not one of {', '.join(OPTIONS)}")
        state_file = Path(bookmarks_dir) / f"{job_name}.json" if bookmarks_dir else None
        seen: dict[str, dict[str, int]] = {}
        if option != DISABLE and state_file is not None and state_file.is_file():
            seen = json.loads(state_file.read_text())
        return cls(job_name=job_name, option=option, state_file=state_file, seen=seen)

    def select(self, ctx: str, files: list[str]) -> list[str]:
        """The files a bookmarked read under ``ctx`` takes; remembered for commit."""
        if self.option == DISABLE:
            return files
        stamps = {f: os.stat(f).st_mtime_ns for f in files}
        done = self.seen.get(ctx, {})
        new = [f for f in files if done.get(f) != stamps[f]]
        self.pending.setdefault(ctx, {}).update({f: stamps[f] for f in new})
        return new

    def commit(self) -> None:
        if self.option != ENABLE or self.state_file is None:
            return
        merged = {ctx: dict(files) for ctx, files in self.seen.items()}
        for ctx, files in self.pending.items():
            merged.setdefault(ctx, {}).update(files)
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(merged, indent=1, sort_keys=True))
        tmp.replace(self.state_file)  # atomic: a crash never leaves half a state
        self.seen, self.pending = merged, {}


_active: BookmarkSession | None = None


def activate(session: BookmarkSession | None) -> None:
    global _active
    _active = session


def active() -> BookmarkSession | None:
    return _active
