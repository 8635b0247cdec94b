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
      workflow_name            = try(aws_glue_workflow.this[local.job_workflow[name]].name, null)
    }
  }
}

output "buckets" {
  description = "Data lake buckets by role (raw, curated, temp, logs)."
  value       = merge({ for role, b in module.data_lake.buckets : role => b.id }, { logs = module.data_lake.log_bucket.id })
}

output "external_buckets" {
  description = "Buckets other teams own that jobs of this environment may name, by logical name (not managed here)."
  value       = { for name, b in local.external_buckets : name => b.id }
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

output "job_role_arns" {
  description = "IAM role of each job, by job name (smoke runs assume it to stage and read back data)."
  value       = { for name, role in module.job_role : name => role.arn }
}

output "workflows" {
  description = "One Glue workflow per job graph, by its first job: name, jobs, root jobs and start trigger (type and name)."
  value = {
    for key, w in local.workflows : key => {
      name          = aws_glue_workflow.this[key].name
      jobs          = w.jobs
      roots         = w.roots
      start_trigger = { name = aws_glue_trigger.workflow_start[key].name, type = aws_glue_trigger.workflow_start[key].type }
    }
  }
}

output "alert_topic_arn" {
  description = "SNS topic receiving failed, timed-out, errored and stopped job runs (KMS-encrypted)."
  value       = aws_sns_topic.alerts.arn
}
