# The two roles a release runs as, per environment:
# - deploy: applies the main module, uploads artifacts, starts smoke runs (GitHub environment
#   "<environment>"); under the permissions boundary like every job role it creates;
# - plan: read-only; plans pull requests and drift with -lock=false (GitHub "<environment>-plan").
# Neither can change itself, the other, the boundary, or the bootstrap buckets and keys: explicit
# denies in their own policies and in the boundary (an explicit deny wins over any allow).

locals {
  role_names = {
    deploy = "${var.name_prefix}-deploy"
    plan   = "${var.name_prefix}-plan"
  }
  role_arns = { for k, name in local.role_names : k => "arn:${local.partition}:iam::${local.account_id}:role/${name}" }

  boundary_name = "${var.name_prefix}-boundary"
  boundary_arn  = "arn:${local.partition}:iam::${local.account_id}:policy/${local.boundary_name}"

  region_account = "${var.region}:${local.account_id}"
  glue_arn       = "arn:${local.partition}:glue:${local.region_account}"
  catalog_db     = "${replace(var.name_prefix, "-", "_")}_*"
  log_group_arn  = "arn:${local.partition}:logs:${local.region_account}:log-group:/aws-glue/jobs/${var.name_prefix}/*"

  # Data lake buckets of the main module: "<name_prefix>-<account>-<role>".
  data_bucket_arn = "arn:${local.partition}:s3:::${var.name_prefix}-${local.account_id}-*"

  bootstrap_bucket_arns = [local.state_bucket_arn, local.artifacts_bucket_arn, "arn:${local.partition}:s3:::${local.access_log_bucket_name}"]
  bootstrap_key_arns    = [for k in aws_kms_key.this : k.arn]
  bootstrap_alias_arns  = [for k in keys(local.kms_keys) : "arn:${local.partition}:kms:${local.region_account}:alias/${var.name_prefix}-${k}"]

  key_changes = [
    "kms:CreateGrant",
    "kms:DeleteAlias",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]
}

################################################################################
# Trust
################################################################################

data "aws_iam_policy_document" "trust" {
  for_each = local.role_names

  dynamic "statement" {
    for_each = var.github_oidc.enabled ? [1] : []

    content {
      sid     = "GitHubActionsEnvironment"
      actions = ["sts:AssumeRoleWithWebIdentity"]

      principals {
        type        = "Federated"
        identifiers = [local.github_oidc_arn]
      }

      condition {
        test     = "StringEquals"
        variable = "token.actions.githubusercontent.com:aud"
        values   = ["sts.amazonaws.com"]
      }

      # StringEquals, never StringLike: a wildcard would admit any branch or repository.
      condition {
        test     = "StringEquals"
        variable = "token.actions.githubusercontent.com:sub"
        values   = ["repo:${var.github_oidc.repository}:environment:${local.github_environments[each.key]}"]
      }
    }
  }

  # Local: the account root, so that the release tool (as the emulator's administrator) assumes the
  # role through STS exactly as CI does. On AWS, named principals of the operators, if any.
  dynamic "statement" {
    for_each = length(var.role_trusted_principal_arns) > 0 ? [1] : []

    content {
      sid     = "TrustedPrincipals"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "AWS"
        identifiers = var.role_trusted_principal_arns
      }
    }
  }
}

################################################################################
# Permissions boundary: the ceiling of every role of the environment
################################################################################

# Shared by the boundary and the roles' own policies ("inline").
data "aws_iam_policy_document" "protect" {
  for_each = toset(["inline", "boundary"])

  statement {
    sid    = "DenyChangingReleaseRoles"
    effect = "Deny"
    actions = [
      "iam:AttachRolePolicy",
      "iam:DeleteRole",
      "iam:DeleteRolePermissionsBoundary",
      "iam:DeleteRolePolicy",
      "iam:DetachRolePolicy",
      "iam:PassRole",
      "iam:PutRolePermissionsBoundary",
      "iam:PutRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
    ]
    resources = values(local.role_arns)
  }

  statement {
    sid    = "DenyChangingBoundary"
    effect = "Deny"
    actions = [
      "iam:CreatePolicyVersion",
      "iam:DeletePolicy",
      "iam:DeletePolicyVersion",
      "iam:SetDefaultPolicyVersion",
      "iam:TagPolicy",
      "iam:UntagPolicy",
    ]
    resources = [local.boundary_arn]
  }

  # No role of the environment may shed the boundary.
  statement {
    sid       = "DenyRemovingBoundaries"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary"]
    resources = ["*"]
  }

  statement {
    sid    = "DenyChangingBootstrapBuckets"
    effect = "Deny"
    actions = [
      "s3:DeleteBucket",
      "s3:DeleteBucketPolicy",
      "s3:PutBucketAcl",
      "s3:PutBucketLogging",
      "s3:PutBucketOwnershipControls",
      "s3:PutBucketPolicy",
      "s3:PutBucketPublicAccessBlock",
      "s3:PutBucketVersioning",
      "s3:PutEncryptionConfiguration",
      "s3:PutLifecycleConfiguration",
    ]
    resources = local.bootstrap_bucket_arns
  }

  # Bootstrap's own state (it holds the OIDC trust) and every old state version stay as they are.
  statement {
    sid       = "DenyBootstrapStateAndHistory"
    effect    = "Deny"
    actions   = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObject"]
    resources = [local.bootstrap_state_arn]
  }

  # The boundary names the bootstrap keys by alias (the keys' policies depend on it, through the
  # roles); the roles' own policies name them by ARN (protect_keys).
  dynamic "statement" {
    for_each = each.key == "boundary" ? [1] : []

    content {
      sid       = "DenyChangingBootstrapKeys"
      effect    = "Deny"
      actions   = local.key_changes
      resources = ["*"]

      condition {
        test     = "ForAnyValue:StringEquals"
        variable = "kms:ResourceAliases"
        values   = [for k in keys(local.kms_keys) : "alias/${var.name_prefix}-${k}"]
      }
    }
  }

  statement {
    sid       = "DenyChangingBootstrapAliases"
    effect    = "Deny"
    actions   = ["kms:DeleteAlias", "kms:UpdateAlias"]
    resources = local.bootstrap_alias_arns
  }

  statement {
    sid    = "DenyChangingOidcTrust"
    effect = "Deny"
    actions = [
      "iam:AddClientIDToOpenIDConnectProvider",
      "iam:CreateOpenIDConnectProvider",
      "iam:DeleteOpenIDConnectProvider",
      "iam:RemoveClientIDFromOpenIDConnectProvider",
      "iam:UpdateOpenIDConnectProviderThumbprint",
    ]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "protect_keys" {
  statement {
    sid       = "DenyChangingBootstrapKeys"
    effect    = "Deny"
    actions   = local.key_changes
    resources = local.bootstrap_key_arns
  }
}

data "aws_iam_policy_document" "boundary" {
  #checkov:skip=CKV_AWS_107:A permissions boundary grants nothing by itself; it caps the roles' own, resource-scoped policies.
  #checkov:skip=CKV_AWS_108:A permissions boundary grants nothing by itself; it caps the roles' own, resource-scoped policies.
  #checkov:skip=CKV_AWS_109:A permissions boundary grants nothing by itself; the explicit denies protect the release roles, the boundary and bootstrap.
  #checkov:skip=CKV_AWS_110:A permissions boundary grants nothing by itself; iam:PassRole and CreateRole are scoped in the deploy role's own policy.
  #checkov:skip=CKV_AWS_111:A permissions boundary grants nothing by itself; writes are scoped in each role's own policy.
  #checkov:skip=CKV_AWS_356:A permissions boundary is a ceiling over services; resources are scoped in each role's own policy.
  #checkov:skip=CKV2_AWS_40:A permissions boundary is a ceiling over services; it does not grant full IAM privileges to anyone.
  source_policy_documents = [data.aws_iam_policy_document.protect["boundary"].json]

  statement {
    sid = "PlatformServices"
    actions = [
      "cloudwatch:PutMetricData",
      "events:*",
      "glue:*",
      "iam:CreateRole",
      "iam:DeleteRole",
      "iam:DeleteRolePolicy",
      "iam:Get*",
      "iam:List*",
      "iam:PassRole",
      "iam:PutRolePermissionsBoundary",
      "iam:PutRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
      "kms:*",
      "logs:*",
      "s3:*",
      "sns:*",
      "sts:AssumeRole",
      "sts:GetCallerIdentity",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "boundary" {
  name        = local.boundary_name
  description = "Permissions boundary of every role of ${var.name_prefix}: platform services only; the release roles, this policy and bootstrap are off limits"
  policy      = data.aws_iam_policy_document.boundary.json
}

################################################################################
# Deploy role
################################################################################

data "aws_iam_policy_document" "deploy" {
  #checkov:skip=CKV_AWS_356:Only actions without resource-level permissions (glue security configurations, kms:CreateKey/ListAliases, logs:DescribeLogGroups) use "*".
  #checkov:skip=CKV_AWS_111:Writes are scoped to the environment's name prefix; the "*" statement holds only calls AWS cannot scope (CreateKey, security configurations).
  #checkov:skip=CKV_AWS_109:Key policies are written only for keys the deploy role manages; bootstrap keys are explicitly denied.
  source_policy_documents = [data.aws_iam_policy_document.protect["inline"].json, data.aws_iam_policy_document.protect_keys.json]

  statement {
    sid       = "StateBucket"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [local.state_bucket_arn]
  }

  statement {
    sid       = "ReadWriteState"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = [local.state_object_arn]
  }

  statement {
    sid       = "StateLock"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [local.lock_object_arn]
  }

  statement {
    sid       = "ArtifactsBucket"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [local.artifacts_bucket_arn]
  }

  # Write-once by the bucket policy: uploads must send If-None-Match.
  statement {
    sid       = "UploadArtifacts"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${local.artifacts_bucket_arn}/*"]
  }

  statement {
    sid       = "UseBootstrapKeys"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = local.bootstrap_key_arns
  }

  statement {
    sid = "DataLakeBuckets"
    actions = [
      "s3:CreateBucket",
      "s3:DeleteBucketPolicy",
      "s3:GetAccelerateConfiguration",
      "s3:GetBucket*",
      "s3:GetEncryptionConfiguration",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:ListBucket",
      "s3:PutBucket*",
      "s3:PutEncryptionConfiguration",
      "s3:PutLifecycleConfiguration",
    ]
    resources = [local.data_bucket_arn]
  }

  # Smoke runs stage and read back their data under _smoke/ only.
  statement {
    sid       = "SmokeRunData"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.data_bucket_arn}/_smoke/*"]
  }

  statement {
    sid = "JobRoles"
    actions = [
      "iam:DeleteRole",
      "iam:DeleteRolePolicy",
      "iam:GetRole",
      "iam:GetRolePolicy",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
      "iam:ListRolePolicies",
      "iam:PutRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
    ]
    resources = [local.role_pattern_arn]
  }

  # A role is created (or re-bounded) only under this environment's boundary.
  statement {
    sid       = "CreateJobRolesUnderBoundary"
    actions   = ["iam:CreateRole", "iam:PutRolePermissionsBoundary"]
    resources = [local.role_pattern_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
  }

  statement {
    sid       = "PassJobRolesToGlue"
    actions   = ["iam:PassRole"]
    resources = [local.role_pattern_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["glue.amazonaws.com"]
    }
  }

  # Smoke runs read and stage data as the job's own role.
  statement {
    sid       = "AssumeJobRoles"
    actions   = ["sts:AssumeRole"]
    resources = [local.role_pattern_arn]
  }

  statement {
    sid = "Glue"
    actions = [
      "glue:BatchStopJobRun",
      "glue:CreateDatabase",
      "glue:CreateJob",
      "glue:CreateTrigger",
      "glue:CreateWorkflow",
      "glue:DeleteDatabase",
      "glue:DeleteJob",
      "glue:DeleteTrigger",
      "glue:DeleteWorkflow",
      "glue:GetDatabase",
      "glue:GetJob",
      "glue:GetJobRun",
      "glue:GetJobRuns",
      "glue:GetTags",
      "glue:GetTrigger",
      "glue:GetWorkflow",
      "glue:GetWorkflowRun",
      "glue:GetWorkflowRuns",
      "glue:StartJobRun",
      "glue:StartTrigger",
      "glue:StartWorkflowRun",
      "glue:StopTrigger",
      "glue:TagResource",
      "glue:UntagResource",
      "glue:UpdateDatabase",
      "glue:UpdateJob",
      "glue:UpdateTrigger",
      "glue:UpdateWorkflow",
    ]
    resources = [
      "${local.glue_arn}:catalog",
      "${local.glue_arn}:database/${local.catalog_db}",
      "${local.glue_arn}:job/${var.name_prefix}-*",
      "${local.glue_arn}:trigger/${var.name_prefix}-*",
      "${local.glue_arn}:workflow/${var.name_prefix}-*",
    ]
  }

  # Jobs and triggers taken over with `invoke adopt` keep their account names: exactly those.
  dynamic "statement" {
    for_each = length(concat(var.adopted_glue_names.jobs, var.adopted_glue_names.triggers)) > 0 ? [1] : []

    content {
      sid = "AdoptedGlue"
      actions = [
        "glue:BatchStopJobRun",
        "glue:DeleteJob",
        "glue:DeleteTrigger",
        "glue:GetJob",
        "glue:GetJobRun",
        "glue:GetJobRuns",
        "glue:GetTags",
        "glue:GetTrigger",
        "glue:StartJobRun",
        "glue:StartTrigger",
        "glue:StopTrigger",
        "glue:TagResource",
        "glue:UntagResource",
        "glue:UpdateJob",
        "glue:UpdateTrigger",
      ]
      resources = concat(
        [for n in var.adopted_glue_names.jobs : "${local.glue_arn}:job/${n}"],
        [for n in var.adopted_glue_names.triggers : "${local.glue_arn}:trigger/${n}"],
      )
    }
  }

  statement {
    sid       = "LogGroups"
    actions   = ["logs:*"]
    resources = [local.log_group_arn, "${local.log_group_arn}:*"]
  }

  statement {
    sid       = "KeyManagement"
    actions   = ["kms:*"]
    resources = ["arn:${local.partition}:kms:${local.region_account}:key/*", "arn:${local.partition}:kms:${local.region_account}:alias/${var.name_prefix}-*"]
  }

  statement {
    sid       = "AlertRule"
    actions   = ["events:*"]
    resources = ["arn:${local.partition}:events:${local.region_account}:rule/${var.name_prefix}-*"]
  }

  statement {
    sid       = "AlertTopic"
    actions   = ["sns:*"]
    resources = ["arn:${local.partition}:sns:${local.region_account}:${var.name_prefix}-*"]
  }

  # Calls AWS does not scope to a resource.
  statement {
    sid = "Unscoped"
    actions = [
      "glue:CreateSecurityConfiguration",
      "glue:DeleteSecurityConfiguration",
      "glue:GetSecurityConfiguration",
      "glue:GetSecurityConfigurations",
      "kms:CreateKey",
      "kms:ListAliases",
      "logs:DescribeLogGroups",
      "sns:GetSubscriptionAttributes",
      "sns:SetSubscriptionAttributes",
      "sns:Unsubscribe",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role" "deploy" {
  name                 = local.role_names.deploy
  description          = "Deploys ${var.name_prefix}: applies terraform/, uploads artifacts, runs smoke runs"
  assume_role_policy   = data.aws_iam_policy_document.trust["deploy"].json
  permissions_boundary = aws_iam_policy.boundary.arn
  max_session_duration = 3600

  lifecycle {
    precondition {
      condition     = var.github_oidc.enabled || length(var.role_trusted_principal_arns) > 0
      error_message = "Nobody could assume the deploy and plan roles: enable github_oidc or set role_trusted_principal_arns."
    }
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "release"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}

################################################################################
# Plan role: reads configuration and state, writes nothing (not even the lock)
################################################################################

data "aws_iam_policy_document" "plan" {
  #checkov:skip=CKV_AWS_356:Read-only configuration calls; several (DescribeLogGroups, ListAliases, GetSecurityConfiguration) support no resource scoping.
  source_policy_documents = [data.aws_iam_policy_document.protect["inline"].json, data.aws_iam_policy_document.protect_keys.json]

  # HeadBucket (the backend and data "aws_s3_bucket") needs s3:ListBucket.
  statement {
    sid       = "ReleaseBuckets"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [local.state_bucket_arn, local.artifacts_bucket_arn]
  }

  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject"]
    resources = [local.state_object_arn]
  }

  statement {
    sid       = "DecryptState"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = [aws_kms_key.this["tfstate"].arn]
  }

  # Plans run with -lock=false: no state write and no lock file, whatever else is granted.
  statement {
    sid       = "NeverWriteState"
    effect    = "Deny"
    actions   = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]
    resources = ["${local.state_bucket_arn}/*", "${local.artifacts_bucket_arn}/*"]
  }

  statement {
    sid = "ReadConfiguration"
    actions = [
      "events:DescribeRule",
      "events:ListTagsForResource",
      "events:ListTargetsByRule",
      "glue:GetDatabase",
      "glue:GetJob",
      "glue:GetSecurityConfiguration",
      "glue:GetTags",
      "glue:GetTrigger",
      "glue:GetWorkflow",
      "iam:GetOpenIDConnectProvider",
      "iam:GetPolicy",
      "iam:GetPolicyVersion",
      "iam:GetRole",
      "iam:GetRolePolicy",
      "iam:ListAttachedRolePolicies",
      "iam:ListOpenIDConnectProviders",
      "iam:ListRolePolicies",
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListAliases",
      "kms:ListResourceTags",
      "logs:DescribeLogGroups",
      "logs:ListTagsForResource",
      "logs:ListTagsLogGroup",
      "sns:GetSubscriptionAttributes",
      "sns:GetTopicAttributes",
      "sns:ListSubscriptionsByTopic",
      "sns:ListTagsForResource",
    ]
    resources = ["*"]
  }

  # Bucket configuration (and key names, through HeadBucket/ListBucket) of the data lake; never objects.
  statement {
    sid = "ReadDataLakeConfiguration"
    actions = [
      "s3:GetAccelerateConfiguration",
      "s3:GetBucket*",
      "s3:GetEncryptionConfiguration",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:ListBucket",
    ]
    resources = [local.data_bucket_arn]
  }
}

resource "aws_iam_role" "plan" {
  name                 = local.role_names.plan
  description          = "Plans ${var.name_prefix} for review and drift: read-only"
  assume_role_policy   = data.aws_iam_policy_document.trust["plan"].json
  permissions_boundary = aws_iam_policy.boundary.arn
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "plan" {
  name   = "plan"
  role   = aws_iam_role.plan.id
  policy = data.aws_iam_policy_document.plan.json
}
