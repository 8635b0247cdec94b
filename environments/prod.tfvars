environment           = "prod"
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
