environment           = "dev"
account_id            = "111111111111" # placeholder: the dev account
region                = "eu-west-1"
name_prefix           = "glue-etl-dev"
artifacts_bucket_name = "acme-glue-etl-dev-artifacts"

log_retention_days    = 30
schedules_enabled     = false
worker_type_override  = "G.1X"
max_number_of_workers = 4

tags = {
  Project    = "glue-etl"
  CostCenter = "data-platform"
}

# Bootstrap (placeholders, like the acme bucket names): who administers the state and artifacts
# keys and may read state besides the release roles, and which repository's GitHub environments
# "dev" (deploy role) and "dev-plan" (plan role) may assume the roles.
administrator_arns = ["arn:aws:iam::111111111111:role/platform-admin"]
github_oidc = {
  enabled    = true
  repository = "acme/glue-etl"
}
