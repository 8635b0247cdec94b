"""An AccessDenied answer as one line: who was denied, which action, on what.

S3 says only "Access Denied" (HEAD requests not even that) and moto's Glue answer
is a bare 403, so the line is built from what the client sent: the operation (as
the IAM action it needs), its bucket/key or job name, and the identity that signed.
"""

from __future__ import annotations

import re
from typing import Any

from glue_release.errors import UserError

DENIED_CODES = {"AccessDenied", "AccessDeniedException", "403", "Forbidden", "UnauthorizedOperation"}
# S3 operations whose IAM action is not "s3:<operation>".
S3_ACTIONS = {
    "HeadObject": "s3:GetObject",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjects": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket",
    "DeleteObjects": "s3:DeleteObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "CopyObject": "s3:PutObject",
    "ListObjectVersions": "s3:ListBucketVersions",
    "GetObjectAttributes": "s3:GetObject",
}
_MOTO_ACTION = re.compile(r"is not authorized to perform: ([\w-]+:[\w*-]+)(?: on resource: (\S+))?")


class AccessDenied(UserError):
    """A call IAM refused; its text is the one line."""


def describe(principal: str, service: str, operation: str, params: dict[str, Any], message: str, region: str) -> str:
    found = _MOTO_ACTION.search(message or "")
    if service == "s3":
        action = S3_ACTIONS.get(operation, f"s3:{operation}")
    else:
        action = found[1] if found else f"{service}:{operation}"
    return f"access denied: {principal} may not {action} on {resource_of(service, params, region, found)}"


def resource_of(service: str, params: dict[str, Any], region: str, found: re.Match[str] | None) -> str:
    if service == "s3" and params.get("Bucket"):
        bucket = params["Bucket"]
        if params.get("Key"):
            return f"arn:aws:s3:::{bucket}/{params['Key']}"
        if params.get("Delete"):
            keys = [o.get("Key", "") for o in params["Delete"].get("Objects", [])]
            return f"arn:aws:s3:::{bucket}/{keys[0]}" + (f" (and {len(keys) - 1} more)" if len(keys) > 1 else "")
        prefix = params.get("Prefix")
        return f"arn:aws:s3:::{bucket}" + (f" (prefix {prefix})" if prefix else "")
    if found and found[2]:
        return found[2]
    if service == "glue" and params.get("JobName"):
        return f"glue job {params['JobName']} ({region})"
    if params.get("RoleArn") or params.get("RoleName"):
        return str(params.get("RoleArn") or f"role {params['RoleName']}")
    named = next(
        (f"{k} {v}" for k, v in params.items() if k.endswith(("Name", "Id", "Arn")) and isinstance(v, str)), None
    )
    return named or "*"


def explain_denials(client: Any, principal: str) -> Any:
    """Make ``client`` raise ``AccessDenied`` (one line) instead of a bare ClientError on a denial."""
    service = client.meta.service_model.signing_name or client.meta.service_model.endpoint_prefix
    region = client.meta.region_name

    def remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["glue_release_params"] = params

    def check(http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        error = parsed.get("Error") or {}
        code = str(error.get("Code", ""))
        status = getattr(http_response, "status_code", 0)
        if code in DENIED_CODES or (status == 403 and not code):
            params = context.get("glue_release_params") or {}
            raise AccessDenied(describe(principal, service, model.name, params, str(error.get("Message", "")), region))

    client.meta.events.register("before-parameter-build", remember)
    client.meta.events.register("after-call", check)
    return client


_TF_USER = re.compile(r"User: (arn:\S+) is not authorized to perform: ([\w-]+:[\w*-]+)(?: on resource: ([^\s\"<]+))?")
_TF_OPERATION = re.compile(r"operation error ([\w ]+): (\w+),.*?(?:StatusCode: 403|api error AccessDenied)")
_TF_ADDRESS = re.compile(r"^\s*with ([\w.\[\]\"-]+),", re.MULTILINE)


def terraform_denial(stderr: str) -> str | None:
    """One line for an AccessDenied in Terraform's error text; None when it holds none."""
    user, operation, address = _TF_USER.search(stderr), _TF_OPERATION.search(stderr), _TF_ADDRESS.search(stderr)
    if user is None and operation is None:
        return None
    who = "the caller"
    if user:
        arn = user[1]
        who = f"role/{arn.split('/')[1]}" if ":assumed-role/" in arn else arn.split(":")[-1]
    if user:
        action = user[2]
    else:
        assert operation is not None
        service = operation[1].strip().lower().replace(" ", "")
        action = S3_ACTIONS.get(operation[2], f"s3:{operation[2]}") if service == "s3" else f"{service}:{operation[2]}"
    resource = (user[3] if user and user[3] else None) or (address[1] if address else "its resource")
    return f"access denied: {who} may not {action} on {resource}"
