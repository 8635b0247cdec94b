# Name and ARN are derived from the configured name (not computed attributes) so that policies
# built from them are known at plan time. They depend on the bucket's policy and encryption, so
# a consumer (e.g. another bucket's access logging) only uses the bucket once it is secured.
output "id" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.bucket

  depends_on = [
    aws_s3_bucket_policy.this,
    aws_s3_bucket_server_side_encryption_configuration.this,
  ]
}

output "arn" {
  description = "ARN of the bucket."
  value       = "arn:${data.aws_partition.current.partition}:s3:::${aws_s3_bucket.this.bucket}"

  depends_on = [
    aws_s3_bucket_policy.this,
    aws_s3_bucket_server_side_encryption_configuration.this,
  ]
}

output "kms_key_arn" {
  description = "ARN of the KMS key used for default encryption, or null for SSE-S3."
  value       = var.kms_key_arn
}

output "bucket_regional_domain_name" {
  description = "Region-specific domain name of the bucket."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "lifecycle_rules" {
  description = "The lifecycle rules applied to the bucket."
  value       = var.lifecycle_rules
}

output "policy_documents" {
  description = "The further policy documents merged into the bucket policy."
  value       = var.policy_documents
}
