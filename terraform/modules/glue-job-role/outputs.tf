output "arn" {
  description = "ARN of the role."
  value       = aws_iam_role.this.arn
}

output "name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}

output "policy_json" {
  description = "The role's inline policy document (JSON)."
  value       = data.aws_iam_policy_document.this.json
}

output "permissions_boundary_arn" {
  description = "ARN of the permissions boundary the role is created under."
  value       = aws_iam_role.this.permissions_boundary
}
