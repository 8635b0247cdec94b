# Local environment: everything runs against the emulator started by `invoke local.up`
# (the tool passes -var aws_endpoint_url=https://127.0.0.1:<port>).
environment           = "local"
account_id            = "123456789012" # moto's account
region                = "us-east-1"
name_prefix           = "glue-etl-local"
artifacts_bucket_name = "glue-etl-local-artifacts"

log_retention_days    = 1
schedules_enabled     = false
worker_type_override  = "G.1X"
max_number_of_workers = 2

temp_expiration_days               = 1
noncurrent_version_expiration_days = 1
force_destroy                      = true

# A stopped emulator is a refused connection, not a throttled AWS: fail the apply in seconds.
aws_max_retries = 2

tags = {
  Project = "glue-etl"
}

# moto gaps: features left out locally only (see docs/terraform.md).
emulator_gaps = {
  s3_tls_deny_policy         = true
  s3_conditional_deny_policy = true
}

# Bootstrap: the emulator's administrator is the account root; it assumes the deploy and plan
# roles through STS, as CI does through GitHub OIDC.
administrator_arns          = ["arn:aws:iam::123456789012:root"]
role_trusted_principal_arns = ["arn:aws:iam::123456789012:root"]

# Buckets other teams own, by the logical name job.yaml inputs/outputs use as `bucket:`. Terraform
# only references them (exact-prefix grants, decrypt on the named key); it never creates them. On
# local the release tool makes this one in the emulator as a stand-in for the other team's bucket
# (glue_release/emulator_standins.py); it has no KMS key here (moto does not enforce key use).
external_buckets = {
  partner_feed = {
    bucket = "glue-etl-local-partner-feed"
  }
}
