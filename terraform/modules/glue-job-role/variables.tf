variable "name" {
  description = "Name of the IAM role (usually the Glue job's name)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "The IAM role name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "path" {
  description = "IAM path of the role."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([A-Za-z0-9+=,.@_-]+/)*$", var.path))
    error_message = "The IAM path must start and end with \"/\"."
  }
}

variable "permissions_boundary_arn" {
  description = "ARN of the permissions boundary the role is created under (the environment's, from bootstrap)."
  type        = string
  default     = null
}

variable "artifacts_bucket_arn" {
  description = "ARN of the bucket holding the job scripts and libraries."
  type        = string
}

variable "artifact_prefixes" {
  description = "Key prefixes in the artifacts bucket the job may read (its own script/module and the shared library), e.g. [\"jobs/customers_clean/\", \"lib/\"]."
  type        = list(string)

  validation {
    condition     = length(var.artifact_prefixes) > 0 && alltrue([for p in var.artifact_prefixes : can(regex("^[^*?]+/$", p))])
    error_message = "Each artifact prefix must be non-empty, end with \"/\" and contain no wildcards."
  }
}

variable "read_locations" {
  description = "S3 locations the job reads: bucket ARN, key prefix, and the KMS key of that bucket when it is not the data lake's (an external bucket's own key, null otherwise)."
  type = list(object({
    bucket_arn  = string
    prefix      = string
    kms_key_arn = optional(string)
  }))
  default = []

  validation {
    condition     = alltrue([for l in var.read_locations : l.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(l.kms_key_arn, "-")))])
    error_message = "A location's kms_key_arn must be a KMS key ARN (not an alias, no wildcards), or null."
  }
}

variable "write_locations" {
  description = "S3 locations the job writes (and may read back): bucket ARN, key prefix, and the KMS key of that bucket when it is not the data lake's (an external bucket's own key, null otherwise)."
  type = list(object({
    bucket_arn  = string
    prefix      = string
    kms_key_arn = optional(string)
  }))
  default = []

  validation {
    condition     = alltrue([for l in var.write_locations : l.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(l.kms_key_arn, "-")))])
    error_message = "A location's kms_key_arn must be a KMS key ARN (not an alias, no wildcards), or null."
  }
}

variable "smoke_prefix" {
  description = "Key prefix under which smoke runs mirror every read/write location (\"_smoke/\"); null grants no smoke locations."
  type        = string
  default     = "_smoke/"
}

variable "temp_location" {
  description = "S3 location of the job's temporary directory (--TempDir): bucket ARN and key prefix."
  type = object({
    bucket_arn = string
    prefix     = string
  })
}

variable "log_group_names" {
  description = "Names of the CloudWatch log groups the job writes."
  type        = list(string)
}

variable "kms_key_arns" {
  description = "KMS keys the job reads (kms:Decrypt) and writes (kms:GenerateDataKey) with: the data lake key."
  type        = list(string)
}

variable "decrypt_kms_key_arns" {
  description = "KMS keys the job only decrypts with (the artifacts key)."
  type        = list(string)
  default     = []
}

variable "catalog_database_name" {
  description = "Glue Data Catalog database holding the job's tables."
  type        = string
  default     = null
}

variable "catalog_tables" {
  description = "Tables of catalog_database_name the job may read and create/update (opt-in; none by default)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for t in var.catalog_tables : can(regex("^[a-z0-9_]+$", t))])
    error_message = "Catalog table names must be lowercase letters, digits and underscores (no wildcards)."
  }
}

variable "catalog_read_tables" {
  description = "Data Catalog tables the job reads (from_catalog): read-only access to exactly these (their S3 locations go in read_locations)."
  type        = list(object({ database = string, table = string }))
  default     = []

  validation {
    condition     = alltrue([for t in var.catalog_read_tables : can(regex("^[a-z0-9_]+$", t.database)) && can(regex("^[a-z0-9_]+$", t.table))])
    error_message = "Catalog database and table names must be lowercase letters, digits and underscores (no wildcards)."
  }
}

variable "assume_role_principal_arns" {
  description = "IAM principals (the deploy role) that may assume the job role for smoke runs, besides Glue."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for the role (in addition to the provider's default tags)."
  type        = map(string)
  default     = {}
}
