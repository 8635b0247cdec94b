"""External buckets against the emulator and real Terraform, on the shared cold deploy.

- the deploy made local's stand-in for another team's bucket (local.tfvars
  ``external_buckets``) outside Terraform: no resource of the plan touches it;
- the glue-job-role module, applied with the real AWS provider, grants a job exactly its
  prefixes there: moto's enforced IAM lets the role read ``orders/`` and write
  ``exchange/``, and refuses the sibling ``orders_rejects/`` and writes to ``orders/``.
  (Key scoping is in the module's ``terraform test``: moto enforces no KMS key use.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glue_release import aws, release
from glue_release.declarations.external_buckets import read_external_buckets
from glue_release.emulator.iam import roles
from glue_release.emulator.iam.denied import AccessDenied
from glue_release.paths import TERRAFORM_DIR

pytestmark = [pytest.mark.emulator]

PROBE = """\
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.100" }
  }
}

variable "endpoint" { type = string }

provider "aws" {
  region                      = "us-east-1"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  endpoints {
    iam = var.endpoint
    s3  = var.endpoint
    sts = var.endpoint
  }
}

module "role" {
  source = "%(module)s"

  name                       = "glue-etl-local-partner_probe"
  artifacts_bucket_arn       = "arn:aws:s3:::glue-etl-local-artifacts"
  artifact_prefixes          = ["jobs/partner_probe/"]
  read_locations             = [{ bucket_arn = "arn:aws:s3:::%(bucket)s", prefix = "orders/" }]
  write_locations            = [{ bucket_arn = "arn:aws:s3:::%(bucket)s", prefix = "exchange/" }]
  temp_location              = { bucket_arn = "arn:aws:s3:::%(bucket)s", prefix = "tmp/partner_probe/" }
  log_group_names            = ["/aws-glue/jobs/glue-etl-local/partner_probe/output"]
  kms_key_arns               = ["arn:aws:kms:us-east-1:123456789012:key/partner-probe"]
}

output "arn" { value = module.role.arn }
"""


@pytest.fixture(scope="module")
def partner_bucket(local_deployment) -> str:
    return read_external_buckets(local_deployment.settings.tfvars)["partner_feed"].bucket


def test_the_deploy_made_the_stand_in_outside_terraform(local_deployment, partner_bucket):
    settings = local_deployment.settings
    s3 = aws.client(settings, "s3")
    s3.head_bucket(Bucket=partner_bucket)  # made by the tool (emulator/standins.py), as its owner would have
    plan = json.loads((settings.build_dir / "plan.json").read_text())
    touching = [
        rc["address"] for rc in plan["resource_changes"] if partner_bucket in json.dumps(rc["change"].get("after"))
    ]
    assert touching == [], "Terraform must never manage another team's bucket"
    assert plan["planned_values"]["outputs"]["external_buckets"]["value"] == {"partner_feed": partner_bucket}


def test_a_job_role_gets_exactly_its_prefixes_on_an_external_bucket(local_deployment, partner_bucket, tmp_path: Path):
    settings = local_deployment.settings
    module = TERRAFORM_DIR / "modules" / "glue-job-role"
    (tmp_path / "main.tf").write_text(PROBE % {"module": module.as_posix(), "bucket": partner_bucket})
    runner = release._runner(settings, tmp_path, tmp_path / ".terraform-data", log_prefix="external-probe-")
    runner.init()
    plan_file = tmp_path / "probe.tfplan"
    changed, _ = runner.plan(plan_file, [], {"endpoint": settings.emulator.endpoint})
    assert changed
    runner.apply_plan(plan_file)
    role_arn = json.loads(runner.capture("output", "-json").stdout)["arn"]["value"]

    admin = aws.client(settings, "s3")
    for key in ("orders/part-0.csv", "orders_rejects/part-0.csv"):
        admin.put_object(Bucket=partner_bucket, Key=key, Body=b"a\n1\n")
    job = aws.emulator_client(settings, "s3", roles.job_credentials(settings, role_arn, "partner_probe"))

    assert job.get_object(Bucket=partner_bucket, Key="orders/part-0.csv")["Body"].read() == b"a\n1\n"
    job.put_object(Bucket=partner_bucket, Key="exchange/part-0.csv", Body=b"b\n2\n")
    with pytest.raises(AccessDenied, match=rf"may not s3:GetObject on arn:aws:s3:::{partner_bucket}/orders_rejects/"):
        job.get_object(Bucket=partner_bucket, Key="orders_rejects/part-0.csv")  # a sibling of its input
    with pytest.raises(AccessDenied, match=rf"may not s3:PutObject on arn:aws:s3:::{partner_bucket}/orders/"):
        job.put_object(Bucket=partner_bucket, Key="orders/part-1.csv", Body=b"x")  # its input is read-only
    with pytest.raises(AccessDenied, match=rf"may not s3:PutObject on arn:aws:s3:::{partner_bucket}/exchange_v2/"):
        job.put_object(Bucket=partner_bucket, Key="exchange_v2/part-0.csv", Body=b"x")
