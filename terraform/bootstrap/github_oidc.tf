# Optional: the account's GitHub Actions OIDC provider. The deploy and plan roles (roles.tf) trust
# it only for workflow jobs running in the GitHub environment "<environment>" (deploy) or
# "<environment>-plan" (plan) of one repository.

locals {
  github_oidc_url = "https://token.actions.githubusercontent.com"
  github_oidc_arn = var.github_oidc.enabled ? (
    var.github_oidc.create_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn
  ) : null

  # GitHub environment whose jobs may assume each role.
  github_environments = {
    deploy = var.environment
    plan   = "${var.environment}-plan"
  }
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
