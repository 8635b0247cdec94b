# ruff: noqa: E501 - one probe question per line reads best
"""Probe: how moto's server evaluates IAM when started with INITIAL_NO_AUTH_ACTION_COUNT.

Starts moto's server (plain HTTP, a free port), creates an admin user in the free calls,
then asks one question per line and prints what moto answered. The findings are in
docs/local-iam.md and in the README's emulator-gaps table; rerun this after a moto upgrade.

Run: .venv/bin/python tools/moto_iam_probe.py [--patched]
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"
NO_RETRY = Config(retries={"max_attempts": 1})
# --patched: the tool's server (glue_release.emulator.server, with glue_release/emulator/iam/moto_patches.py)
SERVER = "glue_release.emulator.server" if "--patched" in sys.argv else "moto.server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(port: int) -> subprocess.Popen:
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="3", MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    proc = subprocess.Popen(
        [sys.executable, "-m", SERVER, "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    raise SystemExit("moto did not start")


def session(endpoint: str, key: str, secret: str, token: str | None = None):  # type: ignore[no-untyped-def]
    s = boto3.session.Session(
        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token, region_name=REGION
    )
    return lambda service: s.client(service, endpoint_url=endpoint, config=NO_RETRY)


def outcome(call) -> str:  # type: ignore[no-untyped-def]
    try:
        call()
        return "allowed"
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code in ("AccessDenied", "403", "InvalidAccessKeyId", "InvalidClientTokenId", "AccessDeniedException"):
            return f"denied ({code})"
        return f"allowed (then {code})"  # past the IAM check: the call itself failed
    except Exception as error:
        return f"error ({type(error).__name__}: {str(error)[:80]})"


def main() -> int:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    proc = start(port)
    results: list[tuple[str, str, str]] = []

    def ask(question: str, aws_says: str, call) -> None:  # type: ignore[no-untyped-def]
        results.append((question, aws_says, outcome(call)))

    try:
        free = session(endpoint, "test", "test")
        iam0 = free("iam")
        iam0.create_user(UserName="admin")
        iam0.attach_user_policy(UserName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        key = iam0.create_access_key(UserName="admin")["AccessKey"]
        admin = session(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        ask("unsigned-key call after the free calls", "denied", lambda: free("s3").list_buckets())
        iam, s3, sts, kms, glue = (admin(s) for s in ("iam", "s3", "sts", "kms", "glue"))
        s3.create_bucket(Bucket="bkt")
        for k in ("a/1", "b/1"):
            s3.put_object(Bucket="bkt", Key=k, Body=b"x")

        def role(name: str, trust_principal: dict, policy: dict, boundary: str | None = None):  # type: ignore[no-untyped-def]
            trust = {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": trust_principal, "Action": "sts:AssumeRole"}],
            }
            extra = {"PermissionsBoundary": boundary} if boundary else {}
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), **extra)
            iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
            return f"arn:aws:iam::{ACCOUNT}:role/{name}"

        def assume(arn: str):  # type: ignore[no-untyped-def]
            c = sts.assume_role(RoleArn=arn, RoleSessionName="probe")["Credentials"]
            return session(endpoint, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])

        def doc(*statements: dict) -> dict:
            return {"Version": "2012-10-17", "Statement": list(statements)}

        user_arn = f"arn:aws:iam::{ACCOUNT}:user/admin"
        root = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
        # --- trust policies
        exact = role(
            "trust-exact",
            {"AWS": user_arn},
            doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/a/*"}),
        )
        ask("AssumeRole, trust names the caller's ARN", "allowed", lambda: assume(exact))
        root_arn = role("trust-root", root, doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))
        ask("AssumeRole, trust names the account root", "allowed (IAM grants sts:AssumeRole)", lambda: assume(root_arn))
        other = role(
            "trust-other",
            {"AWS": f"arn:aws:iam::{ACCOUNT}:user/someone-else"},
            doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
        )
        ask("AssumeRole, trust names another user", "denied", lambda: assume(other))
        glue_role = role(
            "trust-glue", {"Service": "glue.amazonaws.com"}, doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
        )
        ask("AssumeRole by a user, trust names only glue.amazonaws.com", "denied", lambda: assume(glue_role))
        # --- identity policies: resources and conditions
        reader = assume(exact)
        ask("GetObject inside the granted prefix", "allowed", lambda: reader("s3").get_object(Bucket="bkt", Key="a/1"))
        ask("GetObject outside the granted prefix", "denied", lambda: reader("s3").get_object(Bucket="bkt", Key="b/1"))
        ask(
            "PutObject inside the granted prefix (not granted)",
            "denied",
            lambda: reader("s3").put_object(Bucket="bkt", Key="a/2", Body=b"x"),
        )
        listing = role(
            "cond-list",
            {"AWS": user_arn},
            doc(
                {
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::bkt",
                    "Condition": {"StringLike": {"s3:prefix": ["a/*"]}},
                }
            ),
        )
        ask(
            "ListBucket, prefix outside a StringLike s3:prefix condition",
            "denied",
            lambda: assume(listing)("s3").list_objects_v2(Bucket="bkt", Prefix="b/"),
        )
        src = role(
            "cond-equals",
            {"AWS": user_arn},
            doc(
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}},
                }
            ),
        )
        ask(
            "GetObject, Allow with an unmet StringEquals condition",
            "denied",
            lambda: assume(src)("s3").get_object(Bucket="bkt", Key="a/1"),
        )
        deny_cond = role(
            "cond-deny",
            {"AWS": user_arn},
            doc(
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
                },
            ),
        )
        ask(
            "GetObject, Deny with an unmet StringEquals condition",
            "allowed",
            lambda: assume(deny_cond)("s3").get_object(Bucket="bkt", Key="a/1"),
        )
        lister = role(
            "lister",
            {"AWS": user_arn},
            doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt"}),
        )
        ask(
            "HeadBucket by a role allowed s3:ListBucket",
            "allowed",
            lambda: assume(lister)("s3").head_bucket(Bucket="bkt"),
        )
        ask(
            "GetBucketEncryption by a role allowed only s3:ListBucket",
            "denied",
            lambda: assume(lister)("s3").get_bucket_encryption(Bucket="bkt"),
        )
        glue.create_job(Name="job-x", Role=exact, Command={"Name": "glueetl", "ScriptLocation": "s3://bkt/a/1"})
        glue.create_job(Name="job-y", Role=exact, Command={"Name": "glueetl", "ScriptLocation": "s3://bkt/a/1"})
        scoped = role(
            "glue-scoped",
            {"AWS": user_arn},
            doc({"Effect": "Allow", "Action": "glue:GetJob", "Resource": f"arn:aws:glue:{REGION}:{ACCOUNT}:job/job-x"}),
        )
        ask(
            "glue:GetJob on the one job the policy names",
            "allowed",
            lambda: assume(scoped)("glue").get_job(JobName="job-x"),
        )
        ask("glue:GetJob on another job", "denied", lambda: assume(scoped)("glue").get_job(JobName="job-y"))
        star = role("glue-star", {"AWS": user_arn}, doc({"Effect": "Allow", "Action": "glue:GetJob", "Resource": "*"}))
        ask("glue:GetJob with Resource *", "allowed", lambda: assume(star)("glue").get_job(JobName="job-y"))
        # --- IAM on roles: the resource is the role's ARN
        self_edit = role(
            "deployer",
            {"AWS": user_arn},
            doc(
                {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Action": ["iam:PutRolePolicy", "iam:AttachRolePolicy"],
                    "Resource": f"arn:aws:iam::{ACCOUNT}:role/deployer",
                },
            ),
        )
        deployer = assume(self_edit)
        ask(
            "PutRolePolicy on its own role, denied by ARN",
            "denied",
            lambda: deployer("iam").put_role_policy(
                RoleName="deployer",
                PolicyName="q",
                PolicyDocument=json.dumps(doc({"Effect": "Allow", "Action": "*", "Resource": "*"})),
            ),
        )
        ask(
            "PutRolePolicy on another role",
            "allowed",
            lambda: deployer("iam").put_role_policy(
                RoleName="glue-star",
                PolicyName="q",
                PolicyDocument=json.dumps(doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})),
            ),
        )
        guard = iam.create_policy(
            PolicyName="guarded",
            PolicyDocument=json.dumps(doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})),
        )["Policy"]["Arn"]
        guarded = role(
            "policy-guard",
            {"AWS": user_arn},
            doc(
                {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
                {"Effect": "Deny", "Action": "iam:CreatePolicyVersion", "Resource": guard},
            ),
        )
        ask(
            "CreatePolicyVersion on a policy denied by its ARN",
            "denied",
            lambda: assume(guarded)("iam").create_policy_version(
                PolicyArn=guard, PolicyDocument=json.dumps(doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))
            ),
        )
        # --- permissions boundaries
        boundary = iam.create_policy(
            PolicyName="boundary",
            PolicyDocument=json.dumps(doc({"Effect": "Allow", "Action": "glue:*", "Resource": "*"})),
        )["Policy"]["Arn"]
        bounded = role(
            "bounded",
            {"AWS": user_arn},
            doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
            boundary=boundary,
        )
        ask(
            "GetObject allowed by the role, outside its boundary",
            "denied",
            lambda: assume(bounded)("s3").get_object(Bucket="bkt", Key="a/1"),
        )
        # --- bucket policies
        s3.create_bucket(Bucket="pol")
        s3.put_object(Bucket="pol", Key="k", Body=b"x")
        s3.put_bucket_policy(
            Bucket="pol",
            Policy=json.dumps(
                doc(
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:PutObject",
                        "Resource": "arn:aws:s3:::pol/*",
                        "Condition": {
                            "StringNotEquals": {
                                "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:123456789012:key/k"
                            }
                        },
                    },
                    {
                        "Effect": "Deny",
                        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/nobody"},
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::pol/*",
                    },
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": exact},
                        "Action": "s3:DeleteObject",
                        "Resource": "arn:aws:s3:::pol/*",
                    },
                )
            ),
        )
        ask(
            "bucket policy: Deny PutObject unless KMS key k, put WITH key k",
            "allowed",
            lambda: s3.put_object(
                Bucket="pol",
                Key="k2",
                Body=b"x",
                ServerSideEncryption="aws:kms",
                SSEKMSKeyId="arn:aws:kms:us-east-1:123456789012:key/k",
            ),
        )
        ask(
            "bucket policy: Deny GetObject to another principal, admin reads",
            "allowed",
            lambda: s3.get_object(Bucket="pol", Key="k"),
        )
        ask(
            "bucket policy: Allow DeleteObject to a role without an IAM grant",
            "allowed",
            lambda: reader("s3").delete_object(Bucket="pol", Key="k"),
        )
        ask(
            "bucket policy: Deny on PutObject, ListObjectsV2 by admin",
            "allowed",
            lambda: s3.list_objects_v2(Bucket="pol"),
        )
        # --- KMS key policies
        key_id = kms.create_key(
            Policy=json.dumps(
                doc({"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "kms:*", "Resource": "*"})
            )
        )["KeyMetadata"]["Arn"]
        kms_any = role(
            "kms-any",
            {"AWS": user_arn},
            doc({"Effect": "Allow", "Action": ["kms:Encrypt", "kms:DescribeKey"], "Resource": "*"}),
        )
        ask(
            "kms:Encrypt by a role the key policy does not name (IAM allows *)",
            "denied",
            lambda: assume(kms_any)("kms").encrypt(KeyId=key_id, Plaintext=b"x"),
        )
        kms_scoped = role(
            "kms-scoped", {"AWS": user_arn}, doc({"Effect": "Allow", "Action": "kms:Encrypt", "Resource": key_id})
        )
        ask(
            "kms:Encrypt with IAM scoped to the key's ARN (key policy names root)",
            "allowed if key policy delegates to IAM",
            lambda: assume(kms_scoped)("kms").encrypt(KeyId=key_id, Plaintext=b"x"),
        )
        deny_key = kms.create_key(
            Policy=json.dumps(
                doc(
                    {"Effect": "Allow", "Principal": root, "Action": "kms:*", "Resource": "*"},
                    {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:Encrypt", "Resource": "*"},
                )
            )
        )["KeyMetadata"]["Arn"]
        ask(
            "kms:Encrypt by admin, key policy denies Encrypt",
            "denied",
            lambda: kms.encrypt(KeyId=deny_key, Plaintext=b"x"),
        )
        ask(
            "kms:DescribeKey by admin, key policy denies only Encrypt",
            "allowed",
            lambda: kms.describe_key(KeyId=deny_key),
        )
        s3.put_bucket_encryption(
            Bucket="bkt",
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_id}}]
            },
        )
        s3.put_object(Bucket="bkt", Key="a/enc", Body=b"x")
        ask(
            "GetObject of an SSE-KMS object by a role with no kms grant",
            "denied",
            lambda: reader("s3").get_object(Bucket="bkt", Key="a/enc"),
        )
        # --- unknown identity
        ask(
            "call with a made-up access key",
            "denied",
            lambda: session(endpoint, "AKIAFAKEFAKEFAKEFAKE", "x")("s3").list_buckets(),
        )
        ask("AccessDenied message for an assumed role (printed below)", "-", lambda: None)
        try:
            reader("s3").get_object(Bucket="bkt", Key="b/1")
        except ClientError as error:
            message = json.dumps(error.response.get("Error"))
        try:
            reader("glue").get_job(JobName="job-y")
        except ClientError as error:
            glue_message = json.dumps(error.response.get("Error"))
    finally:
        proc.terminate()
        proc.wait()
    width = max(len(q) for q, _, _ in results)
    print(f"{'question':<{width}}  {'AWS':<40}  moto")
    for question, aws, moto in results:
        flag = "" if moto.startswith(aws.split(" ")[0]) or aws == "-" else "   <-- differs"
        print(f"{question:<{width}}  {aws:<40}  {moto}{flag}")
    print("S3 AccessDenied error:", message)
    print("Glue AccessDenied error:", glue_message)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
