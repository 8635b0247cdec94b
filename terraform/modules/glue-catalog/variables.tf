variable "name_prefix" {
  description = "Prefix of the environment's resource names (for descriptions)."
  type        = string
}

variable "tables" {
  description = "Tables the project owns by \"database.table\" (from catalog/<database>/<table>.yaml); their databases are created too."
  type = map(object({
    database       = string
    name           = string
    description    = optional(string, "")
    location       = string # s3://bucket/prefix/
    format         = string # csv | json | parquet | orc
    header         = optional(bool, false)
    separator      = optional(string, ",")
    columns        = list(object({ name = string, type = string }))
    partition_keys = optional(list(object({ name = string, type = string })), [])
  }))
  default = {}

  validation {
    condition     = alltrue([for k, t in var.tables : k == "${t.database}.${t.name}"])
    error_message = "Each key must be \"<database>.<name>\" of its table."
  }

  validation {
    condition     = alltrue([for t in values(var.tables) : contains(["csv", "json", "parquet", "orc"], t.format)])
    error_message = "A table's format must be one of csv, json, parquet, orc."
  }

  validation {
    condition     = alltrue([for t in values(var.tables) : can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([^/].*/)?$", t.location))])
    error_message = "A table's location must be an s3://bucket/folder/ URI ending in \"/\"."
  }

  validation {
    condition     = alltrue([for t in values(var.tables) : can(regex("^[a-z0-9_]{1,255}$", t.database)) && can(regex("^[a-z0-9_]{1,255}$", t.name))])
    error_message = "Database and table names must be lowercase letters, digits and underscores (Glue stores them so)."
  }
}

variable "existing_databases" {
  description = "Databases made elsewhere (a crawler's, another stack's) that hold tables made elsewhere too. Owned tables in them are created there; the databases themselves are never created, changed or destroyed here."
  type        = set(string)
  default     = []

  validation {
    condition     = alltrue([for d in var.existing_databases : can(regex("^[a-z0-9_]{1,255}$", d))])
    error_message = "Database names must be lowercase letters, digits and underscores (Glue stores them so)."
  }
}

variable "tags" {
  description = "Tags for the databases (in addition to the provider's default tags)."
  type        = map(string)
  default     = {}
}
