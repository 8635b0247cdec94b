environment           = "prod"
account_id            = "333333333333" # placeholder: the prod account
region                = "eu-west-1"
name_prefix           = "glue-etl-prod"
artifacts_bucket_name = "acme-glue-etl-prod-artifacts"

log_retention_days = 365
schedules_enabled  = true
# Per-job sizing for production volumes, e.g.
# job_worker_overrides = { customers_clean = { worker_type = "G.2X", number_of_workers = 10 } }
job_worker_overrides = {}

tags = {
  Project    = "glue-etl"
  CostCenter = "data-platform"
}

# Bootstrap (placeholders, like the acme bucket names): who administers the state and artifacts
# keys and may read state besides the release roles, and which repository's GitHub environments
# "prod" (deploy role) and "prod-plan" (plan role) may assume the roles.
administrator_arns = ["arn:aws:iam::333333333333:role/platform-admin"]
github_oidc = {
  enabled    = true
  repository = "acme/glue-etl"
}
