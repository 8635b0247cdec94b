"""Where moto's IAM evaluation departs from AWS in ways that would refuse correct policies, follow AWS.

Installed by ``glue_release.emulator.server`` before the server starts. Each change
moves moto towards AWS's documented evaluation; what moto still cannot evaluate
errs towards *allowing*, so local never refuses what AWS would allow, and the
README's emulator-gaps table lists what only AWS can prove. ``tools/moto_iam_probe.py``
shows moto's behaviour without these changes.

1. Principals in trust policies (moto: only an exact ARN; an account root is refused,
   a Service principal is a server error). AWS: ``"*"``, the exact ARN, or the account
   (``arn:aws:iam::ACCOUNT:root`` or ``ACCOUNT``), which lets in any principal of the
   account that IAM allows ``sts:AssumeRole``. A Service principal matches only the
   emulator's stand-in user for that service (``SERVICE_STAND_INS``): the release tool
   runs local smoke jobs as Glue would, and nobody else may assume a job role.
2. A statement whose principal does not match does not apply (moto: an explicit deny).
3. Resources moto does not compute (every service but S3, IAM roles and STS: it checks
   those calls against ``"*"``): an Allow applies whatever its Resource, a Deny only when
   its Resource is ``"*"``. moto refused every resource-scoped grant there.
4. Conditions moto cannot evaluate (all but StringEquals on sts:ExternalId): an Allow
   applies, a Deny does not. moto applied conditional denies unconditionally.
5. Permissions boundaries (moto: ignored): an assumed role's call must also be allowed
   by its role's boundary.
6. IAM calls on a managed policy (CreatePolicyVersion, DeletePolicy, ...): checked against
   the policy's ARN, as AWS does (moto: ``"*"``), so a Deny on the boundary policy holds.
7. S3 bucket calls checked under their IAM action names (moto: HeadBucket as ``s3:HeadBucket``,
   which no policy can grant; ``?encryption``, ``?ownershipControls``, ``?publicAccessBlock`` and
   others as ``s3:ListBucket`` / ``s3:CreateBucket``). Terraform reads every one of them.
"""

from __future__ import annotations

import re
from typing import Any

from moto.iam import access_control
from moto.iam.access_control import AssumedRoleAccessKey, IAMPolicy, IAMPolicyStatement, PermissionResult
from moto.iam.responses import IamResponse
from moto.s3.responses import ACTION_MAP as S3_ACTION_MAP

from glue_release.emulator.iam.credentials import SERVICE_STAND_INS

_ARN_ACCOUNT = re.compile(r"^arn:[^:]+:(?:iam|sts)::(\d{12}):")


def principal_matches(expected: Any, caller_arn: str) -> bool:
    """Whether a trust statement's ``Principal`` names the caller, as AWS reads it."""
    if expected == "*":
        return True
    if not isinstance(expected, dict):
        return False
    match = _ARN_ACCOUNT.match(caller_arn)
    caller_account = match[1] if match else None
    for kind, values in expected.items():
        for value in [values] if isinstance(values, str) else list(values):
            if kind == "AWS":
                if value in ("*", caller_arn):
                    return True
                account = _ARN_ACCOUNT.match(value)
                is_root = value.endswith(":root") and account is not None
                if caller_account and (value == caller_account or (is_root and account[1] == caller_account)):
                    return True
            elif kind == "Service":
                stand_in = SERVICE_STAND_INS.get(value)
                if stand_in and caller_account and caller_arn.endswith(f":user/{stand_in}"):
                    return True
    return False


def is_action_permitted(
    self: IAMPolicyStatement,
    action: str,
    resource: str = "*",
    principal: str | None = None,
    incoming_condition_values: dict[str, str] | None = None,
) -> PermissionResult:
    statement = self._statement
    if "NotAction" in statement:
        concerned = not self._check_element_matches("NotAction", action)
    else:
        concerned = self._check_element_matches("Action", action)
    if not concerned:
        return PermissionResult.NEUTRAL
    deny = statement.get("Effect") == "Deny"
    applies = PermissionResult.DENIED if deny else PermissionResult.PERMITTED
    trust = principal is not None
    if trust and "Principal" in statement and not principal_matches(statement["Principal"], principal):
        return PermissionResult.NEUTRAL  # (2)
    if statement.get("Condition"):
        if trust and incoming_condition_values:
            if not self._check_conditions(incoming_condition_values):
                return PermissionResult.NEUTRAL
        elif deny:
            return PermissionResult.NEUTRAL  # (4)
    if "Resource" not in statement and "NotResource" not in statement:
        return applies  # trust policies name no resource
    if "NotResource" in statement:
        return PermissionResult.NEUTRAL if self._check_element_matches("NotResource", resource) else applies
    if self._check_element_matches("Resource", resource):
        return applies
    if resource == "*" and not deny:
        return applies  # (3)
    return PermissionResult.NEUTRAL


_original_check = access_control.IAMRequestBase.check_action_permitted


def check_action_permitted(self: access_control.IAMRequestBase, resource: str) -> None:
    _original_check(self, resource)
    if self._action == "sts:GetCallerIdentity" or not isinstance(self._access_key, AssumedRoleAccessKey):
        return
    role = self.backend.get_role(self._access_key._owner_role_name)
    if not role.permissions_boundary_arn:
        return
    boundary = self.backend.get_policy(role.permissions_boundary_arn)
    if IAMPolicy(boundary).is_action_permitted(self._action, resource) != PermissionResult.PERMITTED:
        self._raise_access_denied()  # (5)


_original_resource = IamResponse._determine_resource


def determine_resource(self: IamResponse) -> str:
    if "RoleName" not in self.data and "PolicyArn" in self.data:
        return str(self.data["PolicyArn"][0])  # (6)
    return str(_original_resource(self))


# moto's S3 sub-resource -> the IAM action AWS checks (Service Authorization Reference, Amazon S3).
S3_BUCKET_ACTIONS = {
    "HEAD": {"DEFAULT": "ListBucket"},
    "GET": {
        "encryption": "GetEncryptionConfiguration",
        "ownershipControls": "GetBucketOwnershipControls",
        "requestPayment": "GetBucketRequestPayment",
        "object-lock": "GetBucketObjectLockConfiguration",
        "replication": "GetReplicationConfiguration",
        "publicAccessBlock": "GetBucketPublicAccessBlock",
        "intelligent-tiering": "GetIntelligentTieringConfiguration",
        "inventory": "GetInventoryConfiguration",
        "metrics": "GetMetricsConfiguration",
        "analytics": "GetAnalyticsConfiguration",
    },
    "PUT": {
        "encryption": "PutEncryptionConfiguration",
        "ownershipControls": "PutBucketOwnershipControls",
        "requestPayment": "PutBucketRequestPayment",
        "object-lock": "PutBucketObjectLockConfiguration",
        "replication": "PutReplicationConfiguration",
        "publicAccessBlock": "PutBucketPublicAccessBlock",
        "intelligent-tiering": "PutIntelligentTieringConfiguration",
    },
    "DELETE": {
        "encryption": "PutEncryptionConfiguration",
        "ownershipControls": "PutBucketOwnershipControls",
        "replication": "PutReplicationConfiguration",
        "publicAccessBlock": "PutBucketPublicAccessBlock",
    },
}


def install() -> None:
    for method, actions in S3_BUCKET_ACTIONS.items():  # (7)
        S3_ACTION_MAP["BUCKET"][method].update(actions)
    IAMPolicyStatement.is_action_permitted = is_action_permitted  # type: ignore[method-assign]
    access_control.IAMRequestBase.check_action_permitted = check_action_permitted  # type: ignore[method-assign]
    IamResponse._determine_resource = determine_resource  # type: ignore[method-assign]
