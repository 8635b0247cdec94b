# Plan-level: the bucket carries prevent_destroy, which `terraform test` (before 1.14) cannot clean
# up after an apply; the mocks answer during the plan.
mock_provider "aws" {
  override_during = plan

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  # Provider-side validation still runs: policies must be JSON.
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock-bucket" }
  }
}

variables {
  bucket            = "acme-data-raw"
  kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/data"
  access_log_bucket = "acme-data-logs"
}

run "kms_encrypted_versioned_private_tls_only" {
  command = plan

  assert {
    condition = [
      for r in aws_s3_bucket_server_side_encryption_configuration.this.rule :
      [r.apply_server_side_encryption_by_default[0].sse_algorithm, r.apply_server_side_encryption_by_default[0].kms_master_key_id, r.bucket_key_enabled]
    ] == [["aws:kms", "arn:aws:kms:eu-west-1:123456789012:key/data", true]]
    error_message = "The bucket must default to SSE-KMS with the given key and a bucket key."
  }

  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "Versioning must be enabled."
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All public access must be blocked."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.this.statement :
      s.effect == "Deny" && contains(s.actions, "s3:*") && anytrue([for c in s.condition : c.test == "Bool" && c.variable == "aws:SecureTransport" && contains(c.values, "false")])
    ])
    error_message = "The bucket policy must deny requests without TLS."
  }

  assert {
    condition     = length(aws_s3_bucket_policy.this) == 1
    error_message = "The bucket policy must be attached."
  }

  assert {
    condition     = aws_s3_bucket_logging.this[0].target_bucket == "acme-data-logs" && aws_s3_bucket_logging.this[0].target_prefix == "acme-data-raw/"
    error_message = "Access logs must go to the log bucket under the bucket's name."
  }

  assert {
    condition     = alltrue([for r in aws_s3_bucket_lifecycle_configuration.this.rule : length(r.abort_incomplete_multipart_upload) == 1])
    error_message = "Every lifecycle rule must abort incomplete multipart uploads."
  }

  assert {
    condition     = aws_s3_bucket_ownership_controls.this.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)."
  }
}

run "access_log_target" {
  command = plan

  variables {
    bucket                        = "acme-data-logs"
    kms_key_arn                   = null
    access_log_bucket             = null
    is_access_log_target          = true
    access_log_source_bucket_arns = ["arn:aws:s3:::acme-data-raw"]
  }

  assert {
    condition     = [for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : r.apply_server_side_encryption_by_default[0].sse_algorithm] == ["AES256"]
    error_message = "An access log target must use SSE-S3 (S3 log delivery does not support SSE-KMS)."
  }

  assert {
    condition     = contains([for s in data.aws_iam_policy_document.this.statement : s.sid], "AllowS3ServerAccessLogDelivery")
    error_message = "The log bucket must let the S3 logging service write."
  }

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 0
    error_message = "The log bucket must not log into itself."
  }
}

run "emulator_without_tls_statement" {
  command = plan

  variables {
    deny_insecure_transport = false
  }

  assert {
    condition     = length(aws_s3_bucket_policy.this) == 0
    error_message = "Without the TLS statement and log delivery there is no policy to attach."
  }
}

run "rejects_invalid_bucket_name" {
  command = plan

  variables {
    bucket = "Acme_Data"
  }

  expect_failures = [var.bucket]
}

run "rejects_zero_day_lifecycle" {
  command = plan

  variables {
    lifecycle_rules = [{ id = "x", expiration_days = 0 }]
  }

  expect_failures = [var.lifecycle_rules]
}
