"""Roles assumed through STS on ``local``, as CI assumes them on AWS.

Who does what on ``local`` (IAM enforced):

| step | identity |
|---|---|
| bootstrap (creates the roles) | the emulator's admin |
| upload, plan and apply of ``deploy``, smoke runs' Glue calls and staging | the deploy role |
| ``plan`` (for review) and ``drift`` | the plan role, with ``-lock=false`` |
| a smoke run's job: its artifacts, inputs, outputs | the job's own role (``get_job()['Role']``), assumed as Glue |

The deploy and plan roles are ``terraform/bootstrap``'s outputs ``deploy_role_arn`` and
``plan_role_arn``; where bootstrap has no such outputs (yet), the admin stands in.
On AWS the tool never assumes a role: CI hands it the role's credentials.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from glue_release.emulator.iam import admin
from glue_release.emulator.iam.credentials import Credentials
from glue_release.errors import UserError
from glue_release.settings import Settings

DEPLOY = "deploy"
PLAN = "plan"
ROLE_OUTPUTS = {DEPLOY: "deploy_role_arn", PLAN: "plan_role_arn"}
REFRESH_BEFORE = dt.timedelta(minutes=5)

_lock = threading.Lock()
_sessions: dict[tuple[str, str, str], Credentials] = {}
_bootstrap_outputs: dict[str, dict[str, object]] = {}


def admin_credentials(settings: Settings) -> Credentials:
    emulator = _emulator(settings)
    keys = admin.ensure(emulator).admin
    return Credentials(keys.access_key_id, keys.secret_access_key, principal=f"user/{admin.ADMIN_USER}")


def release_role_arn(settings: Settings, purpose: str) -> str | None:
    """The deploy or plan role of ``settings.env`` from bootstrap's outputs; None where bootstrap has none."""
    if settings.emulator is None:
        return None
    key = str(settings.build_dir.resolve())
    if key not in _bootstrap_outputs:
        from glue_release import aws, release
        from glue_release.terraform import bootstrap_state

        s3 = aws.client(settings, "s3")
        if not bootstrap_state.remote_state_exists(s3, release.state_bucket(settings), settings.env):
            return None  # bootstrap has not run (or not finished its first apply): nothing to assume yet
        _bootstrap_outputs[key] = release.bootstrap_terraform(settings).outputs()
    value = _bootstrap_outputs[key].get(ROLE_OUTPUTS[purpose])
    return value if isinstance(value, str) and value else None


def forget_bootstrap_outputs(settings: Settings) -> None:
    """After bootstrap applied: the roles may be new."""
    _bootstrap_outputs.pop(str(settings.build_dir.resolve()), None)


def release_credentials(settings: Settings, purpose: str) -> Credentials:
    """The deploy or plan role's credentials on ``local`` (the admin's where bootstrap has no such role)."""
    arn = release_role_arn(settings, purpose)
    if arn is None:
        return admin_credentials(settings)
    return assume(settings, arn, f"glue-release-{purpose}", via="admin")


def job_credentials(settings: Settings, role_arn: str, job: str) -> Credentials:
    """A Glue job's role, assumed the way Glue assumes it (as the emulator's stand-in for glue.amazonaws.com)."""
    return assume(settings, role_arn, f"glue-smoke-{job}"[:64], via="glue")


def assume(settings: Settings, role_arn: str, session_name: str, via: str) -> Credentials:
    emulator = _emulator(settings)
    identities = admin.ensure(emulator)
    # A restarted server on the same port knows none of the old sessions: they are its pid's.
    cache_key = (emulator.endpoint, identities.server_pid, role_arn, via)
    now = dt.datetime.now(dt.UTC)
    with _lock:
        cached = _sessions.get(cache_key)
        if cached and cached.expires and cached.expires - REFRESH_BEFORE > now:
            return cached
    source = identities.admin if via == "admin" else identities.glue
    source_name = f"user/{admin.ADMIN_USER}" if via == "admin" else f"user/{admin.GLUE_STAND_IN}"
    from glue_release import aws

    sts = aws.emulator_client(
        settings, "sts", Credentials(source.access_key_id, source.secret_access_key, principal=source_name)
    )
    try:
        response = sts.assume_role(RoleArn=role_arn, RoleSessionName=session_name)
    except (ClientError, BotoCoreError) as error:
        raise UserError(f"{source_name} could not assume {role_arn}: {error}") from None
    c = response["Credentials"]
    expires = c["Expiration"]
    credentials = Credentials(
        c["AccessKeyId"],
        c["SecretAccessKey"],
        c["SessionToken"],
        principal=role_arn,
        expires=expires if isinstance(expires, dt.datetime) else None,
    )
    with _lock:
        _sessions[cache_key] = credentials
    return credentials


def _emulator(settings: Settings) -> Any:
    if settings.emulator is None:
        raise UserError(
            f"{settings.env} is on AWS: the tool uses the credentials it is given there, it assumes no role"
        )
    return settings.emulator
