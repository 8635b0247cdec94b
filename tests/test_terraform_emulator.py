"""Terraform against the local emulator: the root module with example jobs.

Starts from the test run's shared deployment (``local_deployment`` in conftest.py: bootstrap and
root module applied by the release tool, S3 backend in the emulator) and applies `terraform/` with
environments/local.tfvars and a release var file of three jobs shaped as in docs/architecture.md
(scheduled, conditional on the first, on demand; bookmarks; a worker type local caps). That apply
changes only the Glue side, so it waits on no S3 lifecycle rule (each costs ~55 s to create: the
provider's floor). Then it checks the deployed jobs with boto3, that a second plan is empty and that
a new script key changes exactly that job. Terraform runs as a subprocess, in the tool's data
directory and with the tool's environment (CLI config from INVOKE_PROVIDER_MIRROR, emulator endpoint).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from glue_release import release
from glue_release.emulator.iam import admin

boto3 = pytest.importorskip("boto3")

REPO = Path(__file__).resolve().parents[1]
TERRAFORM = REPO / "terraform"
ENVIRONMENTS = REPO / "environments"
REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
NAME_PREFIX = "glue-etl-local"
ARTIFACTS_BUCKET = "glue-etl-local-artifacts"

pytestmark = [
    pytest.mark.emulator,
]


def job(**overrides: object) -> dict[str, object]:
    """A job as the release tool writes it into the var file (every field present)."""
    return {
        "description": "example",
        "glue_version": "5.0",
        "worker_type": "G.1X",
        "number_of_workers": 2,
        "timeout_minutes": 30,
        "max_retries": 0,
        "max_concurrent_runs": 1,
        "bookmarks": False,
        "schedule": None,
        "depends_on": [],
        "arguments": {},
        "inputs": {},
        "outputs": {},
        **overrides,
    }


JOBS = {
    "customers_clean": job(
        description="Clean customer records",
        schedule="cron(0 3 * * ? *)",
        arguments={"min_age": "18"},
        inputs={"input_path": {"bucket": "raw", "prefix": "customers/"}},
        outputs={"output_path": {"bucket": "curated", "prefix": "customers_clean/"}},
    ),
    "orders_daily_revenue": job(
        description="Daily revenue per customer",
        worker_type="G.2X",
        number_of_workers=10,
        bookmarks=True,
        depends_on=["customers_clean"],
        inputs={
            "orders_path": {"bucket": "raw", "prefix": "orders/"},
            "customers_path": {"bucket": "curated", "prefix": "customers_clean/"},
        },
        outputs={"output_path": {"bucket": "curated", "prefix": "daily_revenue/"}},
    ),
    "revenue_rolling_7d": job(
        description="Rolling 7-day revenue, on demand",
        inputs={"input_path": {"bucket": "curated", "prefix": "daily_revenue/"}},
        outputs={"output_path": {"bucket": "curated", "prefix": "revenue_rolling_7d/"}},
    ),
}


def artifacts(hashes: dict[str, str]) -> dict[str, object]:
    return {
        "library_key": "lib/5e1f/glue_runtime.zip",
        "jobs": {
            name: {
                "script_key": f"jobs/{name}/{hashes[name]}/main.py",
                "module_key": f"jobs/{name}/{hashes[name]}/{name}.zip",
            }
            for name in JOBS
        },
    }


HASHES = {"customers_clean": "c0ffee", "orders_daily_revenue": "beef01", "revenue_rolling_7d": "d00d02"}


# --------------------------------------------------------------------------- emulator


@dataclass
class Endpoint:
    url: str
    cert: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def endpoint(local_deployment) -> Endpoint:
    """The shared deployment's emulator (tests/conftest.py), as Terraform and boto3 reach it."""
    local_deployment.converge()
    emulator = local_deployment.settings.emulator
    return Endpoint(emulator.endpoint, emulator.cert, emulator.aws_env(REGION))


# --------------------------------------------------------------------------- terraform


@dataclass
class Tf:
    cwd: Path
    env: dict[str, str]

    def __call__(self, *args: str, ok: tuple[int, ...] = (0,), timeout: int = 900) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["terraform", *args, "-no-color"],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode in ok, (
            f"terraform {args[0]} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
        return result


def backend_value(backend_file: Path, name: str) -> str:
    match = re.search(rf'^\s*{name}\s*=\s*"([^"]+)"', backend_file.read_text(), re.MULTILINE)
    assert match, f"no {name} in {backend_file}"
    return match[1]


@dataclass
class Deployment:
    root: Tf
    var_args: list[str]
    tmp: Path
    endpoint: Endpoint

    def client(self, service: str):  # a boto3 client
        return boto3.client(
            service,
            endpoint_url=self.endpoint.url,
            verify=str(self.endpoint.cert),
            region_name=REGION,
            aws_access_key_id=self.endpoint.env["AWS_ACCESS_KEY_ID"],  # IAM is enforced: the admin's keys
            aws_secret_access_key=self.endpoint.env["AWS_SECRET_ACCESS_KEY"],
        )


@pytest.fixture(scope="module")
def deployment(endpoint: Endpoint, local_deployment, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    settings = local_deployment.settings
    tmp = tmp_path_factory.mktemp("terraform-emulator")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "AWS_"))}
    env.update(
        release.terraform_env(settings),
        TF_IN_AUTOMATION="1",
        TF_DATA_DIR=str(settings.build_dir / "terraform-data"),  # initialised by the deploy
    )
    release_file = tmp / "release.tfvars.json"
    release_file.write_text(json.dumps({"jobs": JOBS, "artifacts": artifacts(HASHES)}, indent=2))
    root = Tf(TERRAFORM, env)
    var_args = [f"-var-file={ENVIRONMENTS / 'local.tfvars'}", f"-var=aws_endpoint_url={endpoint.url}"]
    local_deployment.changed()  # these example jobs replace the checked-in ones
    root("apply", "-input=false", "-auto-approve", *var_args, f"-var-file={release_file}")
    return Deployment(root, var_args, tmp, endpoint)


# --------------------------------------------------------------------------- tests


def aws_name(job_name: str) -> str:
    return f"{NAME_PREFIX}-{job_name}"


@pytest.mark.parametrize("name", sorted(JOBS))
def test_job_definition(deployment: Deployment, name: str) -> None:
    glue = deployment.client("glue")
    deployed = glue.get_job(JobName=aws_name(name))["Job"]
    declared = JOBS[name]
    args = deployed["DefaultArguments"]

    assert deployed["Command"]["Name"] == "glueetl"
    assert deployed["Command"]["ScriptLocation"] == f"s3://{ARTIFACTS_BUCKET}/jobs/{name}/{HASHES[name]}/main.py"
    assert deployed["Role"] == f"arn:aws:iam::{ACCOUNT}:role/{aws_name(name)}"
    assert deployed["GlueVersion"] == "5.0"
    assert deployed["SecurityConfiguration"] == f"{NAME_PREFIX}-jobs"
    # local.tfvars forces G.1X and caps the workers at 2.
    assert (deployed["WorkerType"], deployed["NumberOfWorkers"]) == ("G.1X", 2)
    platform = deployed["NonOverridableArguments"]
    assert "--extra-py-files" not in args, "platform arguments are non-overridable, not defaults"
    args = {**args, **platform}
    assert args["--extra-py-files"] == (
        f"s3://{ARTIFACTS_BUCKET}/lib/5e1f/glue_runtime.zip,"
        f"s3://{ARTIFACTS_BUCKET}/jobs/{name}/{HASHES[name]}/{name}.zip"
    )
    assert args["--job-bookmark-option"] == ("job-bookmark-enable" if declared["bookmarks"] else "job-bookmark-disable")
    assert args["--TempDir"] == f"s3://{NAME_PREFIX}-{ACCOUNT}-temp/{name}/"
    assert args["--enable-continuous-cloudwatch-log"] == "true"
    assert args["--enable-metrics"] == "true"
    assert args["--environment"] == "local"
    for arg, value in declared["arguments"].items():
        assert args[f"--{arg}"] == value
    for arg, loc in {**declared["inputs"], **declared["outputs"]}.items():
        assert args[f"--{arg}"] == f"s3://{NAME_PREFIX}-{ACCOUNT}-{loc['bucket']}/{loc['prefix']}"


def test_security_configuration(deployment: Deployment) -> None:
    config = deployment.client("glue").get_security_configuration(Name=f"{NAME_PREFIX}-jobs")["SecurityConfiguration"]
    encryption = config["EncryptionConfiguration"]
    assert encryption["S3Encryption"][0]["S3EncryptionMode"] == "SSE-KMS"
    assert encryption["CloudWatchEncryption"]["CloudWatchEncryptionMode"] == "SSE-KMS"
    assert encryption["JobBookmarksEncryption"]["JobBookmarksEncryptionMode"] == "CSE-KMS"


def test_job_graph_is_one_workflow(deployment: Deployment) -> None:
    """customers_clean -> orders_daily_revenue run in one workflow; revenue_rolling_7d stands alone."""
    glue = deployment.client("glue")
    workflow = f"{aws_name('customers_clean')}-chain"
    assert glue.list_workflows()["Workflows"] == [workflow]
    triggers = {t["Name"]: t for t in glue.get_triggers()["Triggers"]}

    start = triggers[f"{workflow}-start"]
    assert start["WorkflowName"] == workflow
    assert start["Type"] == "ON_DEMAND", "local.tfvars disables schedules: the workflow starts on demand"
    assert start["Actions"] == [{"JobName": aws_name("customers_clean")}]

    conditional = triggers[f"{aws_name('orders_daily_revenue')}-on-upstream"]
    assert conditional["WorkflowName"] == workflow
    assert conditional["Type"] == "CONDITIONAL"
    assert conditional["Actions"] == [{"JobName": aws_name("orders_daily_revenue")}]
    assert conditional["Predicate"]["Conditions"] == [
        {"LogicalOperator": "EQUALS", "JobName": aws_name("customers_clean"), "State": "SUCCEEDED"}
    ]

    assert not any(aws_name("revenue_rolling_7d") in t for t in triggers), "an on-demand job has no trigger"
    assert f"{aws_name('customers_clean')}-schedule" not in triggers, "a chained job starts through its workflow"


def test_state_is_stored_with_the_tfstate_key(deployment: Deployment) -> None:
    backend = ENVIRONMENTS / "local.s3.tfbackend"
    head = deployment.client("s3").head_object(
        Bucket=backend_value(backend, "bucket"), Key=backend_value(backend, "key")
    )
    # The backend must name the tfstate key: with `encrypt` alone it would send AES256.
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/{NAME_PREFIX}-tfstate"


def test_role_policy_is_scoped(deployment: Deployment) -> None:
    iam = deployment.client("iam")
    name = aws_name("orders_daily_revenue")
    document = iam.get_role_policy(RoleName=name, PolicyName="glue-job")["PolicyDocument"]
    statements = {s["Sid"]: s for s in document["Statement"]}
    writes = statements["WriteData"]["Resource"]
    assert f"arn:aws:s3:::{NAME_PREFIX}-{ACCOUNT}-curated/daily_revenue/*" in writes
    assert f"arn:aws:s3:::{NAME_PREFIX}-{ACCOUNT}-curated/_smoke/daily_revenue/*" in writes
    assert not any(r.endswith("daily_revenue*") for r in writes), "grants are exact prefixes"
    assert not any(f"{NAME_PREFIX}-{ACCOUNT}-raw/" in r for r in writes), "inputs must not be writable"
    assert not any("customers_clean" in r for r in writes), "inputs must not be writable"
    for statement in document["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not any("*" in a for a in actions), statement


def test_log_groups(deployment: Deployment) -> None:
    logs = deployment.client("logs")
    prefix = f"/aws-glue/jobs/{NAME_PREFIX}/customers_clean/"
    groups = logs.describe_log_groups(logGroupNamePrefix=prefix)["logGroups"]
    assert sorted(g["logGroupName"] for g in groups) == [f"{prefix}error", f"{prefix}output"]
    assert all(g.get("kmsKeyId") and g.get("retentionInDays") == 1 for g in groups)


def test_second_plan_is_empty(deployment: Deployment) -> None:
    release_vars = deployment.tmp / "release.tfvars.json"
    result = deployment.root(
        "plan", "-input=false", "-detailed-exitcode", *deployment.var_args, f"-var-file={release_vars}"
    )
    assert result.returncode == 0, result.stdout


def test_new_script_key_changes_only_that_job(deployment: Deployment) -> None:
    changed = deployment.tmp / "release-changed.tfvars.json"
    changed.write_text(json.dumps({"jobs": JOBS, "artifacts": artifacts({**HASHES, "customers_clean": "fade07"})}))
    plan_file = deployment.tmp / "changed.tfplan"
    deployment.root(
        "plan",
        "-input=false",
        "-detailed-exitcode",
        f"-out={plan_file}",
        *deployment.var_args,
        f"-var-file={changed}",
        ok=(2,),
    )
    shown = json.loads(deployment.root("show", "-json", str(plan_file)).stdout)
    changes = {
        c["address"]: c["change"]["actions"] for c in shown["resource_changes"] if c["change"]["actions"] != ["no-op"]
    }
    assert changes == {'module.glue_job["customers_clean"].aws_glue_job.this': ["update"]}


# --------------------------------------------------------------------------- IAM enforced (glue_release/emulator/iam)
# The emulator enforces IAM (tests/conftest.py starts it as the tool does); Terraform ran as its admin.


def bootstrap_outputs(local_deployment) -> dict[str, object]:
    return release.bootstrap_terraform(local_deployment.settings).outputs()


def signed_as(deployment: Deployment, service: str, credentials: dict[str, str]):  # a boto3 client
    return boto3.client(
        service,
        endpoint_url=deployment.endpoint.url,
        verify=str(deployment.endpoint.cert),
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def assume(deployment: Deployment, role_arn: str, keys: object = None) -> dict[str, str]:
    """``role_arn``'s session, assumed by the admin, or with ``keys`` (the Glue stand-in's, for job roles)."""
    sts = (
        deployment.client("sts")
        if keys is None
        else boto3.client(
            "sts",
            endpoint_url=deployment.endpoint.url,
            verify=str(deployment.endpoint.cert),
            region_name=REGION,
            aws_access_key_id=keys.access_key_id,  # type: ignore[attr-defined]
            aws_secret_access_key=keys.secret_access_key,  # type: ignore[attr-defined]
        )
    )
    return sts.assume_role(RoleArn=role_arn, RoleSessionName="test")["Credentials"]


def denied(call) -> bool:  # type: ignore[no-untyped-def]
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"] in ("AccessDenied", "403")
    return False


@pytest.fixture(scope="module")
def job_s3(deployment: Deployment, local_deployment):  # type: ignore[no-untyped-def]
    """revenue_rolling_7d's role, from its deployed Glue job, assumed as Glue assumes it."""
    role = deployment.client("glue").get_job(JobName=aws_name("revenue_rolling_7d"))["Job"]["Role"]
    glue = admin.ensure(local_deployment.settings.emulator).glue
    return signed_as(deployment, "s3", assume(deployment, role, glue))


CURATED = f"{NAME_PREFIX}-{ACCOUNT}-curated"


def test_job_role_reads_its_input_and_is_denied_another_jobs_output(deployment: Deployment, job_s3) -> None:
    s3 = deployment.client("s3")
    for key in ("_smoke/daily_revenue/part-0.json", "_smoke/customers_clean/part-0.json"):
        s3.put_object(Bucket=CURATED, Key=key, Body=b"{}")
    assert job_s3.get_object(Bucket=CURATED, Key="_smoke/daily_revenue/part-0.json")["Body"].read() == b"{}"
    assert denied(lambda: job_s3.get_object(Bucket=CURATED, Key="_smoke/customers_clean/part-0.json"))
    assert denied(lambda: job_s3.put_object(Bucket=CURATED, Key="_smoke/daily_revenue/x", Body=b"x"))


def test_job_role_is_denied_a_sibling_of_its_input(deployment: Deployment, job_s3) -> None:
    key = "_smoke/daily_revenue_rejects/part-0.json"
    deployment.client("s3").put_object(Bucket=CURATED, Key=key, Body=b"{}")
    assert denied(lambda: job_s3.get_object(Bucket=CURATED, Key=key))


def release_role(local_deployment, output: str) -> str:
    arn = bootstrap_outputs(local_deployment).get(output)
    assert arn, f"terraform/bootstrap has no {output} output"
    return str(arn)


def test_deploy_role_cannot_change_its_own_policies_or_its_boundary(deployment: Deployment, local_deployment) -> None:
    arn = release_role(local_deployment, "deploy_role_arn")
    name = arn.rsplit("/", 1)[-1]
    iam = signed_as(deployment, "iam", assume(deployment, arn))
    boundary = deployment.client("iam").get_role(RoleName=name)["Role"].get("PermissionsBoundary", {})
    assert boundary.get("PermissionsBoundaryArn"), "the deploy role has no permissions boundary"
    boundary_arn = boundary["PermissionsBoundaryArn"]
    everything = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    attempts = {
        "PutRolePolicy": lambda: iam.put_role_policy(RoleName=name, PolicyName="x", PolicyDocument=everything),
        "AttachRolePolicy": lambda: iam.attach_role_policy(
            RoleName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"
        ),
        "DeleteRolePermissionsBoundary": lambda: iam.delete_role_permissions_boundary(RoleName=name),
        "PutRolePermissionsBoundary": lambda: iam.put_role_permissions_boundary(
            RoleName=name, PermissionsBoundary="arn:aws:iam::aws:policy/AdministratorAccess"
        ),
        "CreatePolicyVersion on the boundary": lambda: iam.create_policy_version(
            PolicyArn=boundary_arn, PolicyDocument=everything, SetAsDefault=True
        ),
    }
    allowed = [what for what, call in attempts.items() if not denied(call)]
    assert not allowed, f"the deploy role may change itself: {allowed}"


def test_plan_role_plans_but_cannot_write_state_nor_take_the_lock(deployment: Deployment, local_deployment) -> None:
    credentials = assume(deployment, release_role(local_deployment, "plan_role_arn"))
    env = {
        **deployment.root.env,
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
    }
    release_vars = deployment.tmp / "release.tfvars.json"
    plan = Tf(TERRAFORM, env)
    plan("plan", "-input=false", "-lock=false", *deployment.var_args, f"-var-file={release_vars}", ok=(0, 2))
    locked = plan("plan", "-input=false", *deployment.var_args, f"-var-file={release_vars}", ok=(1,))
    assert "lock" in locked.stderr.lower(), locked.stderr
    s3 = signed_as(deployment, "s3", credentials)
    state = backend_value(ENVIRONMENTS / "local.s3.tfbackend", "bucket")
    key = backend_value(ENVIRONMENTS / "local.s3.tfbackend", "key")
    assert denied(lambda: s3.put_object(Bucket=state, Key=key, Body=b"{}"))
    assert denied(lambda: s3.put_object(Bucket=state, Key=f"{key}.tflock", Body=b"{}"))
