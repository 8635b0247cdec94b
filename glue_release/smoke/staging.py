"""Sample inputs in shared ``_smoke/`` locations, handed out as leases.

Two jobs may read the same location (``raw/customers/``) and bring different
samples for it. A job holds a lease on each location it staged until it has
read its inputs: jobs bringing the same bytes share the lease, a job bringing
other bytes waits and restages. On AWS that is until the Glue run ends; the
local runner copies inputs to a folder first, so it lets go within a second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from glue_release.smoke import s3io
from glue_release.smoke.s3io import S3Uri


class StagingArea:
    def __init__(self, s3: Any) -> None:
        self.s3 = s3
        self._cond = threading.Condition()
        self._held: dict[str, tuple[str, int]] = {}  # location -> (sample digest, holders)
        self._staged: dict[str, str] = {}  # location -> digest this run last uploaded there
        self.waited: list[tuple[str, str]] = []  # (job, location) for every wait, for the report

    def acquire(self, job: str, samples: dict[S3Uri, Path]) -> Callable[[], None]:
        """Stage ``samples`` (location -> sample) once compatible; returns the release (safe to call twice)."""
        wanted = {str(uri): (uri, path, s3io.sample_digest(path)) for uri, path in samples.items()}
        with self._cond:
            # All at once or none: taking leases one by one could deadlock two jobs.
            if not self._compatible(wanted):
                self.waited += [(job, key) for key in wanted if key in self._held]
            self._cond.wait_for(lambda: self._compatible(wanted))
            for key, (uri, path, digest) in wanted.items():
                if self._staged.get(key) != digest:
                    # Under the lock so a job sharing this lease never reads a half-staged sample.
                    self._staged.pop(key, None)
                    s3io.stage(self.s3, path, uri)
                    self._staged[key] = digest
            # Only once every upload worked: a failed one must not leave a lease behind.
            for key, (_, _, digest) in wanted.items():
                self._held[key] = (digest, self._held.get(key, (digest, 0))[1] + 1)
        released = threading.Event()

        def release() -> None:
            with self._cond:
                if released.is_set():
                    return
                released.set()
                for key, (_, _, digest) in wanted.items():
                    holders = self._held[key][1] - 1
                    if holders:
                        self._held[key] = (digest, holders)
                    else:
                        del self._held[key]
                self._cond.notify_all()

        return release

    def _compatible(self, wanted: dict[str, tuple[S3Uri, Path, str]]) -> bool:
        return all(key not in self._held or self._held[key][0] == d for key, (_, _, d) in wanted.items())
