output "account_id" {
  description = "AWS account the bootstrap resources live in."
  value       = local.account_id
}

output "state_bucket_name" {
  description = "Name of the Terraform state bucket (the \"bucket\" of environments/<env>.s3.tfbackend)."
  value       = module.state_bucket.id
}

output "state_kms_key_arn" {
  description = "ARN of the KMS key encrypting the state bucket."
  value       = aws_kms_key.this["tfstate"].arn
}

output "artifacts_bucket_name" {
  description = "Name of the artifacts bucket the release tool uploads to."
  value       = module.artifacts_bucket.id
}

output "artifacts_kms_key_arn" {
  description = "ARN of the KMS key encrypting the artifacts bucket."
  value       = aws_kms_key.this["artifacts"].arn
}

output "artifacts_kms_key_alias" {
  description = "Alias of the artifacts key; the main root module looks the key up by it."
  value       = aws_kms_alias.this["artifacts"].name
}

output "access_log_bucket_name" {
  description = "Name of the bucket receiving the bootstrap buckets' access logs."
  value       = module.access_log_bucket.id
}

output "deploy_role_arn" {
  description = "ARN of the deploy role: applies terraform/, uploads artifacts, runs smoke runs (GitHub environment <environment>, and role_trusted_principal_arns)."
  value       = aws_iam_role.deploy.arn
}

output "plan_role_arn" {
  description = "ARN of the read-only plan role: plans for review and drift with -lock=false (GitHub environment <environment>-plan, and role_trusted_principal_arns)."
  value       = aws_iam_role.plan.arn
}

output "permissions_boundary_arn" {
  description = "ARN of the permissions boundary every role of the environment is created under (the main module puts the job roles under it)."
  value       = aws_iam_policy.boundary.arn
}

output "state_kms_key_alias" {
  description = "Alias of the state key."
  value       = aws_kms_alias.this["tfstate"].name
}
