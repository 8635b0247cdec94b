environment           = "test"
account_id            = "222222222222" # placeholder: the test account
region                = "eu-west-1"
name_prefix           = "glue-etl-test"
artifacts_bucket_name = "acme-glue-etl-test-artifacts"

log_retention_days    = 90
schedules_enabled     = false
max_number_of_workers = 10

tags = {
  Project    = "glue-etl"
  CostCenter = "data-platform"
}

# Bootstrap (placeholders, like the acme bucket names): who administers the state and artifacts
# keys and may read state besides the release roles, and which repository's GitHub environments
# "test" (deploy role) and "test-plan" (plan role) may assume the roles.
administrator_arns = ["arn:aws:iam::222222222222:role/platform-admin"]
github_oidc = {
  enabled    = true
  repository = "acme/glue-etl"
}
