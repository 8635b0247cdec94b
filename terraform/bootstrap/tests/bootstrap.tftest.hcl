mock_provider "aws" {
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
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/mock" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_data "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
}

variables {
  environment           = "dev"
  region                = "eu-west-1"
  name_prefix           = "glue-etl-dev"
  artifacts_bucket_name = "acme-glue-etl-dev-artifacts"
  state_bucket_name     = "acme-glue-etl-dev-tfstate"
}

run "buckets_and_keys" {
  command = apply

  assert {
    condition     = output.state_bucket_name == "acme-glue-etl-dev-tfstate" && output.artifacts_bucket_name == "acme-glue-etl-dev-artifacts"
    error_message = "The state and artifacts buckets must carry the configured names."
  }

  assert {
    condition     = output.artifacts_kms_key_alias == "alias/glue-etl-dev-artifacts"
    error_message = "The main module finds the artifacts key by alias/<name_prefix>-artifacts."
  }

  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.enable_key_rotation])
    error_message = "Every key must rotate."
  }

  assert {
    condition     = module.artifacts_bucket.kms_key_arn == aws_kms_key.this["artifacts"].arn && module.state_bucket.kms_key_arn == aws_kms_key.this["tfstate"].arn
    error_message = "State and artifacts must be encrypted with their customer managed keys."
  }

  assert {
    condition     = output.github_deploy_role_arn == null && length(aws_iam_openid_connect_provider.github) == 0
    error_message = "The GitHub OIDC role is off by default."
  }
}

run "github_oidc_role" {
  command = apply

  variables {
    github_oidc = { enabled = true, repository = "acme/glue-etl" }
  }

  assert {
    condition     = length(aws_iam_role.github_deploy) == 1 && length(aws_iam_openid_connect_provider.github) == 1
    error_message = "Enabling github_oidc must create the provider and the role."
  }

  assert {
    condition = anytrue([
      for c in data.aws_iam_policy_document.github_assume_role[0].statement[0].condition :
      c.variable == "token.actions.githubusercontent.com:sub" && c.test == "StringEquals" && length(c.values) == 1 && contains(c.values, "repo:acme/glue-etl:environment:dev")
    ])
    error_message = "The trust policy must be bound to the repository's GitHub environment of the same name."
  }
}

run "github_oidc_existing_provider" {
  command = apply

  variables {
    github_oidc = { enabled = true, repository = "acme/glue-etl", create_provider = false }
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && length(data.aws_iam_openid_connect_provider.github) == 1
    error_message = "With create_provider = false the account's existing provider is used."
  }
}

run "github_oidc_needs_repository" {
  command = plan

  variables {
    github_oidc = { enabled = true }
  }

  expect_failures = [var.github_oidc]
}
