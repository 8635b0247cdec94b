"""Child processes that never outlive their run: each tool-started child (Terraform, a local job's Spark,
the emulator) leads a session of its own, so the whole group it spawned can be stopped at once."""

from __future__ import annotations

import os
import signal
from contextlib import suppress


def kill_group(pgid: int) -> None:
    """SIGKILL every process of group ``pgid``; a group that is already gone is not an error."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
