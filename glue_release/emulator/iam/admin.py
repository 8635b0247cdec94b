"""The emulator's admin identity: created once per server start, then every call is signed and checked.

moto enforces IAM from its ``INITIAL_NO_AUTH_ACTION_COUNT``-th call on. The tool
starts the server with exactly the calls it needs to create an admin user
(``FREE_CALLS``), spends them at once, and stores the keys next to the server's
pidfile with the server's pid as the marker: keys of an earlier server are never
used against a new one. With the admin it creates the stand-in for the Glue
service (``credentials.SERVICE_STAND_INS``), the only identity allowed to assume
job roles, as on AWS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glue_release.emulator.iam.credentials import SERVICE_STAND_INS
from glue_release.errors import UserError

if TYPE_CHECKING:
    from glue_release.emulator.control import Emulator

ADMIN_USER = "glue-release-admin"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
FREE_CALLS = 3  # CreateUser, AttachUserPolicy, CreateAccessKey
GLUE_STAND_IN = SERVICE_STAND_INS["glue.amazonaws.com"]
ASSUME_ANY_ROLE = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ActAsGlue", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
}


@dataclass(frozen=True)
class Keys:
    access_key_id: str
    secret_access_key: str


@dataclass(frozen=True)
class Identities:
    server_pid: int
    admin: Keys
    glue: Keys

    def to_json(self) -> str:
        return json.dumps(
            {"server_pid": self.server_pid, "admin": self.admin.__dict__, "glue": self.glue.__dict__}, indent=2
        )


def server_env() -> dict[str, str]:
    """What the server's environment needs for IAM to be enforced after the admin's calls."""
    return {"INITIAL_NO_AUTH_ACTION_COUNT": str(FREE_CALLS)}


def identity_file(emulator: Emulator) -> Path:
    return emulator.state_dir / f"identity-{emulator.port}.json"


def stored(emulator: Emulator) -> Identities | None:
    """The identities of the server now running on this port; None when there are none or they are an older server's."""
    pid = emulator.pid()
    try:
        data = json.loads(identity_file(emulator).read_text())
        identities = Identities(int(data["server_pid"]), Keys(**data["admin"]), Keys(**data["glue"]))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None
    return identities if pid is not None and identities.server_pid == pid else None


def ensure(emulator: Emulator) -> Identities:
    """The stored identities, or new ones made with the server's free calls."""
    found = stored(emulator)
    if found is not None:
        return found
    pid = emulator.pid()
    if pid is None:
        raise UserError(f"the emulator on {emulator.endpoint} is not running; start it with `invoke local.up`")
    from botocore.exceptions import ClientError

    try:
        iam = _client(emulator, "iam", Keys("test", "test"))  # unchecked: these are the free calls
        iam.create_user(UserName=ADMIN_USER)
        iam.attach_user_policy(UserName=ADMIN_USER, PolicyArn=ADMIN_POLICY)
        admin = _new_key(iam, ADMIN_USER)
    except ClientError as error:
        raise UserError(
            f"could not create the emulator's admin identity ({error}); its free calls were used by something else: "
            "restart it with `invoke local.down` and `invoke local.up`"
        ) from None
    iam = _client(emulator, "iam", admin)
    iam.create_user(UserName=GLUE_STAND_IN)
    iam.put_user_policy(UserName=GLUE_STAND_IN, PolicyName="act-as-glue", PolicyDocument=json.dumps(ASSUME_ANY_ROLE))
    identities = Identities(pid, admin, _new_key(iam, GLUE_STAND_IN))
    check_enforced(emulator)
    path = identity_file(emulator)
    path.write_text(identities.to_json())
    path.chmod(0o600)
    return identities


def check_enforced(emulator: Emulator) -> None:
    """Refuse a server that does not check calls (one started by an older version of the tool, say)."""
    from botocore.exceptions import ClientError

    try:
        _client(emulator, "sts", Keys("test", "test")).get_caller_identity()
    except ClientError:
        return  # unknown keys refused: IAM is enforced
    raise UserError(
        f"the emulator on {emulator.endpoint} accepts unsigned calls (started without IAM enforcement); "
        "restart it with `invoke local.down` and `invoke local.up`"
    )


def admin_keys(emulator: Emulator) -> Keys | None:
    found = stored(emulator)
    return found.admin if found else None


def _new_key(iam: Any, user: str) -> Keys:
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return Keys(key["AccessKeyId"], key["SecretAccessKey"])


def _client(emulator: Emulator, service: str, keys: Keys) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session(
        aws_access_key_id=keys.access_key_id, aws_secret_access_key=keys.secret_access_key, region_name="us-east-1"
    ).client(
        service,
        endpoint_url=emulator.endpoint,
        verify=str(emulator.cert),
        config=Config(retries={"max_attempts": 1}),  # a retried free call would spend one more
    )
