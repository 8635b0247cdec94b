variable "name" {
  description = "Name of the Glue job on AWS (\"<name_prefix>-<job>\")."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9_-]{2,63}$", var.name))
    error_message = "The job name must be 3-64 characters of lowercase letters, digits, hyphens and underscores, starting with a letter."
  }
}

variable "description" {
  description = "Description of the job."
  type        = string
  default     = ""
}

variable "role_arn" {
  description = "ARN of the IAM role the job runs as."
  type        = string
}

variable "glue_version" {
  description = "Glue version."
  type        = string
  default     = "5.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+$", var.glue_version)) && try(tonumber(split(".", var.glue_version)[0]) >= 5, false)
    error_message = "The glue_version must be 5.0 or later: Glue 4.0 and earlier write logs to log groups the job role cannot write (they ignore --custom-logGroup-prefix)."
  }
}

variable "worker_type" {
  description = "Worker type."
  type        = string
  default     = "G.1X"

  validation {
    condition     = contains(["G.1X", "G.2X", "G.4X", "G.8X"], var.worker_type)
    error_message = "The worker_type must be one of G.1X, G.2X, G.4X, G.8X (G.025X is for streaming jobs only)."
  }
}

variable "number_of_workers" {
  description = "Number of workers."
  type        = number
  default     = 2

  validation {
    condition     = var.number_of_workers >= 2 && var.number_of_workers <= 299 && floor(var.number_of_workers) == var.number_of_workers
    error_message = "The number_of_workers must be a whole number from 2 to 299."
  }
}

variable "timeout_minutes" {
  description = "Job run timeout in minutes."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout_minutes >= 1 && var.timeout_minutes <= 2880
    error_message = "The timeout_minutes must be from 1 to 2880."
  }
}

variable "max_retries" {
  description = "Number of retries of a failed run."
  type        = number
  default     = 0

  validation {
    condition     = var.max_retries >= 0 && var.max_retries <= 10
    error_message = "The max_retries must be from 0 to 10."
  }
}

variable "max_concurrent_runs" {
  description = "Maximum number of concurrent runs of the job."
  type        = number
  default     = 1

  validation {
    condition     = var.max_concurrent_runs >= 1 && var.max_concurrent_runs <= 1000
    error_message = "The max_concurrent_runs must be from 1 to 1000."
  }
}

variable "bookmarks" {
  description = "Whether job bookmarks are enabled."
  type        = bool
  default     = false
}

variable "script_location" {
  description = "S3 URI of the job's entry script (content-hashed key, so a new script is a new location)."
  type        = string

  validation {
    condition     = can(regex("^s3://[^/]+/.+\\.py$", var.script_location))
    error_message = "The script_location must be an s3:// URI of a .py file."
  }
}

variable "extra_py_files" {
  description = "S3 URIs of the zip/py files put on the job's Python path (--extra-py-files): the shared library and the job's own module."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for f in var.extra_py_files : can(regex("^s3://[^/]+/.+\\.(zip|py)$", f))])
    error_message = "Each extra_py_files entry must be an s3:// URI of a .zip or .py file."
  }
}

variable "additional_python_modules" {
  description = "S3 URIs of the wheels of the job's third-party Python packages (--additional-python-modules); Glue installs exactly these, without a package index."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for m in var.additional_python_modules : can(regex("^s3://[^/]+/.+\\.whl$", m))])
    error_message = "Each additional_python_modules entry must be an s3:// URI of a .whl file."
  }
}

variable "temp_dir" {
  description = "S3 URI of the job's temporary directory (--TempDir)."
  type        = string

  validation {
    condition     = can(regex("^s3://[^/]+/", var.temp_dir))
    error_message = "The temp_dir must be an s3:// URI."
  }
}

variable "arguments" {
  description = "Job default arguments, names without the leading \"--\" (the declaration's arguments, resolved input/output locations and environment values)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.arguments) : can(regex("^[A-Za-z][A-Za-z0-9_-]*$", k))])
    error_message = "Argument names must start with a letter and contain only letters, digits, \"_\" and \"-\" (no leading \"--\")."
  }
}

variable "use_data_catalog" {
  description = "Whether Spark uses the Glue Data Catalog as its metastore (--enable-glue-datacatalog); only for jobs whose role may read their catalog tables."
  type        = bool
  default     = false
}

variable "security_configuration" {
  description = "Name of the Glue security configuration attached to the job."
  type        = string
}

variable "log_group_prefix" {
  description = "Prefix of the job's CloudWatch log groups (--custom-logGroup-prefix); Glue 5.0 writes \"<prefix>/output\" and \"<prefix>/error\"."
  type        = string

  validation {
    condition     = can(regex("^/[A-Za-z0-9_/.-]+[^/]$", var.log_group_prefix))
    error_message = "The log_group_prefix must start with \"/\", not end with \"/\", and use only letters, digits and _/.-."
  }
}

variable "log_retention_days" {
  description = "Retention of the job's log groups in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be a retention period CloudWatch Logs supports (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "log_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the job's log groups."
  type        = string
}

variable "schedule" {
  description = "Cron expression of the job's scheduled trigger, e.g. \"cron(0 3 * * ? *)\"; null for no scheduled trigger."
  type        = string
  default     = null

  validation {
    condition     = var.schedule == null || can(regex("^cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)$", var.schedule))
    error_message = "The schedule must be a six-field cron expression such as \"cron(0 3 * * ? *)\"."
  }
}

variable "schedule_trigger_name" {
  description = "Name of the scheduled trigger; null for \"<name>-schedule\" (set for a trigger adopted from an account)."
  type        = string
  default     = null
}

variable "schedule_enabled" {
  description = "Whether the scheduled trigger is active (environments without schedules create it deactivated)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource of the module (in addition to the provider's default tags)."
  type        = map(string)
  default     = {}
}
