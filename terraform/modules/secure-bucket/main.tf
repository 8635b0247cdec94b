# A private, encrypted, versioned S3 bucket that only accepts TLS requests.
# Used for every bucket of the platform (data lake, artifacts, Terraform state, access logs).

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "this" {
  bucket        = var.bucket
  force_destroy = var.force_destroy
  tags          = var.tags

  # Cross-region replication and event notifications are a per-dataset decision, not part of the baseline.
  #checkov:skip=CKV_AWS_144:Cross-region replication is not required for this platform; data is re-creatable from raw and the state/artifacts buckets are versioned.
  #checkov:skip=CKV2_AWS_62:No consumer subscribes to bucket events; notifications would be configured where a consumer exists.

  # Every platform bucket holds something that must outlive a bad plan: state, artifacts that
  # rollback needs, data, audit logs. Lifecycle arguments cannot come from variables, so tearing
  # an environment down is a deliberate edit here (the local emulator is simply stopped instead).
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = var.versioning_enabled ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_logging" "this" {
  count = var.access_log_bucket == null ? 0 : 1

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_log_bucket
  target_prefix = coalesce(var.access_log_prefix, "${var.bucket}/")
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  dynamic "rule" {
    for_each = var.lifecycle_rules

    content {
      id     = rule.value.id
      status = "Enabled"

      # Every rule applies to the whole bucket.
      filter {}

      dynamic "expiration" {
        for_each = rule.value.expiration_days == null ? [] : [rule.value.expiration_days]
        content {
          days = expiration.value
        }
      }

      dynamic "noncurrent_version_expiration" {
        for_each = rule.value.noncurrent_version_expiration_days == null ? [] : [rule.value.noncurrent_version_expiration_days]
        content {
          noncurrent_days = noncurrent_version_expiration.value
        }
      }

      abort_incomplete_multipart_upload {
        days_after_initiation = rule.value.abort_incomplete_multipart_upload_days
      }
    }
  }

  # Versioning must be set before noncurrent-version rules are accepted.
  depends_on = [aws_s3_bucket_versioning.this]
}

data "aws_iam_policy_document" "this" {
  # Statements the caller adds (e.g. write-once artifacts, state encryption); Sids must be unique.
  source_policy_documents = var.policy_documents

  dynamic "statement" {
    for_each = var.deny_insecure_transport ? [1] : []

    content {
      sid     = "DenyInsecureTransport"
      effect  = "Deny"
      actions = ["s3:*"]
      resources = [
        aws_s3_bucket.this.arn,
        "${aws_s3_bucket.this.arn}/*",
      ]

      # {"AWS": "*"} is equivalent to "*" (everyone, including anonymous requests).
      principals {
        type        = "AWS"
        identifiers = ["*"]
      }

      condition {
        test     = "Bool"
        variable = "aws:SecureTransport"
        values   = ["false"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.is_access_log_target ? [1] : []

    content {
      sid       = "AllowS3ServerAccessLogDelivery"
      effect    = "Allow"
      actions   = ["s3:PutObject"]
      resources = ["${aws_s3_bucket.this.arn}/*"]

      principals {
        type        = "Service"
        identifiers = ["logging.s3.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [data.aws_caller_identity.current.account_id]
      }

      dynamic "condition" {
        for_each = length(var.access_log_source_bucket_arns) > 0 ? [1] : []
        content {
          test     = "ArnLike"
          variable = "aws:SourceArn"
          values   = var.access_log_source_bucket_arns
        }
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count = var.deny_insecure_transport || var.is_access_log_target || length(var.policy_documents) > 0 ? 1 : 0

  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  # S3 answers OperationAborted to concurrent configuration changes of one bucket;
  # applying the policy after the public access block also avoids a window without it.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
