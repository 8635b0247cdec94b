"""``invoke local.env``: the export lines that point a shell's AWS CLI and boto3 at the emulator, as its admin."""

from __future__ import annotations

import shlex

from glue_release.emulator.control import Emulator
from glue_release.emulator.iam import admin


def export_lines(emulator: Emulator, region: str) -> list[str]:
    """``eval "$(invoke local.env)"``: endpoint, CA bundle, the admin's keys, region; stray session/profile unset."""
    keys = admin.ensure(emulator).admin
    values = {
        "AWS_ENDPOINT_URL": emulator.endpoint,
        "AWS_CA_BUNDLE": str(emulator.cert.resolve()),
        "AWS_ACCESS_KEY_ID": keys.access_key_id,
        "AWS_SECRET_ACCESS_KEY": keys.secret_access_key,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
    }
    # A session token or profile left in the shell would override or break the admin's keys.
    return ["unset AWS_SESSION_TOKEN AWS_PROFILE", *(f"export {k}={shlex.quote(v)}" for k, v in values.items())]
