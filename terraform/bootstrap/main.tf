# What must exist before the main root module can be planned: the Terraform state bucket and
# the artifacts bucket (the release tool uploads scripts there before the plan), their KMS keys,
# and the bucket receiving their access logs.

data "aws_caller_identity" "current" {
  lifecycle {
    postcondition {
      condition     = var.environment == "local" || !anytrue(values(var.emulator_gaps))
      error_message = "emulator_gaps may only be set for the local environment."
    }
  }
}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  default_tags = merge(var.tags, {
    Environment = var.environment
    ManagedBy   = "terraform"
  })

  access_log_bucket_name = coalesce(var.access_log_bucket_name, "${var.name_prefix}-${local.account_id}-bootstrap-logs")

  kms_keys = {
    artifacts = "${var.name_prefix} Glue job artifacts"
    tfstate   = "${var.name_prefix} Terraform state"
  }
}

################################################################################
# KMS keys
################################################################################

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:In a key policy, Resource "*" means "this key"; the account statement delegates access control to IAM policies.
  #checkov:skip=CKV_AWS_111:In a key policy, Resource "*" means "this key"; the account statement delegates access control to IAM policies.
  #checkov:skip=CKV_AWS_356:In a key policy, Resource "*" means "this key"; it cannot name the key ARN before the key exists.
  statement {
    sid       = "EnableIAMPolicies"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "this" {
  for_each = local.kms_keys

  description             = each.value
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
}

# The main root module finds the artifacts key by this alias.
resource "aws_kms_alias" "this" {
  for_each = local.kms_keys

  name          = "alias/${var.name_prefix}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}

################################################################################
# Buckets
################################################################################

module "access_log_bucket" {
  source = "../modules/secure-bucket"

  bucket = local.access_log_bucket_name
  # S3 server access log delivery only supports SSE-S3 target buckets.
  kms_key_arn          = null
  is_access_log_target = true
  access_log_source_bucket_arns = [
    "arn:${local.partition}:s3:::${var.state_bucket_name}",
    "arn:${local.partition}:s3:::${var.artifacts_bucket_name}",
  ]
  lifecycle_rules = [{
    id                                 = "expire-access-logs"
    expiration_days                    = 365
    noncurrent_version_expiration_days = 1
  }]
  deny_insecure_transport = !var.emulator_gaps.s3_tls_deny_policy
  force_destroy           = var.force_destroy
}

module "state_bucket" {
  source = "../modules/secure-bucket"

  bucket            = var.state_bucket_name
  kms_key_arn       = aws_kms_key.this["tfstate"].arn
  access_log_bucket = module.access_log_bucket.id
  lifecycle_rules = [{
    id                                 = "noncurrent-versions"
    noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  }]
  deny_insecure_transport = !var.emulator_gaps.s3_tls_deny_policy
  force_destroy           = var.force_destroy
}

module "artifacts_bucket" {
  source = "../modules/secure-bucket"

  bucket            = var.artifacts_bucket_name
  kms_key_arn       = aws_kms_key.this["artifacts"].arn
  access_log_bucket = module.access_log_bucket.id
  lifecycle_rules = [{
    id                                 = "noncurrent-versions"
    noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  }]
  deny_insecure_transport = !var.emulator_gaps.s3_tls_deny_policy
  force_destroy           = var.force_destroy
}
