output "table_arns" {
  description = "ARN of each table by \"database.table\"."
  value       = { for k, t in aws_glue_catalog_table.this : k => t.arn }
}

output "database_names" {
  description = "Names of the databases made for the tables (not those in existing_databases)."
  value       = sort([for d in aws_glue_catalog_database.this : d.name])
}
