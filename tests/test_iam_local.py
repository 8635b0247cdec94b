"""IAM enforced on ``local``: the admin identity, roles assumed through STS, denials in one line.

The emulator tests start moto's server as the tool does (IAM enforced, the tool's
patches to moto's evaluation) and deploy the sample jobs with boto3
(``emulator_deploy``: Glue jobs and their roles with exact-prefix grants).
The Terraform-made roles are tested in test_terraform_emulator.py.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from glue_release import aws, commands, declarations
from glue_release.emulator.control import Emulator, free_port
from glue_release.emulator.iam import admin, roles
from glue_release.emulator.iam.denied import AccessDenied, describe, terraform_denial
from glue_release.emulator.iam.moto_patches import principal_matches
from glue_release.errors import UserError
from glue_release.settings import Settings
from glue_release.smoke.emulator_deploy import bucket_name, deploy_jobs

ACCOUNT = "123456789012"

# ------------------------------------------------------------------ fast: the pieces


def test_a_denial_names_role_action_and_resource_in_one_line():
    line = describe(
        "role/glue-etl-local-revenue_rolling_7d",
        "s3",
        "HeadObject",
        {"Bucket": "curated", "Key": "_smoke/daily_revenue_rejects/part-0.parquet"},
        "",
        "us-east-1",
    )
    assert line == (
        "access denied: role/glue-etl-local-revenue_rolling_7d may not s3:GetObject "
        "on arn:aws:s3:::curated/_smoke/daily_revenue_rejects/part-0.parquet"
    )
    listing = describe("role/r", "s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "x/"}, "Access Denied", "us-east-1")
    assert listing == "access denied: role/r may not s3:ListBucket on arn:aws:s3:::b (prefix x/)"


def test_a_glue_denial_names_the_job_and_the_action_moto_names():
    message = "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: glue:GetJob"
    line = describe("role/r", "glue", "GetJob", {"JobName": "j"}, message, "eu-west-1")
    assert line == "access denied: role/r may not glue:GetJob on glue job j (eu-west-1)"


@pytest.mark.parametrize(
    ("principal", "caller", "matches"),
    [
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, f"arn:aws:iam::{ACCOUNT}:user/admin", True),
        ({"AWS": ACCOUNT}, f"arn:aws:sts::{ACCOUNT}:assumed-role/x/s", True),
        ({"AWS": "arn:aws:iam::999999999999:root"}, f"arn:aws:iam::{ACCOUNT}:user/admin", False),
        ({"AWS": [f"arn:aws:iam::{ACCOUNT}:user/other"]}, f"arn:aws:iam::{ACCOUNT}:user/admin", False),
        ({"Service": "glue.amazonaws.com"}, f"arn:aws:iam::{ACCOUNT}:user/admin", False),
        ({"Service": "glue.amazonaws.com"}, f"arn:aws:iam::{ACCOUNT}:user/aws-service-glue", True),
        ("*", f"arn:aws:iam::{ACCOUNT}:user/anyone", True),
    ],
)
def test_trust_principals_are_read_as_aws_reads_them(principal, caller, matches):
    assert principal_matches(principal, caller) is matches


# ------------------------------------------------------------------ against the emulator


@pytest.fixture(scope="module")
def settings(module_emulator_settings: Settings) -> Settings:
    return module_emulator_settings


@pytest.fixture(scope="module")
def jobs(settings: Settings) -> dict[str, declarations.JobDeclaration]:
    jobs = declarations.load_jobs()
    deploy_jobs(settings, jobs)
    return jobs


def job_s3(settings: Settings, job: str):  # an S3 client signed as the job's role, taken from the deployed job
    role = aws.client(settings, "glue").get_job(JobName=f"{settings.name_prefix}-{job}")["Job"]["Role"]
    return aws.client(settings, "s3", roles.job_credentials(settings, role, job))


@pytest.mark.emulator
def test_unsigned_and_made_up_keys_are_refused(settings):
    emulator = settings.emulator
    for key in ("test", "AKIAFAKEFAKEFAKEFAKE"):
        client = boto3.client(
            "s3",
            endpoint_url=emulator.endpoint,
            verify=str(emulator.cert),
            aws_access_key_id=key,
            aws_secret_access_key="test",
            region_name="us-east-1",
        )
        with pytest.raises(ClientError, match="InvalidAccessKeyId"):
            client.list_buckets()


@pytest.mark.emulator
def test_the_admin_identity_belongs_to_the_running_server(settings):
    emulator = settings.emulator
    stored = json.loads(admin.identity_file(emulator).read_text())
    assert stored["server_pid"] == emulator.pid()
    assert admin.ensure(emulator).admin.access_key_id == stored["admin"]["access_key_id"]  # made once, reused
    who = aws.client(settings, "sts").get_caller_identity()["Arn"]
    assert who == f"arn:aws:iam::{ACCOUNT}:user/{admin.ADMIN_USER}"


@pytest.mark.emulator
def test_only_the_glue_stand_in_may_assume_a_job_role(settings, jobs):
    role = aws.client(settings, "glue").get_job(JobName=f"{settings.name_prefix}-customers_clean")["Job"]["Role"]
    with pytest.raises(AccessDenied, match="sts:AssumeRole"):
        aws.client(settings, "sts").assume_role(RoleArn=role, RoleSessionName="admin-tries")
    credentials = roles.job_credentials(settings, role, "customers_clean")
    assert credentials.principal == role and credentials.session_token


@pytest.mark.emulator
def test_a_job_role_reads_its_declared_input(settings, jobs):
    curated = bucket_name(settings, "curated")
    aws.client(settings, "s3").put_object(Bucket=curated, Key="_smoke/daily_revenue/part-0.json", Body=b"{}")
    body = job_s3(settings, "revenue_rolling_7d").get_object(Bucket=curated, Key="_smoke/daily_revenue/part-0.json")
    assert body["Body"].read() == b"{}"


@pytest.mark.emulator
def test_reading_outside_the_declared_inputs_is_denied_naming_role_action_and_resource(settings, jobs):
    curated = bucket_name(settings, "curated")
    key = "_smoke/daily_revenue_rejects/part-0.json"  # a sibling of its input daily_revenue/, another job's output
    aws.client(settings, "s3").put_object(Bucket=curated, Key=key, Body=b"{}")
    with pytest.raises(AccessDenied) as denied:
        job_s3(settings, "revenue_rolling_7d").get_object(Bucket=curated, Key=key)
    assert str(denied.value) == (
        f"access denied: role/{settings.name_prefix}-revenue_rolling_7d may not s3:GetObject "
        f"on arn:aws:s3:::{curated}/{key}"
    )


@pytest.mark.emulator
def test_a_job_role_cannot_write_its_inputs(settings, jobs):
    raw = bucket_name(settings, "raw")
    with pytest.raises(AccessDenied, match=r"may not s3:PutObject on arn:aws:s3:::.*-raw/_smoke/orders/x"):
        job_s3(settings, "orders_daily_revenue").put_object(Bucket=raw, Key="_smoke/orders/x", Body=b"x")


@pytest.mark.emulator
def test_local_env_prints_exports_a_shell_can_use(settings, capsys):
    commands.local_env({"emulator": {"port": settings.emulator_port}, "build_root": str(settings.build_root)})
    lines = capsys.readouterr().out.splitlines()
    exports = dict(line.removeprefix("export ").split("=", 1) for line in lines if line.startswith("export "))
    assert lines[0] == "unset AWS_SESSION_TOKEN AWS_PROFILE"
    assert exports["AWS_ENDPOINT_URL"] == settings.emulator.endpoint
    client = boto3.client(
        "sts",
        endpoint_url=exports["AWS_ENDPOINT_URL"],
        verify=exports["AWS_CA_BUNDLE"],
        aws_access_key_id=exports["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=exports["AWS_SECRET_ACCESS_KEY"],
        region_name=exports["AWS_REGION"],
    )
    assert client.get_caller_identity()["Arn"].endswith(f":user/{admin.ADMIN_USER}")


def test_a_terraform_denial_becomes_one_line_naming_the_role():
    stderr = (
        "Error: creating Glue Job (glue-etl-local-x): operation error Glue: CreateJob, https response error "
        "StatusCode: 403, RequestID: 1, api error AccessDenied: User: arn:aws:sts::123456789012:assumed-role/"
        "glue-etl-local-deploy/glue-release-deploy is not authorized to perform: glue:CreateJob\n"
        '  with module.glue_job["x"].aws_glue_job.this,\n'
    )
    assert terraform_denial(stderr) == (
        'access denied: role/glue-etl-local-deploy may not glue:CreateJob on module.glue_job["x"].aws_glue_job.this'
    )
    s3 = "Error: operation error S3: PutObject, https response error StatusCode: 403, api error AccessDenied: Denied"
    assert terraform_denial(s3) == "access denied: the caller may not s3:PutObject on its resource"
    assert terraform_denial("Error: Saved plan is stale") is None


@pytest.mark.emulator
def test_an_emulator_that_does_not_check_calls_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(admin, "server_env", lambda: {"INITIAL_NO_AUTH_ACTION_COUNT": "inf"})  # as before IAM
    emulator = Emulator(port=free_port(), state_dir=tmp_path)
    try:
        with pytest.raises(UserError, match="accepts unsigned calls"):
            emulator.up()
    finally:
        emulator.down()


def _doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture(scope="module")
def probe_role(settings):  # a role the admin may assume (trust: the account), with a given policy and boundary
    iam = aws.client(settings, "iam")
    trust = _doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"})

    def make(name: str, policy: dict, boundary: str | None = None):
        iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=trust, **({"PermissionsBoundary": boundary} if boundary else {})
        )
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=_doc(policy))
        arn = f"arn:aws:iam::{ACCOUNT}:role/{name}"
        return lambda service: aws.client(settings, service, roles.assume(settings, arn, "probe", via="admin"))

    return make


@pytest.mark.emulator
def test_the_emulator_evaluates_as_aws_where_moto_would_refuse_correct_policies(settings, jobs, probe_role):
    iam, curated = aws.client(settings, "iam"), bucket_name(settings, "curated")
    # HeadBucket is s3:ListBucket (moto: s3:HeadBucket, which nothing grants)
    lister = probe_role("lister", {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{curated}"})
    lister("s3").head_bucket(Bucket=curated)
    # a resource-scoped Glue grant applies (moto checks Glue calls against "*")
    job = f"{settings.name_prefix}-customers_clean"
    arn = f"arn:aws:glue:us-east-1:{ACCOUNT}:job/{job}"
    probe_role("glue-reader", {"Effect": "Allow", "Action": "glue:GetJob", "Resource": arn})("glue").get_job(
        JobName=job
    )
    # a Deny with a condition moto cannot evaluate does not apply (moto: it always did)
    conditional = probe_role(
        "conditional-deny",
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
    )
    iam.put_role_policy(
        RoleName="conditional-deny",
        PolicyName="deny",
        PolicyDocument=_doc(
            {
                "Effect": "Deny",
                "Action": "s3:ListBucket",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
            }
        ),
    )
    conditional("s3").list_objects_v2(Bucket=curated)
    # a permissions boundary limits the role (moto: ignored)
    boundary = iam.create_policy(
        PolicyName="glue-only", PolicyDocument=_doc({"Effect": "Allow", "Action": "glue:*", "Resource": "*"})
    )["Policy"]["Arn"]
    bounded = probe_role("bounded", {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}, boundary)
    with pytest.raises(AccessDenied, match="role/bounded may not s3:ListBucket"):
        bounded("s3").list_objects_v2(Bucket=curated)
    # a Deny naming a managed policy's ARN holds for calls on that policy (moto: checked against "*")
    guard = probe_role(
        "guard",
        {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
    )
    iam.put_role_policy(
        RoleName="guard",
        PolicyName="deny",
        PolicyDocument=_doc({"Effect": "Deny", "Action": "iam:CreatePolicyVersion", "Resource": boundary}),
    )
    with pytest.raises(AccessDenied, match="iam:CreatePolicyVersion"):
        guard("iam").create_policy_version(
            PolicyArn=boundary, PolicyDocument=_doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
        )
