"""Credentials as the tool passes them around (light: no boto3, no moto)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Service principal -> the IAM user that stands in for it in the emulator (created by glue_release.emulator.iam.admin,
# honoured by glue_release.emulator.iam.moto_patches): only it may assume a role that trusts that service.
SERVICE_STAND_INS = {"glue.amazonaws.com": "aws-service-glue"}


@dataclass(frozen=True)
class Credentials:
    """What signs a call: keys, a session token for an assumed role, and who that is (for error messages)."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None
    principal: str = ""  # role or user ARN, or "user/NAME"
    expires: dt.datetime | None = None

    def env(self) -> dict[str, str]:
        """For Terraform and other processes; an empty token overrides one in the caller's shell."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_SESSION_TOKEN": self.session_token or "",
        }

    @property
    def name(self) -> str:
        """``role/NAME`` or ``user/NAME``, as denials print it."""
        return self.principal.split(":")[-1] or "the caller"
