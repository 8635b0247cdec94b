environment           = "test"
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
