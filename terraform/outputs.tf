output "jobs" {
  description = "The deployed Glue jobs by job name: AWS name, role, script location and triggers."
  value = {
    for name, job in module.glue_job : name => {
      name                     = job.name
      role_arn                 = module.job_role[name].arn
      script_location          = "s3://${var.artifacts_bucket_name}/${var.artifacts.jobs[name].script_key}"
      log_group_names          = job.log_group_names
      schedule_trigger         = job.schedule_trigger
      conditional_trigger_name = try(aws_glue_trigger.upstream_succeeded[name].name, null)
    }
  }
}

output "buckets" {
  description = "Data lake buckets by role (raw, curated, temp, logs)."
  value       = merge({ for role, b in module.data_lake.buckets : role => b.id }, { logs = module.data_lake.log_bucket.id })
}

output "data_kms_key_arn" {
  description = "ARN of the data lake KMS key."
  value       = module.data_lake.kms_key_arn
}

output "security_configuration" {
  description = "Name of the Glue security configuration attached to every job."
  value       = aws_glue_security_configuration.this.name
}

output "catalog_database" {
  description = "Name of the Glue Data Catalog database for the curated outputs."
  value       = module.data_lake.catalog_database.name
}
