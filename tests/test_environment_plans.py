"""What job.yaml declares reaches Terraform's plan: real Terraform, the emulator.

- ``environments.prod`` overrides reach prod's plan and no other;
- ``python_modules`` become ``--additional-python-modules`` with content-hashed S3 wheel URIs.

The root module is planned (not applied) for ``test`` and ``prod`` with their own
tfvars and the var file ``package`` writes for each. The emulator stands in for
both accounts: the artifacts bucket and key alias the root module looks up are
created with boto3, and state goes to the emulator's S3 under a key per
environment. ``test`` caps workers at 10, so a leaked 20 would show there as 10.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from glue_release import declarations
from glue_release.artifacts import packaging
from glue_release.artifacts.dependencies.wheels import CACHE_DIR as WHEEL_CACHE
from glue_release.emulator.control import ACCOUNT_ID, Emulator
from glue_release.paths import ENVIRONMENTS_DIR, JOBS_DIR, TERRAFORM_DIR
from glue_release.settings import load_settings, read_tfvars
from glue_release.terraform.runner import TerraformRunner, cli_config

boto3 = pytest.importorskip("boto3")

pytestmark = [pytest.mark.emulator]

JOB = "customers_clean"
ADDRESS = f'module.glue_job["{JOB}"].aws_glue_job.this'


def client(emulator: Emulator, service: str, region: str):  # a boto3 client
    return boto3.client(
        service,
        endpoint_url=emulator.endpoint,
        verify=str(emulator.cert),
        region_name=region,
        # IAM is enforced on the emulator: the admin's keys, as Terraform's environment here has them.
        aws_access_key_id=emulator.admin_credentials()[0],
        aws_secret_access_key=emulator.admin_credentials()[1],
    )


def account_lookups(emulator: Emulator, env: str) -> None:
    """What terraform/bootstrap would have made in the environment's account: artifacts bucket and key alias."""
    settings = load_settings(env)
    s3 = client(emulator, "s3", settings.region)
    s3.create_bucket(
        Bucket=settings.artifacts_bucket, CreateBucketConfiguration={"LocationConstraint": settings.region}
    )
    kms = client(emulator, "kms", settings.region)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=f"alias/{settings.name_prefix}-artifacts", TargetKeyId=key)


@pytest.fixture(scope="module")
def jobs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, declarations.JobDeclaration]:
    jobs_dir = tmp_path_factory.mktemp("jobs") / "jobs"
    shutil.copytree(JOBS_DIR, jobs_dir, ignore=shutil.ignore_patterns("__pycache__"))
    declaration = jobs_dir / JOB / "job.yaml"
    declaration.write_text(
        declaration.read_text()
        + "environments:\n  prod: {number_of_workers: 20}\n"
        + "python_modules: [pyyaml==6.0.2]\n"
    )
    script = jobs_dir / JOB / "main.py"
    script.write_text(script.read_text() + "\nimport yaml  # noqa: E402, F401  (the declared module)\n")
    return declarations.load_jobs(jobs_dir)


def plan_env(emulator: Emulator, env: str, jobs: dict[str, declarations.JobDeclaration], tmp: Path) -> dict:
    """The saved plan as JSON, with what Terraform printed while planning under ``"printed"``."""
    account_lookups(emulator, env)
    build = tmp / env
    packaging.package(jobs, build, env=env)
    environment = {
        **cli_config(os.environ.get("INVOKE_PROVIDER_MIRROR"), tmp / "terraform.rc", tmp / "plugin-cache"),
        **emulator.aws_env(load_settings(env).region),
    }
    runner = TerraformRunner(TERRAFORM_DIR, build / "terraform-data", environment)
    local_backend = ENVIRONMENTS_DIR / "local.s3.tfbackend"
    runner.init([str(local_backend), f"key=environment-plans/{env}.tfstate", "region=us-east-1"])
    plan_file = build / "tfplan"
    _, printed = runner.plan(
        plan_file,
        [ENVIRONMENTS_DIR / f"{env}.tfvars", build / "release.tfvars.json"],
        # The emulator is moto's account; test's and prod's tfvars name theirs (allowed_account_ids).
        {"aws_endpoint_url": emulator.endpoint, "account_id": ACCOUNT_ID},
    )
    return {**runner.show_json(plan_file), "printed": printed}


def planned_job(plan: dict) -> dict:
    change = next(rc for rc in plan["resource_changes"] if rc["address"] == ADDRESS)
    return change["change"]["after"]


@pytest.fixture(scope="module")
def plans(emulator: Emulator, jobs, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    state_bucket = read_tfvars(ENVIRONMENTS_DIR / "local.s3.tfbackend")["bucket"]
    s3 = client(emulator, "s3", "us-east-1")
    if state_bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=state_bucket)
    tmp = tmp_path_factory.mktemp("environment-plans")
    return {env: plan_env(emulator, env, jobs, tmp) for env in ("test", "prod")}


def test_prod_override_shows_in_prods_plan_only(plans):
    assert planned_job(plans["prod"])["number_of_workers"] == 20
    assert planned_job(plans["test"])["number_of_workers"] == 2
    other = ADDRESS.replace(JOB, "orders_daily_revenue")
    assert (
        next(rc for rc in plans["prod"]["resource_changes"] if rc["address"] == other)["change"]["after"][
            "number_of_workers"
        ]
        == 2
    )


def test_an_environments_tfvars_plans_without_warnings(plans):
    """One tfvars file per environment feeds terraform/ and terraform/bootstrap: each declares all of it."""
    for env, plan in plans.items():
        assert "Warning" not in plan["printed"], f"{env}: {plan['printed']}"


def test_python_modules_are_content_hashed_wheels_installed_without_an_index(plans):
    arguments = planned_job(plans["prod"])["default_arguments"]
    uris = arguments["--additional-python-modules"].split(",")
    assert len(uris) == 1
    match = re.fullmatch(
        r"s3://acme-glue-etl-prod-artifacts/jobs/customers_clean/python/([0-9a-f]{64})/"
        r"(PyYAML-6\.0\.2-cp311-cp311-manylinux[^/]*x86_64\.whl)",
        uris[0],
    )
    assert match, uris[0]
    wheel = next(WHEEL_CACHE.rglob(match[2]))
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == match[1]
    assert arguments["--python-modules-installer-option"] == "--no-index"
    other = ADDRESS.replace(JOB, "orders_daily_revenue")
    other_arguments = next(rc for rc in plans["prod"]["resource_changes"] if rc["address"] == other)["change"]["after"][
        "default_arguments"
    ]
    assert "--additional-python-modules" not in other_arguments
