variable "name_prefix" {
  description = "Prefix of every resource name of this environment, e.g. \"glue-etl-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "The name_prefix must be 3-20 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "bucket_name_prefix" {
  description = "Prefix of the bucket names; each bucket is \"<bucket_name_prefix>-<role>\" (role: raw, curated, temp, logs)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,53}$", var.bucket_name_prefix))
    error_message = "The bucket_name_prefix must be 2-54 characters of lowercase letters, digits and hyphens."
  }
}

variable "log_group_prefix" {
  description = "CloudWatch log group name prefix whose log groups may use the data lake key (the job log groups)."
  type        = string
  default     = "/aws-glue/jobs/"
}

variable "key_administrator_arns" {
  description = "IAM principals that administer the data lake key (the deploy role and the environment's administrators); they cannot use it."
  type        = list(string)

  validation {
    condition     = length(var.key_administrator_arns) > 0
    error_message = "The data lake key needs at least one named administrator."
  }
}

variable "key_user_arn_patterns" {
  description = "ARN patterns (aws:PrincipalArn, ArnLike) of the IAM roles that use the data lake key, with kms:Decrypt and kms:GenerateDataKey only: the environment's job roles, e.g. \"arn:aws:iam::<account>:role/<name_prefix>-*\"."
  type        = list(string)
  default     = []
}

variable "temp_expiration_days" {
  description = "Days after which objects in the temp bucket expire."
  type        = number
  default     = 7

  validation {
    condition     = var.temp_expiration_days >= 1 && var.temp_expiration_days <= 365
    error_message = "The temp_expiration_days must be between 1 and 365."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which noncurrent object versions in the raw and curated buckets are deleted."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "The noncurrent_version_expiration_days must be at least 1."
  }
}

variable "access_log_expiration_days" {
  description = "Days after which S3 server access logs are deleted."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_expiration_days >= 1
    error_message = "The access_log_expiration_days must be at least 1."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the data lake KMS key is deleted after destroy."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "The kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "deny_insecure_transport" {
  description = "Whether bucket policies deny requests not made over TLS (off only for the local emulator)."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Allow Terraform to delete non-empty buckets (only for disposable environments such as local)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource of the module (in addition to the provider's default tags)."
  type        = map(string)
  default     = {}
}
