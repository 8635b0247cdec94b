# Plan-level tests with a mocked provider: the keys and buckets carry prevent_destroy, which
# `terraform test` (before 1.14) cannot clean up after an apply, so every run plans, and the
# mocks answer during the plan (override_during).
mock_provider "aws" {
  override_during = plan

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
  mock_resource "aws_kms_alias" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:alias/mock" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::123456789012:policy/glue-etl-dev-boundary" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
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
  account_id            = "123456789012"
  region                = "eu-west-1"
  name_prefix           = "glue-etl-dev"
  artifacts_bucket_name = "acme-glue-etl-dev-artifacts"
  state_bucket_name     = "acme-glue-etl-dev-tfstate"
  state_key             = "glue-etl/dev.tfstate"
  administrator_arns    = ["arn:aws:iam::123456789012:role/platform-admin"]
  github_oidc           = { enabled = true, repository = "acme/glue-etl" }
}

run "buckets_and_keys" {
  command = plan

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
}

run "key_policies_name_administrators_and_users" {
  command = plan

  assert {
    condition = alltrue([
      for doc in data.aws_iam_policy_document.kms : alltrue([
        for s in doc.statement : alltrue([for p in s.principals : !contains(p.identifiers, "arn:aws:iam::123456789012:root")]) || s.sid == "JobRolesDecryptArtifacts"
      ])
    ])
    error_message = "No key policy statement may hand the key to the whole account (only the pattern-conditioned job-role decrypt)."
  }

  assert {
    condition = alltrue([
      for doc in data.aws_iam_policy_document.kms :
      toset(flatten([for s in doc.statement : [for p in s.principals : tolist(p.identifiers)] if s.sid == "KeyAdministrators"])) == toset(["arn:aws:iam::123456789012:role/platform-admin"])
    ])
    error_message = "The key administrators must be exactly administrator_arns."
  }

  assert {
    condition = alltrue([
      for doc in data.aws_iam_policy_document.kms :
      !contains(flatten([for s in doc.statement : s.actions if s.sid == "KeyAdministrators"]), "kms:Decrypt")
    ])
    error_message = "Key administrators manage the key; they do not use it."
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.kms["artifacts"].statement : s.actions if s.sid == "JobRolesDecryptArtifacts"
    ]) == toset(["kms:Decrypt"]) && length([for s in data.aws_iam_policy_document.kms["tfstate"].statement : s if s.sid == "JobRolesDecryptArtifacts"]) == 0
    error_message = "Job roles may only decrypt, and only the artifacts key."
  }
}

run "boundary_and_self_protection" {
  command = plan

  assert {
    condition     = aws_iam_role.deploy.permissions_boundary == aws_iam_policy.boundary.arn && aws_iam_role.plan.permissions_boundary == aws_iam_policy.boundary.arn
    error_message = "The deploy and plan roles must be created under the permissions boundary."
  }

  assert {
    condition = alltrue([
      for doc in [data.aws_iam_policy_document.protect["inline"], data.aws_iam_policy_document.protect["boundary"]] :
      anytrue([
        for s in doc.statement : s.effect == "Deny" && contains(s.actions, "iam:PutRolePolicy") && contains(s.actions, "iam:AttachRolePolicy") &&
        s.resources == toset(["arn:aws:iam::123456789012:role/glue-etl-dev-deploy", "arn:aws:iam::123456789012:role/glue-etl-dev-plan"])
      ])
    ])
    error_message = "Both the roles' own policies and the boundary must deny changing the deploy and plan roles."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.protect["inline"].statement :
      s.effect == "Deny" && contains(s.actions, "iam:CreatePolicyVersion") && s.resources == toset(["arn:aws:iam::123456789012:policy/glue-etl-dev-boundary"])
    ])
    error_message = "The roles must be denied changing the boundary policy."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.protect["inline"].statement :
      s.effect == "Deny" && contains(s.actions, "s3:PutBucketPolicy") && contains(s.resources, "arn:aws:s3:::acme-glue-etl-dev-tfstate") && contains(s.resources, "arn:aws:s3:::acme-glue-etl-dev-artifacts")
    ])
    error_message = "The roles must be denied changing the bootstrap buckets."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.protect_keys.statement :
      s.effect == "Deny" && contains(s.actions, "kms:PutKeyPolicy") && s.resources == toset([for k in aws_kms_key.this : k.arn])
    ])
    error_message = "The roles must be denied changing the bootstrap keys."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.deploy.statement : s.sid == "CreateJobRolesUnderBoundary" && anytrue([
        for c in s.condition : c.variable == "iam:PermissionsBoundary" && toset(c.values) == toset(["arn:aws:iam::123456789012:policy/glue-etl-dev-boundary"])
      ])
    ])
    error_message = "The deploy role may create roles only under the boundary."
  }

  assert {
    condition = !anytrue(flatten([
      for s in data.aws_iam_policy_document.deploy.statement : [
        for a in s.actions : s.effect != "Deny" && contains(["iam:AttachRolePolicy", "iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeleteRolePermissionsBoundary"], a)
      ]
    ]))
    error_message = "The deploy role must not be allowed managed-policy changes or boundary removal."
  }
}

run "plan_role_is_read_only" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.plan.statement : [
        for a in s.actions : s.effect == "Deny" || can(regex("^[a-z0-9]+:(Get|List|Describe|HeadBucket)", a)) || a == "kms:Decrypt"
      ]
    ]))
    error_message = "The plan role may only read (Get/List/Describe, kms:Decrypt)."
  }

  assert {
    condition = contains(flatten([for s in data.aws_iam_policy_document.plan.statement : s.actions if s.sid == "ReleaseBuckets"]), "s3:ListBucket") && contains(
      flatten([for s in data.aws_iam_policy_document.plan.statement : s.resources if s.sid == "ReleaseBuckets"]), "arn:aws:s3:::acme-glue-etl-dev-artifacts"
    )
    error_message = "HeadBucket on the artifacts bucket needs s3:ListBucket."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.plan.statement :
      s.effect == "Deny" && contains(s.actions, "s3:PutObject") && contains(s.resources, "arn:aws:s3:::acme-glue-etl-dev-tfstate/*")
    ])
    error_message = "The plan role must be denied writing state and the lock file."
  }
}

run "github_oidc_trust" {
  command = plan

  assert {
    condition = [
      for s in data.aws_iam_policy_document.trust["deploy"].statement : [for c in s.condition : toset(c.values) if c.variable == "token.actions.githubusercontent.com:sub"][0]
      ] == [toset(["repo:acme/glue-etl:environment:dev"])] && [
      for s in data.aws_iam_policy_document.trust["plan"].statement : [for c in s.condition : toset(c.values) if c.variable == "token.actions.githubusercontent.com:sub"][0]
    ] == [toset(["repo:acme/glue-etl:environment:dev-plan"])]
    error_message = "The deploy role trusts GitHub environment <env>, the plan role <env>-plan, with StringEquals."
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 1
    error_message = "Enabling github_oidc must create the provider."
  }
}

run "state_and_artifacts_bucket_policies" {
  command = plan

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.state_bucket.statement :
      s.effect == "Deny" && contains(s.actions, "s3:PutObject") && anytrue([
        for c in s.condition : c.variable == "s3:x-amz-server-side-encryption-aws-kms-key-id" && contains(c.values, aws_kms_key.this["tfstate"].arn)
      ])
    ])
    error_message = "The state bucket must deny writes with any key but the tfstate key."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.state_bucket.statement :
      s.effect == "Deny" && contains(s.actions, "s3:GetObject") && anytrue([
        for c in s.condition : c.variable == "aws:PrincipalArn" && contains(c.values, aws_iam_role.deploy.arn) && contains(c.values, aws_iam_role.plan.arn)
      ])
    ])
    error_message = "Only the deploy and plan roles (and administrators) may read state."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.artifacts_bucket.statement :
      s.effect == "Deny" && contains(s.actions, "s3:PutObject") && anytrue([for c in s.condition : c.test == "Null" && c.variable == "s3:if-none-match" && contains(c.values, "true")])
    ])
    error_message = "The artifacts bucket must deny writes without If-None-Match (overwrites)."
  }

  assert {
    condition = alltrue([
      for r in module.artifacts_bucket.lifecycle_rules : r.expiration_days == null && r.noncurrent_version_expiration_days == null
    ])
    error_message = "The artifacts bucket must never expire artifacts or their versions."
  }
}

run "local_emulator_keeps_only_unconditional_denies" {
  command = plan

  variables {
    environment                 = "local"
    github_oidc                 = {}
    role_trusted_principal_arns = ["arn:aws:iam::123456789012:root"]
    emulator_gaps               = { s3_tls_deny_policy = true, s3_conditional_deny_policy = true }
  }

  assert {
    condition     = length(module.artifacts_bucket.policy_documents) == 1 && length(module.state_bucket.policy_documents) == 0
    error_message = "Locally only the artifacts bucket's unconditional delete denial stays."
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.trust["deploy"].statement : s.sid] == ["TrustedPrincipals"]
    error_message = "Without GitHub OIDC the roles trust only role_trusted_principal_arns."
  }
}

run "github_oidc_existing_provider" {
  command = plan

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

run "someone_must_be_able_to_assume_the_roles" {
  command = plan

  variables {
    github_oidc = {}
  }

  expect_failures = [aws_iam_role.deploy]
}

run "rejects_state_key_under_bootstrap" {
  command = plan

  variables {
    state_key = "bootstrap/dev.tfstate"
  }

  expect_failures = [var.state_key]
}

# Jobs taken over with `invoke adopt` keep their account names: the deploy role may manage exactly
# those, and nothing else outside the environment's prefix.
run "adopted_glue_names_are_granted_exactly" {
  command = plan

  variables {
    adopted_glue_names = { jobs = ["legacy-extract"], triggers = ["legacy-nightly"] }
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.deploy.statement : s.resources if s.sid == "AdoptedGlue"]) == toset([
      "arn:aws:glue:eu-west-1:123456789012:job/legacy-extract",
      "arn:aws:glue:eu-west-1:123456789012:trigger/legacy-nightly",
    ])
    error_message = "The deploy role must be granted exactly the adopted job and trigger names."
  }

  assert {
    condition     = !anytrue([for s in data.aws_iam_policy_document.deploy.statement : contains(coalesce(s.actions, []), "glue:CreateJob") if s.sid == "AdoptedGlue"])
    error_message = "Adopted names are taken over, never created under a foreign name."
  }
}

run "no_adopted_names_no_statement" {
  command = plan

  assert {
    condition     = length([for s in data.aws_iam_policy_document.deploy.statement : s if s.sid == "AdoptedGlue"]) == 0
    error_message = "Without adopted jobs the deploy role has no grant outside the prefix."
  }
}

run "rejects_a_wildcard_adopted_name" {
  command = plan

  variables {
    adopted_glue_names = { jobs = ["legacy-*"] }
  }

  expect_failures = [var.adopted_glue_names]
}
