output "name" {
  description = "Name of the Glue job."
  value       = aws_glue_job.this.name
}

output "arn" {
  description = "ARN of the Glue job."
  value       = aws_glue_job.this.arn
}

output "script_location" {
  description = "S3 URI of the job's entry script."
  value       = aws_glue_job.this.command[0].script_location
}

output "security_configuration" {
  description = "Name of the security configuration attached to the job."
  value       = aws_glue_job.this.security_configuration
}

output "worker_type" {
  description = "Worker type of the job."
  value       = aws_glue_job.this.worker_type
}

output "number_of_workers" {
  description = "Number of workers of the job."
  value       = aws_glue_job.this.number_of_workers
}

output "default_arguments" {
  description = "The job's default arguments (declared arguments, locations, environment values); a run may override them."
  value       = aws_glue_job.this.default_arguments
}

output "non_overridable_arguments" {
  description = "The platform's arguments (code, logging, bookmarks, temp dir); no run can override them."
  value       = aws_glue_job.this.non_overridable_arguments
}

output "log_group_names" {
  description = "Names of the job's CloudWatch log groups."
  value       = [for g in aws_cloudwatch_log_group.this : g.name]
}

output "schedule_trigger" {
  description = "The scheduled trigger (name, schedule, enabled), or null when the job has no schedule."
  value = one([
    for t in aws_glue_trigger.schedule : { name = t.name, schedule = t.schedule, enabled = t.enabled }
  ])
}
