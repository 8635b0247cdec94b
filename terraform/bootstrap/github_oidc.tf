# Optional: a deploy role per environment for GitHub Actions, trusted through OIDC only for
# workflow jobs that run in the GitHub environment of the same name.

locals {
  github_oidc_url = "https://token.actions.githubusercontent.com"
  github_oidc_arn = var.github_oidc.enabled ? (
    var.github_oidc.create_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn
  ) : null
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.github_oidc.enabled && var.github_oidc.create_provider ? 1 : 0

  url            = local.github_oidc_url
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.github_oidc.enabled && !var.github_oidc.create_provider ? 1 : 0

  url = local.github_oidc_url
}

data "aws_iam_policy_document" "github_assume_role" {
  count = var.github_oidc.enabled ? 1 : 0

  statement {
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

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.github_oidc.repository}:environment:${var.environment}"]
    }
  }
}

data "aws_iam_policy_document" "github_deploy" {
  count = var.github_oidc.enabled ? 1 : 0

  statement {
    sid       = "ListReleaseBuckets"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [module.state_bucket.arn, module.artifacts_bucket.arn]
  }

  statement {
    sid       = "ReadWriteState"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${module.state_bucket.arn}/*"]
  }

  statement {
    sid       = "UploadArtifacts"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${module.artifacts_bucket.arn}/*"]
  }

  statement {
    sid = "UseBootstrapKeys"
    actions = [
      "kms:Decrypt",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:DescribeKey",
    ]
    resources = [for k in aws_kms_key.this : k.arn]
  }
}

resource "aws_iam_role" "github_deploy" {
  count = var.github_oidc.enabled ? 1 : 0

  name                 = "${var.name_prefix}-github-deploy"
  description          = "GitHub Actions deploys of ${var.github_oidc.repository} to ${var.environment}"
  assume_role_policy   = data.aws_iam_policy_document.github_assume_role[0].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "github_deploy" {
  count = var.github_oidc.enabled ? 1 : 0

  name   = "release"
  role   = aws_iam_role.github_deploy[0].id
  policy = data.aws_iam_policy_document.github_deploy[0].json
}

resource "aws_iam_role_policy_attachment" "github_deploy" {
  for_each = var.github_oidc.enabled ? toset(var.github_oidc.policy_arns) : toset([])

  role       = aws_iam_role.github_deploy[0].name
  policy_arn = each.value
}
