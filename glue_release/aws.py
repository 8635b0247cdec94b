"""AWS clients for an environment: the standard credential chain, or the emulator for ``local``."""

from __future__ import annotations

import os
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConfigParseError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
)

from glue_release.emulator.iam.admin import ADMIN_USER
from glue_release.emulator.iam.credentials import Credentials
from glue_release.emulator.iam.denied import explain_denials
from glue_release.errors import UserError
from glue_release.settings import Settings

RETRIES = Config(retries={"mode": "adaptive", "max_attempts": 10})


def client(settings: Settings, service: str, credentials: Credentials | None = None) -> Any:
    """A client for ``settings.env``; on ``local`` signed as ``credentials`` (default: the emulator's admin)."""
    emulator = settings.emulator
    if emulator is None:
        return boto3.session.Session(region_name=settings.region).client(service, config=RETRIES)
    if credentials is None:
        access_key, secret_key = emulator.admin_credentials()
        credentials = Credentials(access_key, secret_key, principal=f"user/{ADMIN_USER}")
    return emulator_client(settings, service, credentials)


def emulator_client(settings: Settings, service: str, credentials: Credentials) -> Any:
    """A client of the emulator signed as ``credentials``; a denial raises one line naming them (iam.denied)."""
    emulator = settings.emulator
    assert emulator is not None
    # The emulator needs no profile: a profile named in AWS_PROFILE that does not exist must not stop it.
    # Nor may a broken ~/.aws/config or credentials file (the emulator's keys are passed in).
    no_profile = botocore.session.get_session(
        {
            "profile": (None, None, None, None),
            "config_file": (None, None, os.devnull, None),
            "credentials_file": (None, None, os.devnull, None),
        }
    )
    made = boto3.session.Session(
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        aws_session_token=credentials.session_token or None,
        region_name=settings.region,
        botocore_session=no_profile,
    ).client(service, endpoint_url=emulator.endpoint, verify=str(emulator.cert), config=RETRIES)
    return explain_denials(made, credentials.name)


def check_credentials(settings: Settings) -> str:
    """The caller's account id; one clear line when there are no credentials or they belong elsewhere."""
    emulator = settings.emulator
    if emulator is not None and not emulator.responds():
        if emulator.pid() is not None and not emulator.cert.exists():
            raise UserError(
                f"the local emulator on port {emulator.port} is running, but its certificate in {emulator.state_dir} "
                "is gone; restart it: `invoke local.down`, then `invoke local.up`"
            )
        raise UserError(
            f"the local emulator is not running on {emulator.endpoint}; start it with `invoke local.up` "
            "(`invoke deploy` starts it too)"
        )
    try:
        account = str(client(settings, "sts").get_caller_identity()["Account"])
    except ConfigParseError as error:
        raise UserError(
            f"{error}: fix that file (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE name others); "
            f"no AWS call was made for {settings.env}"
        ) from None
    except ProfileNotFound as error:
        if not error.kwargs.get("profile"):
            raise UserError("AWS_PROFILE is set but empty; unset it, or name a profile") from None
        raise UserError(
            f"AWS profile {error.kwargs.get('profile')!r} (AWS_PROFILE) is not configured; "
            "fix AWS_PROFILE or run `aws configure --profile` for it"
        ) from None
    except NoCredentialsError:
        raise UserError(
            f"no AWS credentials for environment {settings.env}: set AWS_PROFILE, AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY, or assume the environment's role (OIDC in CI)"
        ) from None
    except (EndpointConnectionError, ConnectTimeoutError) as error:
        # Not the credentials' fault: no network, a proxy, or a region without that endpoint.
        raise UserError(
            f"cannot reach AWS for environment {settings.env} ({error}); check the network or proxy, "
            f"and that region {settings.region} (environments/{settings.env}.tfvars) is right"
        ) from None
    except (ClientError, BotoCoreError) as error:
        raise UserError(f"AWS credentials for environment {settings.env} were refused: {error}") from None
    if settings.account_id and account != settings.account_id:
        raise UserError(
            f"these credentials are for account {account}, but {settings.env} is account {settings.account_id}; "
            f"switch credentials before deploying {settings.env}"
        )
    return account
