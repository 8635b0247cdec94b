"""Terraform's state lock: who holds it, since when, and whether that run is still alive.

The S3 backend locks the state with an object beside it (``<key>.tflock``, ``use_lockfile``)
holding Terraform's lock info: an ID, the operation, ``user@host`` and the time it was taken.
A run killed with SIGKILL never removes it. Terraform cannot tell a stale lock from a live one;
on this machine we can: a lock taken here by a Terraform that no longer runs is stale, and only
then does ``invoke unlock`` remove it (with ``terraform force-unlock``).
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from glue_release import aws
from glue_release.errors import UserError
from glue_release.settings import Settings, read_tfvars
from glue_release.terraform.runner import StateLockedError

ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_S3"


@dataclass(frozen=True)
class LockInfo:
    id: str
    operation: str
    who: str
    created: str
    path: str

    @property
    def host(self) -> str:
        return self.who.rpartition("@")[2] if "@" in self.who else ""

    def taken_here(self) -> bool:
        return bool(self.host) and self.host in {socket.gethostname(), socket.getfqdn()}

    def describe(self) -> str:
        operation = self.operation.removeprefix("OperationType").lower() or "a run"
        who, when = self.who or "an unknown user", self.created or "an unknown time"
        return f"taken by {who} for {operation} at {when} (lock ID {self.id})"


def lock_location(settings: Settings) -> tuple[str, str]:
    """Bucket and key of the lock object of ``settings``' state."""
    backend = read_tfvars(settings.backend_config)
    if not backend.get("bucket") or not backend.get("key"):
        raise UserError(f"{settings.backend_config.name}: bucket and key must be set")
    return backend["bucket"], f"{backend['key']}.tflock"


def read_lock(settings: Settings, s3: Any = None) -> LockInfo | None:
    """The lock on ``settings``' state, or None when the state is not locked."""
    bucket, key = lock_location(settings)
    s3 = s3 or aws.client(settings, "s3")
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        if error.response.get("Error", {}).get("Code") == "NoSuchBucket":
            raise UserError(
                f"the state bucket {bucket} does not exist, so {settings.env} has no state and no lock; "
                f"nothing to unlock (`invoke deploy --env {settings.env}` creates it)"
            ) from None
        raise
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        data = {}
    return LockInfo(
        id=str(data.get("ID", "")),
        operation=str(data.get("Operation", "")),
        who=str(data.get("Who", "")),
        created=str(data.get("Created", "")),
        path=str(data.get("Path", f"{bucket}/{key}")),
    )


def terraform_processes(settings: Settings) -> list[int]:
    """Live Terraform processes on this machine working on the same state as ``settings`` (any checkout).

    Recognised by their environment: the data dir of ``settings.env`` and the same S3 endpoint (for
    ``local``, the emulator on this port; other emulators on this machine hold other states).
    """
    suffix = f"/{settings.env}/terraform-data".encode()
    endpoint = settings.emulator.endpoint if settings.emulator is not None else os.environ.get(ENDPOINT_VARIABLE)
    wanted_endpoint = f"{ENDPOINT_VARIABLE}={endpoint}".encode() if endpoint else None
    pids: list[int] = []
    for entry in Path("/proc").glob("[0-9]*"):
        if int(entry.name) == os.getpid():
            continue
        try:
            argv0 = (entry / "cmdline").read_bytes().split(b"\0")[0]
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if os.path.basename(argv0) != b"terraform":
            continue
        if not any(v.startswith(b"TF_DATA_DIR=") and v.rstrip(b"/").endswith(suffix) for v in environ):
            continue
        endpoints = [v for v in environ if v.startswith(ENDPOINT_VARIABLE.encode() + b"=")]
        if (wanted_endpoint in endpoints) if wanted_endpoint else not endpoints:
            pids.append(int(entry.name))
    return sorted(pids)


def explain(settings: Settings, lock: LockInfo | None) -> str:
    """One line: who holds the lock, since when, whether it is alive, and what to do."""
    head = f"another run holds the state lock of {settings.env}"
    if lock is None:
        return f"{head}, released since; run again"
    head += f", {lock.describe()}"
    if not lock.taken_here():
        return (
            f"{head}, on another machine: wait for that run to finish; if it was killed, "
            f"remove the lock with `invoke unlock --env {settings.env}`"
        )
    running = terraform_processes(settings)
    if running:
        return f"{head}; Terraform (pid {', '.join(map(str, running))}) is still running here: wait for it to finish"
    return (
        f"{head}; no Terraform for {settings.env} runs on this machine, so a killed run left it: "
        f"remove it with `invoke unlock --env {settings.env}`, then run again"
    )


@contextmanager
def explained(settings: Settings) -> Iterator[None]:
    """Turn Terraform's "state locked" error into who holds the lock and what to do."""
    try:
        yield
    except StateLockedError:
        try:
            lock = read_lock(settings)
        except (ClientError, UserError):
            raise UserError(
                f"another run holds the state lock of {settings.env} (its lock info cannot be read); "
                "wait for it to finish, then run again"
            ) from None
        raise UserError(explain(settings, lock)) from None
