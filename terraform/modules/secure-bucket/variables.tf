variable "bucket" {
  description = "Name of the bucket (globally unique, 3-63 characters, lowercase letters, digits, dots and hyphens)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket)) && !strcontains(var.bucket, "..")
    error_message = "The bucket name must be 3-63 characters of lowercase letters, digits, dots and hyphens, and start and end with a letter or digit."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer managed KMS key used for default encryption (SSE-KMS). Null selects SSE-S3, which is only meant for server access log target buckets (S3 cannot deliver access logs to SSE-KMS buckets)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "The kms_key_arn must be a KMS key ARN."
  }
}

variable "versioning_enabled" {
  description = "Whether object versioning is enabled."
  type        = bool
  default     = true
}

variable "access_log_bucket" {
  description = "Name of the bucket that receives this bucket's server access logs. Null disables access logging (only for the log bucket itself)."
  type        = string
  default     = null
}

variable "access_log_prefix" {
  description = "Key prefix of this bucket's access logs in the log bucket. Defaults to \"<bucket>/\"."
  type        = string
  default     = null
}

variable "deny_insecure_transport" {
  description = "Whether the bucket policy denies every request not made over TLS. Only the local emulator (moto, which ignores the policy's condition and so denies every object request) turns this off."
  type        = bool
  default     = true
}

variable "policy_documents" {
  description = "Further bucket policy documents (JSON) merged into the bucket policy, e.g. write-once or encryption statements. Their Sids must not clash with DenyInsecureTransport or AllowS3ServerAccessLogDelivery."
  type        = list(string)
  default     = []
}

variable "is_access_log_target" {
  description = "Whether this bucket receives server access logs: its policy then allows the S3 logging service to write under the given source buckets."
  type        = bool
  default     = false
}

variable "access_log_source_bucket_arns" {
  description = "ARNs of the buckets allowed to deliver access logs into this bucket (only with is_access_log_target)."
  type        = list(string)
  default     = []
}

variable "lifecycle_rules" {
  description = <<-EOT
    Lifecycle rules, each applying to the whole bucket: `expiration_days` expires current
    versions, `noncurrent_version_expiration_days` removes noncurrent versions, and
    `abort_incomplete_multipart_upload_days` (default 7, always set) cleans up failed uploads.
    A rule with neither expiry keeps every object and version (e.g. write-once artifacts).
  EOT
  type = list(object({
    id                                     = string
    expiration_days                        = optional(number)
    noncurrent_version_expiration_days     = optional(number)
    abort_incomplete_multipart_upload_days = optional(number, 7)
  }))
  default = [{
    id                                 = "noncurrent-versions"
    noncurrent_version_expiration_days = 90
  }]

  validation {
    condition     = length(var.lifecycle_rules) > 0
    error_message = "At least one lifecycle rule is required."
  }

  validation {
    condition = alltrue([
      for r in var.lifecycle_rules : alltrue([
        for d in [r.expiration_days, r.noncurrent_version_expiration_days, r.abort_incomplete_multipart_upload_days] :
        d == null ? true : d >= 1
      ])
    ])
    error_message = "Lifecycle day counts must be at least 1."
  }
}

variable "force_destroy" {
  description = "Allow Terraform to delete the bucket with its objects (only for disposable environments)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the bucket (in addition to the provider's default tags)."
  type        = map(string)
  default     = {}
}
