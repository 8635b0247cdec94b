# One IAM role per Glue job, with only what that job needs: its artifacts, its declared
# inputs and outputs (and their smoke-run copies), its temp prefix, its log groups,
# the platform KMS keys, and the Glue Data Catalog database of its outputs.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  # A location "customers/" also covers its smoke copy "_smoke/customers/".
  smoke = var.smoke_prefix == null ? [""] : ["", var.smoke_prefix]

  # Key patterns are "<prefix without trailing slash>*": Spark/EMRFS writes "<dir>_$folder$"
  # markers next to an output directory and probes "<dir>" itself before listing it.
  read_locations = distinct(flatten([
    for l in concat(var.read_locations, var.write_locations) : [
      for s in local.smoke : { bucket_arn = l.bucket_arn, pattern = "${s}${trimsuffix(l.prefix, "/")}*" }
    ]
  ]))
  write_locations = distinct(flatten([
    for l in var.write_locations : [
      for s in local.smoke : { bucket_arn = l.bucket_arn, pattern = "${s}${trimsuffix(l.prefix, "/")}*" }
    ]
  ]))
  temp_pattern = "${trimsuffix(var.temp_location.prefix, "/")}*"

  # ListBucket is granted per bucket, restricted to the job's prefixes.
  list_patterns = {
    for arn in distinct(concat([for l in local.read_locations : l.bucket_arn], [var.temp_location.bucket_arn])) :
    arn => distinct(concat(
      [for l in local.read_locations : l.pattern if l.bucket_arn == arn],
      var.temp_location.bucket_arn == arn ? [local.temp_pattern] : [],
    ))
  }

  log_group_arns = [
    for name in var.log_group_names : "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${name}"
  ]

  catalog_arn = "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog"
}

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "GlueAssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }

    # Confused-deputy protection: only Glue acting for this account may assume the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "ReadArtifacts"
    actions   = ["s3:GetObject"]
    resources = [for p in var.artifact_prefixes : "${var.artifacts_bucket_arn}/${p}*"]
  }

  dynamic "statement" {
    for_each = local.list_patterns

    content {
      sid       = "ListPrefixes${index(keys(local.list_patterns), statement.key)}"
      actions   = ["s3:ListBucket"]
      resources = [statement.key]

      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = statement.value
      }
    }
  }

  statement {
    sid       = "GetBucketLocation"
    actions   = ["s3:GetBucketLocation"]
    resources = keys(local.list_patterns)
  }

  statement {
    sid     = "ReadData"
    actions = ["s3:GetObject"]
    resources = concat(
      [for l in local.read_locations : "${l.bucket_arn}/${l.pattern}"],
      ["${var.temp_location.bucket_arn}/${local.temp_pattern}"],
    )
  }

  statement {
    sid = "WriteData"
    actions = [
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = concat(
      [for l in local.write_locations : "${l.bucket_arn}/${l.pattern}"],
      ["${var.temp_location.bucket_arn}/${local.temp_pattern}"],
    )
  }

  statement {
    sid = "UseDataKeys"
    actions = [
      "kms:Decrypt",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:GenerateDataKeyWithoutPlaintext",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
      "kms:DescribeKey",
    ]
    resources = var.kms_key_arns
  }

  dynamic "statement" {
    for_each = length(var.decrypt_kms_key_arns) > 0 ? [1] : []

    content {
      sid       = "DecryptArtifacts"
      actions   = ["kms:Decrypt", "kms:DescribeKey"]
      resources = var.decrypt_kms_key_arns
    }
  }

  statement {
    sid = "WriteOwnLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:AssociateKmsKey",
    ]
    resources = flatten([for arn in local.log_group_arns : [arn, "${arn}:log-stream:*"]])
  }

  statement {
    sid     = "PublishGlueMetrics"
    actions = ["cloudwatch:PutMetricData"]
    # cloudwatch:PutMetricData supports no resource-level permissions; the namespace condition
    # is the narrowest scope AWS offers (job metrics and observability metrics use "Glue").
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["Glue"]
    }
  }

  dynamic "statement" {
    for_each = length(var.catalog_database_names) > 0 ? [1] : []

    content {
      sid = "UseCatalogDatabases"
      actions = [
        "glue:GetDatabase",
        "glue:GetTable",
        "glue:GetTables",
        "glue:CreateTable",
        "glue:UpdateTable",
        "glue:GetPartition",
        "glue:GetPartitions",
        "glue:BatchGetPartition",
        "glue:CreatePartition",
        "glue:BatchCreatePartition",
        "glue:UpdatePartition",
      ]
      resources = concat(
        [local.catalog_arn],
        flatten([
          for db in var.catalog_database_names : [
            "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${db}",
            "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${db}/*",
          ]
        ]),
      )
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  path                 = var.path
  description          = "Glue job ${var.name}"
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "glue-job"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}
