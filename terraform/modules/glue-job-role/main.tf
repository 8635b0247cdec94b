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

  # Exact key patterns per location "dir/": the directory object "dir" itself (Spark probes it),
  # its EMRFS marker "dir_$folder$", and everything below "dir/". Never "dir*", which would also
  # match a sibling such as "dir_rejects/".
  patterns = { for prefix in distinct([for l in concat(var.read_locations, var.write_locations, [var.temp_location]) : l.prefix]) : prefix => [
    trimsuffix(prefix, "/"),
    "${trimsuffix(prefix, "/")}_$folder$",
    "${prefix}*",
  ] }

  read_locations = distinct(flatten([
    for l in concat(var.read_locations, var.write_locations) : [
      for s in local.smoke : [for p in local.patterns[l.prefix] : { bucket_arn = l.bucket_arn, pattern = "${s}${p}" }]
    ]
  ]))
  write_locations = distinct(flatten([
    for l in var.write_locations : [
      for s in local.smoke : [for p in local.patterns[l.prefix] : { bucket_arn = l.bucket_arn, pattern = "${s}${p}" }]
    ]
  ]))
  temp_patterns = [for p in local.patterns[var.temp_location.prefix] : "${var.temp_location.bucket_arn}/${p}"]

  # ListBucket is granted per bucket, restricted to the job's prefixes ("dir" and "dir/*").
  list_patterns = {
    for arn in distinct(concat([for l in local.read_locations : l.bucket_arn], [var.temp_location.bucket_arn])) :
    arn => distinct(concat(
      [for l in local.read_locations : l.pattern if l.bucket_arn == arn && !endswith(l.pattern, "_$folder$")],
      var.temp_location.bucket_arn == arn ? [for p in local.patterns[var.temp_location.prefix] : p if !endswith(p, "_$folder$")] : [],
    ))
  }

  # Keys of external buckets: decrypt with a key where the job only reads, and also make data keys
  # with it where it writes. Only the keys named with the locations, never a wildcard.
  write_key_arns = distinct(compact([for l in var.write_locations : l.kms_key_arn]))
  read_key_arns  = [for k in distinct(compact([for l in var.read_locations : l.kms_key_arn])) : k if !contains(local.write_key_arns, k)]

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

  # Smoke runs: the release tool (as the deploy role) works with the job's own permissions.
  dynamic "statement" {
    for_each = length(var.assume_role_principal_arns) > 0 ? [1] : []

    content {
      sid     = "ReleaseToolAssumesRole"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "AWS"
        identifiers = var.assume_role_principal_arns
      }
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
      local.temp_patterns,
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
      local.temp_patterns,
    )
  }

  # Only what S3 SSE-KMS and bookmarks need of the data key: decrypt what is read, a data key for
  # what is written. The key policy names the same roles as key users.
  statement {
    sid       = "UseDataKeys"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = var.kms_key_arns
  }

  # S3 asks KMS on the caller's behalf (kms:ViaService); the job never uses these keys directly.
  dynamic "statement" {
    for_each = length(local.read_key_arns) > 0 ? [1] : []

    content {
      sid       = "DecryptExternalInputs"
      actions   = ["kms:Decrypt"]
      resources = local.read_key_arns

      condition {
        test     = "StringLike"
        variable = "kms:ViaService"
        values   = ["s3.*.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(local.write_key_arns) > 0 ? [1] : []

    content {
      sid       = "UseExternalOutputKeys"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = local.write_key_arns

      condition {
        test     = "StringLike"
        variable = "kms:ViaService"
        values   = ["s3.*.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.decrypt_kms_key_arns) > 0 ? [1] : []

    content {
      sid       = "DecryptArtifacts"
      actions   = ["kms:Decrypt"]
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

  # Tables the job reads with from_catalog (job.yaml catalog_reads): GetTable needs the catalog,
  # the database and the table ARN ("Specifying AWS Glue resource ARNs",
  # https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html); no other table.
  dynamic "statement" {
    for_each = length(var.catalog_read_tables) > 0 ? [1] : []

    content {
      sid     = "ReadCatalogTables"
      actions = ["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"]
      resources = concat(
        [local.catalog_arn],
        distinct([for t in var.catalog_read_tables : "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${t.database}"]),
        [for t in var.catalog_read_tables : "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${t.database}/${t.table}"],
      )
    }
  }

  # Opt-in: only a job that declares catalog tables may touch the catalog, and only those tables.
  dynamic "statement" {
    for_each = length(var.catalog_tables) > 0 ? [1] : []

    content {
      sid = "UseOwnCatalogTables"
      actions = [
        "glue:BatchCreatePartition",
        "glue:BatchGetPartition",
        "glue:CreatePartition",
        "glue:CreateTable",
        "glue:GetDatabase",
        "glue:GetPartition",
        "glue:GetPartitions",
        "glue:GetTable",
        "glue:UpdatePartition",
        "glue:UpdateTable",
      ]
      resources = concat(
        [local.catalog_arn, "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${var.catalog_database_name}"],
        [for t in var.catalog_tables : "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${var.catalog_database_name}/${t}"],
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
