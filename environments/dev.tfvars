environment           = "dev"
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
