# What must exist before the main root module can be planned: the Terraform state bucket and
# the artifacts bucket (the release tool uploads scripts there before the plan), their KMS keys,
# the bucket receiving their access logs, and the roles that deploy and plan (roles.tf).

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

  # The main module's state and its lock file; bootstrap's own state lives beside it under
  # bootstrap/, which neither GitHub role may touch.
  # ARNs from the names (not the bucket modules' outputs, which wait for the bucket policies
  # that name the roles whose policies use these).
  state_bucket_arn     = "arn:${local.partition}:s3:::${var.state_bucket_name}"
  artifacts_bucket_arn = "arn:${local.partition}:s3:::${var.artifacts_bucket_name}"
  state_object_arn     = "${local.state_bucket_arn}/${var.state_key}"
  lock_object_arn      = "${local.state_bucket_arn}/${var.state_key}.tflock"
  bootstrap_state_arn  = "${local.state_bucket_arn}/bootstrap/*"

  # Roles of this environment are "<name_prefix>-*"; the job roles are created later by the main
  # module, so key policies name them by pattern through the account principal.
  role_pattern_arn = "arn:${local.partition}:iam::${local.account_id}:role/${var.name_prefix}-*"
}

################################################################################
# KMS keys: named administrators, named users; nothing is delegated wholesale to IAM
################################################################################

data "aws_iam_policy_document" "kms" {
  for_each = local.kms_keys

  #checkov:skip=CKV_AWS_109:In a key policy, Resource "*" means "this key"; administration is limited to the named administrator principals.
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
      identifiers = var.administrator_arns
    }
  }

  statement {
    sid       = "DeployRoleUsesKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.deploy.arn]
    }
  }

  # The plan role decrypts state (never writes it); the job roles only read artifacts.
  statement {
    sid       = "PlanRoleDecrypts"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.plan.arn]
    }
  }

  dynamic "statement" {
    for_each = each.key == "artifacts" ? [1] : []

    content {
      sid       = "JobRolesDecryptArtifacts"
      actions   = ["kms:Decrypt"]
      resources = ["*"]

      # The account principal plus an ArnLike condition: only this environment's roles, and only
      # when their own IAM policy grants it too (job roles do not exist yet when this key is made).
      principals {
        type        = "AWS"
        identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:PrincipalArn"
        values   = [local.role_pattern_arn]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  for_each = local.kms_keys

  description             = each.value
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[each.key].json

  lifecycle {
    prevent_destroy = true
  }
}

# The main root module finds the artifacts key by this alias.
resource "aws_kms_alias" "this" {
  for_each = local.kms_keys

  name          = "alias/${var.name_prefix}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}

################################################################################
# Bucket policies
################################################################################

# State: every write carries the tfstate key (the S3 backend sends kms_key_id from the
# .tfbackend); only the deploy and plan roles and the administrators read it.
data "aws_iam_policy_document" "state_bucket" {
  statement {
    sid    = "DenyWritesWithOtherKeys"
    effect = "Deny"
    # State objects only: whether Terraform sends the KMS headers for the .tflock file (which holds
    # no state) is not something to stake every apply on.
    actions   = ["s3:PutObject"]
    resources = ["${local.state_bucket_arn}/*.tfstate"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEqualsIfExists"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      # The .tfbackend names the key by its alias ARN (known before bootstrap); the alias cannot
      # be repointed by either release role.
      values = [aws_kms_key.this["tfstate"].arn, "arn:${local.partition}:kms:${var.region}:${local.account_id}:alias/${var.name_prefix}-tfstate"]
    }
  }

  statement {
    sid       = "DenyWritesWithoutKms"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${local.state_bucket_arn}/*.tfstate"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["aws:kms"]
    }
  }

  statement {
    sid       = "OnlyReleaseRolesReadState"
    effect    = "Deny"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${local.state_bucket_arn}/*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = concat([aws_iam_role.deploy.arn, aws_iam_role.plan.arn], var.administrator_arns)
    }
  }
}

# Artifacts are write-once: a key that exists is never overwritten (S3 conditional writes) nor
# deleted, so every commit that was deployed can be rolled back to.
data "aws_iam_policy_document" "artifacts_bucket" {
  statement {
    sid       = "DenyOverwrites"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${local.artifacts_bucket_arn}/*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    # PutObject and CompleteMultipartUpload must carry If-None-Match; the other multipart calls
    # accept no conditional header (s3:ObjectCreationOperation is false for them).
    condition {
      test     = "Null"
      variable = "s3:if-none-match"
      values   = ["true"]
    }

    condition {
      test     = "Bool"
      variable = "s3:ObjectCreationOperation"
      values   = ["true"]
    }
  }

  statement {
    sid       = "DenyDeletes"
    effect    = "Deny"
    actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
    resources = ["${local.artifacts_bucket_arn}/*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
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
  policy_documents        = var.emulator_gaps.s3_conditional_deny_policy ? [] : [data.aws_iam_policy_document.state_bucket.json]
  deny_insecure_transport = !var.emulator_gaps.s3_tls_deny_policy
  force_destroy           = var.force_destroy
}

module "artifacts_bucket" {
  source = "../modules/secure-bucket"

  bucket            = var.artifacts_bucket_name
  kms_key_arn       = aws_kms_key.this["artifacts"].arn
  access_log_bucket = module.access_log_bucket.id
  # No expiry of any kind: rollback promises that every deployed artifact stays. Overwrites and
  # deletes are denied, so no noncurrent versions arise; failed multipart uploads are cleaned up.
  lifecycle_rules = [{
    id                                     = "abort-incomplete-uploads"
    abort_incomplete_multipart_upload_days = 7
  }]
  policy_documents = concat(
    # moto applies Deny statements without evaluating their conditions: locally only the
    # unconditional delete denial stays (see emulator_gaps).
    var.emulator_gaps.s3_conditional_deny_policy ? [] : [data.aws_iam_policy_document.artifacts_bucket.json],
    var.emulator_gaps.s3_conditional_deny_policy ? [data.aws_iam_policy_document.artifacts_no_deletes.json] : [],
  )
  deny_insecure_transport = !var.emulator_gaps.s3_tls_deny_policy
  force_destroy           = var.force_destroy
}

data "aws_iam_policy_document" "artifacts_no_deletes" {
  statement {
    sid       = "DenyDeletes"
    effect    = "Deny"
    actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
    resources = ["${local.artifacts_bucket_arn}/*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
