# Plan-level: the key, the buckets and the database carry prevent_destroy, which `terraform test`
# (before 1.14) cannot clean up after an apply; the mocks answer during the plan.
mock_provider "aws" {
  override_during = plan

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  # Provider-side validation still runs: policies must be JSON.
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/data" }
  }
}

variables {
  name_prefix          = "glue-etl-dev"
  bucket_name_prefix   = "glue-etl-dev-123456789012"
  log_group_prefix     = "/aws-glue/jobs/glue-etl-dev/"
  temp_expiration_days = 3

  key_administrator_arns = ["arn:aws:iam::123456789012:role/glue-etl-dev-deploy"]
  key_user_arn_patterns  = ["arn:aws:iam::123456789012:role/glue-etl-dev-*"]
}

run "storage" {
  command = plan

  assert {
    condition     = output.buckets.raw.id == "glue-etl-dev-123456789012-raw" && output.buckets.curated.id == "glue-etl-dev-123456789012-curated" && output.buckets.temp.id == "glue-etl-dev-123456789012-temp"
    error_message = "Buckets must be named <bucket_name_prefix>-<role>."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The data lake key must rotate."
  }

  assert {
    condition     = module.raw_bucket.kms_key_arn == aws_kms_key.this.arn && module.curated_bucket.kms_key_arn == aws_kms_key.this.arn && module.temp_bucket.kms_key_arn == aws_kms_key.this.arn
    error_message = "The data buckets must be encrypted with the customer managed key."
  }

  assert {
    condition     = module.log_bucket.kms_key_arn == null
    error_message = "The access log bucket must use SSE-S3 (S3 log delivery does not support SSE-KMS)."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.kms.statement :
      anytrue([for p in s.principals : p.type == "Service" && contains(p.identifiers, "logs.eu-west-1.amazonaws.com")]) &&
      anytrue([for c in s.condition : contains(c.values, "arn:aws:logs:eu-west-1:123456789012:log-group:/aws-glue/jobs/glue-etl-dev/*")])
    ])
    error_message = "CloudWatch Logs may use the key only for the job log groups."
  }

  assert {
    condition     = aws_glue_catalog_database.curated.name == "glue_etl_dev_curated" && aws_glue_catalog_database.curated.location_uri == "s3://glue-etl-dev-123456789012-curated/"
    error_message = "The curated database must point at the curated bucket."
  }
}

run "key_policy_names_administrators_and_users" {
  command = plan

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.kms.statement :
      s.sid == "KeyUsers" || !anytrue([for p in s.principals : contains(p.identifiers, "arn:aws:iam::123456789012:root")])
    ])
    error_message = "No statement may hand the key to the whole account (only KeyUsers, conditioned on the role pattern)."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.kms.statement : s.actions if s.sid == "KeyUsers"]) == toset(["kms:Decrypt", "kms:GenerateDataKey"]) && toset(flatten([
      for s in data.aws_iam_policy_document.kms.statement : [for c in s.condition : tolist(c.values) if c.variable == "aws:PrincipalArn"] if s.sid == "KeyUsers"
    ])) == toset(["arn:aws:iam::123456789012:role/glue-etl-dev-*"])
    error_message = "Only the environment's roles use the key, with Decrypt and GenerateDataKey only."
  }

  assert {
    condition     = !contains(flatten([for s in data.aws_iam_policy_document.kms.statement : s.actions if s.sid == "KeyAdministrators"]), "kms:Decrypt")
    error_message = "Key administrators manage the key; they do not use it."
  }
}

run "rejects_short_key_deletion_window" {
  command = plan

  variables {
    kms_deletion_window_in_days = 3
  }

  expect_failures = [var.kms_deletion_window_in_days]
}
