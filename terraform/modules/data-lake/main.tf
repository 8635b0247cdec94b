# Data lake storage: the buckets jobs read and write (raw, curated, temp), the bucket that
# receives their S3 server access logs, the customer managed key that encrypts them, and the
# Glue Data Catalog database for the curated outputs.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # Bucket role -> name. Inputs may read raw or curated, outputs write curated, temp holds
  # Spark/Glue scratch data (--TempDir) and expires quickly, logs receives S3 access logs.
  bucket_names = { for role in ["raw", "curated", "temp", "logs"] : role => "${var.bucket_name_prefix}-${role}" }
}

################################################################################
# KMS key
################################################################################

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:In a key policy, Resource "*" means "this key"; administration is limited to the named administrators.
  #checkov:skip=CKV_AWS_111:In a key policy, Resource "*" means "this key"; every statement names its principals.
  #checkov:skip=CKV_AWS_356:In a key policy, Resource "*" means "this key"; it cannot name the key ARN before the key exists.
  statement {
    sid = "KeyAdministrators"
    actions = [
      "kms:CancelKeyDeletion",
      "kms:Create*",
      "kms:Delete*",
      "kms:Describe*",
      "kms:Disable*",
      "kms:Enable*",
      "kms:Get*",
      "kms:List*",
      "kms:Put*",
      "kms:Revoke*",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:Update*",
    ]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = var.key_administrator_arns
    }
  }

  # The job roles: decrypt what they read, a data key for what they write (S3, bookmarks). Named
  # by ARN pattern through the account principal, because the roles' own policies name this key
  # (a key policy listing them would make each depend on the other); their IAM policy must
  # grant the same actions too.
  dynamic "statement" {
    for_each = length(var.key_user_arn_patterns) > 0 ? [1] : []

    content {
      sid       = "KeyUsers"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:PrincipalArn"
        values   = var.key_user_arn_patterns
      }
    }
  }

  # EventBridge publishes job-failure alerts to the SNS topic encrypted with this key.
  statement {
    sid       = "EventBridgePublishesAlerts"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid = "AllowCloudWatchLogsForJobLogGroups"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${var.log_group_prefix}*"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name_prefix} data lake: S3 buckets, Glue job logs and bookmarks"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = var.tags

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-data"
  target_key_id = aws_kms_key.this.key_id
}

################################################################################
# Buckets
################################################################################

module "log_bucket" {
  source = "../secure-bucket"

  bucket = local.bucket_names["logs"]
  # S3 server access log delivery only supports SSE-S3 target buckets.
  kms_key_arn          = null
  is_access_log_target = true
  access_log_source_bucket_arns = [
    for role in ["raw", "curated", "temp"] : "arn:${local.partition}:s3:::${local.bucket_names[role]}"
  ]
  lifecycle_rules = [{
    id                                 = "expire-access-logs"
    expiration_days                    = var.access_log_expiration_days
    noncurrent_version_expiration_days = 1
  }]
  deny_insecure_transport = var.deny_insecure_transport
  force_destroy           = var.force_destroy
  tags                    = var.tags
}

# One module call per bucket (rather than for_each) keeps each bucket's settings explicit,
# and lets static analysis (checkov) resolve them.
module "raw_bucket" {
  source = "../secure-bucket"

  bucket            = local.bucket_names["raw"]
  kms_key_arn       = aws_kms_key.this.arn
  access_log_bucket = module.log_bucket.id
  lifecycle_rules = [{
    id                                 = "noncurrent-versions"
    noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  }]

  deny_insecure_transport = var.deny_insecure_transport
  force_destroy           = var.force_destroy
  tags                    = merge(var.tags, { DataLakeRole = "raw" })
}

module "curated_bucket" {
  source = "../secure-bucket"

  bucket            = local.bucket_names["curated"]
  kms_key_arn       = aws_kms_key.this.arn
  access_log_bucket = module.log_bucket.id
  lifecycle_rules = [{
    id                                 = "noncurrent-versions"
    noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  }]

  deny_insecure_transport = var.deny_insecure_transport
  force_destroy           = var.force_destroy
  tags                    = merge(var.tags, { DataLakeRole = "curated" })
}

module "temp_bucket" {
  source = "../secure-bucket"

  bucket            = local.bucket_names["temp"]
  kms_key_arn       = aws_kms_key.this.arn
  access_log_bucket = module.log_bucket.id
  lifecycle_rules = [{
    id                                     = "expire-temp"
    expiration_days                        = var.temp_expiration_days
    noncurrent_version_expiration_days     = 1
    abort_incomplete_multipart_upload_days = 1
  }]

  deny_insecure_transport = var.deny_insecure_transport
  force_destroy           = var.force_destroy
  tags                    = merge(var.tags, { DataLakeRole = "temp" })
}

################################################################################
# Glue Data Catalog
################################################################################

resource "aws_glue_catalog_database" "curated" {
  name         = "${replace(var.name_prefix, "-", "_")}_curated"
  description  = "Curated outputs of the ${var.name_prefix} Glue jobs"
  location_uri = "s3://${module.curated_bucket.id}/"
  tags         = var.tags

  lifecycle {
    prevent_destroy = true
  }
}
