output "buckets" {
  description = "Data buckets by role (raw, curated, temp): name and ARN."
  value = {
    raw     = { id = module.raw_bucket.id, arn = module.raw_bucket.arn }
    curated = { id = module.curated_bucket.id, arn = module.curated_bucket.arn }
    temp    = { id = module.temp_bucket.id, arn = module.temp_bucket.arn }
  }
}

output "log_bucket" {
  description = "The bucket receiving S3 server access logs: name and ARN."
  value       = { id = module.log_bucket.id, arn = module.log_bucket.arn }
}

output "kms_key_arn" {
  description = "ARN of the data lake customer managed key."
  value       = aws_kms_key.this.arn
}

output "kms_key_alias" {
  description = "Alias of the data lake customer managed key."
  value       = aws_kms_alias.this.name
}

output "catalog_database" {
  description = "Glue Data Catalog database for the curated outputs: name and ARN."
  value       = { name = aws_glue_catalog_database.curated.name, arn = aws_glue_catalog_database.curated.arn }
}
