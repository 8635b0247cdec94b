################################################################################
# Environment (environments/<env>.tfvars)
################################################################################

variable "environment" {
  description = "Name of the environment."
  type        = string

  validation {
    condition     = contains(["local", "dev", "test", "prod"], var.environment)
    error_message = "The environment must be one of local, dev, test, prod."
  }
}

variable "account_id" {
  description = "The AWS account of the environment; the provider refuses credentials of any other (allowed_account_ids). Locally moto's 123456789012."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "The account_id must be a 12-digit AWS account id."
  }
}

variable "region" {
  description = "AWS region of the environment."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "The region must be an AWS region name such as eu-west-1."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name of the environment, e.g. \"glue-etl-dev\"; jobs are named \"<name_prefix>-<job>\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "The name_prefix must be 3-20 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "artifacts_bucket_name" {
  description = "Name of the artifacts bucket created by terraform/bootstrap (scripts, job modules, shared library). Its KMS key is found by the alias \"alias/<name_prefix>-artifacts\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket_name))
    error_message = "The artifacts_bucket_name must be a valid S3 bucket name."
  }
}

variable "aws_endpoint_url" {
  description = "Endpoint of an AWS emulator (local environment only), e.g. \"https://127.0.0.1:5000\"; null for AWS."
  type        = string
  default     = null

  validation {
    condition     = var.aws_endpoint_url == null || can(regex("^https?://[^/]+/?$", var.aws_endpoint_url))
    error_message = "The aws_endpoint_url must be an http(s) URL without a path."
  }
}

variable "aws_max_retries" {
  description = <<-EOT
    How many times the AWS provider tries a failing request (its max_retries); null keeps the provider's
    default (25, with backoff), right for AWS. local sets a small number so that a stopped emulator fails an
    apply in seconds instead of minutes of retried connection errors.
  EOT
  type        = number
  default     = null

  validation {
    condition     = var.aws_max_retries == null || try(var.aws_max_retries >= 1 && floor(var.aws_max_retries) == var.aws_max_retries, false)
    error_message = "The aws_max_retries must be null or a whole number >= 1."
  }
}

variable "emulator_gaps" {
  description = <<-EOT
    Features the local emulator (moto) does not implement faithfully; each gap set to true leaves
    that feature out. Only environments/local.tfvars may set them (a precondition enforces it).
    - `s3_tls_deny_policy`: moto applies a bucket policy's Deny statements without evaluating
      their conditions, so the TLS-only statement would deny every object request.
  EOT
  type = object({
    s3_tls_deny_policy = optional(bool, false)
  })
  default = {}
}

variable "administrator_arns" {
  description = "IAM principals that administer the environment's keys (as in bootstrap); the data lake key's administrators are these and the deploy role."
  type        = list(string)
  default     = []
}

variable "alert_subscriptions" {
  description = "Subscriptions to the topic that receives failed, timed-out, errored and stopped job runs, e.g. [{ protocol = \"email\", endpoint = \"data-oncall@example.com\" }]."
  type = list(object({
    protocol = string
    endpoint = string
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.alert_subscriptions : contains(["email", "email-json", "https", "sqs", "lambda", "sms"], s.protocol) && length(s.endpoint) > 0])
    error_message = "Each alert subscription needs a protocol (email, email-json, https, sqs, lambda, sms) and an endpoint."
  }
}

variable "log_retention_days" {
  description = "Retention of the job log groups in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be a retention period CloudWatch Logs supports (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "schedules_enabled" {
  description = "Whether schedules fire. When false a single job's scheduled trigger is created deactivated and a job graph's workflow starts on demand; conditional triggers stay active so that a chain started with start_workflow_run still runs."
  type        = bool
  default     = false
}

variable "worker_type_override" {
  description = "Worker type forced on every job of the environment (e.g. a small type in dev); null keeps each job's declared type."
  type        = string
  default     = null

  validation {
    condition     = var.worker_type_override == null || contains(["G.1X", "G.2X", "G.4X", "G.8X"], coalesce(var.worker_type_override, "G.1X"))
    error_message = "The worker_type_override must be one of G.1X, G.2X, G.4X, G.8X (G.025X is for streaming jobs only), or null."
  }
}

variable "max_number_of_workers" {
  description = "Cap on the number of workers of every job in the environment; null for no cap."
  type        = number
  default     = null

  validation {
    condition     = var.max_number_of_workers == null || (coalesce(var.max_number_of_workers, 2) >= 2 && coalesce(var.max_number_of_workers, 2) <= 299)
    error_message = "The max_number_of_workers must be from 2 to 299, or null."
  }
}

variable "job_worker_overrides" {
  description = "Per-job worker settings of the environment, by job name; they win over worker_type_override and the declaration, and max_number_of_workers still caps them."
  type = map(object({
    worker_type       = optional(string)
    number_of_workers = optional(number)
  }))
  default = {}

  validation {
    condition = alltrue([
      for o in values(var.job_worker_overrides) :
      (o.worker_type == null || contains(["G.1X", "G.2X", "G.4X", "G.8X"], coalesce(o.worker_type, "G.1X"))) &&
      (o.number_of_workers == null || (coalesce(o.number_of_workers, 2) >= 2 && coalesce(o.number_of_workers, 2) <= 299))
    ])
    error_message = "Each override needs a valid worker_type (G.1X, G.2X, G.4X, G.8X; G.025X is for streaming jobs only) and number_of_workers from 2 to 299."
  }
}

variable "temp_expiration_days" {
  description = "Days after which objects in the temp bucket expire."
  type        = number
  default     = 7
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which noncurrent object versions of the raw and curated buckets are deleted."
  type        = number
  default     = 90
}

variable "force_destroy" {
  description = "Allow destroying non-empty buckets (disposable environments only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of the environment."
  type        = map(string)
  default     = {}
}

variable "external_buckets" {
  description = <<-EOT
    Buckets other teams own that jobs read or write, by the logical name a job.yaml input or output
    uses as its `bucket` (besides raw and curated): the real bucket name in this environment and,
    if it is SSE-KMS encrypted with a customer managed key, that key's ARN. Terraform only
    references these buckets: it never creates, changes or deletes them. Each job role gets its exact
    prefixes there and kms:Decrypt (plus kms:GenerateDataKey for outputs) on that bucket's key only.
    The owner's bucket policy and key policy must also allow the job roles (another account's
    bucket always needs them).
  EOT
  type = map(object({
    bucket      = string
    kms_key_arn = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for name in keys(var.external_buckets) : can(regex("^[a-z][a-z0-9_]{1,39}$", name)) && !contains(["raw", "curated", "temp", "logs"], name)])
    error_message = "External bucket names (the map's keys) must match ^[a-z][a-z0-9_]{1,39}$ and not be raw, curated, temp or logs."
  }

  validation {
    condition     = alltrue([for b in values(var.external_buckets) : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b.bucket))])
    error_message = "Each external bucket needs bucket = a valid S3 bucket name (not an ARN or s3:// URL)."
  }

  validation {
    condition     = alltrue([for b in values(var.external_buckets) : b.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(b.kms_key_arn, "-")))])
    error_message = "An external bucket's kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias; IAM grants name keys by ARN."
  }
}

################################################################################
# Release (build/<env>/release.tfvars.json, written by the release tool)
################################################################################

variable "jobs" {
  description = "The Glue jobs, by job name, as validated and written by the release tool from jobs/*/job.yaml (see docs/architecture.md)."
  type = map(object({
    description         = string
    glue_version        = string
    worker_type         = string
    number_of_workers   = number
    timeout_minutes     = number
    max_retries         = number
    max_concurrent_runs = number
    bookmarks           = bool
    schedule            = string
    schedule_enabled    = optional(bool)
    depends_on          = list(string)
    arguments           = map(string)
    inputs = map(object({
      bucket = string
      prefix = string
    }))
    outputs = map(object({
      bucket = string
      prefix = string
    }))
    # Set for a job taken over from an account by `invoke adopt`: its existing names, and whether
    # this environment is the one it came from (there, import blocks take it into state).
    adopted = optional(object({
      job_name         = string
      schedule_trigger = optional(string)
      upstream_trigger = optional(string)
      import           = bool
    }))
    # Tables of the curated catalog database the job creates/updates (opt-in; none by default).
    catalog_tables = optional(list(string), [])
    # Data Catalog tables the job reads ("database.table", keys of var.catalog_tables): read-only, these only.
    catalog_reads = optional(list(string), [])
  }))
  default = {}

  validation {
    condition     = alltrue(flatten([for job in values(var.jobs) : [for ref in job.catalog_reads : contains(keys(var.catalog_tables), ref)]]))
    error_message = "Every catalog_reads entry must be a table of catalog_tables (catalog/<database>/<table>.yaml)."
  }

  validation {
    condition     = alltrue([for name in keys(var.jobs) : can(regex("^[a-z][a-z0-9_]{2,39}$", name))])
    error_message = "Job names must match ^[a-z][a-z0-9_]{2,39}$."
  }

  validation {
    condition     = alltrue([for j in values(var.jobs) : can(regex("^[0-9]+\\.[0-9]+$", j.glue_version)) && try(tonumber(split(".", j.glue_version)[0]) >= 5, false)])
    error_message = "Each job's glue_version must be 5.0 or later: Glue 4.0 writes its logs to log groups the job role cannot write."
  }

  validation {
    condition     = alltrue([for j in values(var.jobs) : contains(["G.1X", "G.2X", "G.4X", "G.8X"], j.worker_type)])
    error_message = "Each job's worker_type must be one of G.1X, G.2X, G.4X, G.8X (G.025X is for streaming jobs only)."
  }

  validation {
    condition = alltrue([
      for j in values(var.jobs) :
      j.number_of_workers >= 2 && j.number_of_workers <= 299 &&
      j.timeout_minutes >= 1 && j.timeout_minutes <= 2880 &&
      j.max_retries >= 0 && j.max_retries <= 10 &&
      j.max_concurrent_runs >= 1 && j.max_concurrent_runs <= 1000
    ])
    error_message = "Each job needs number_of_workers 2..299, timeout_minutes 1..2880, max_retries 0..10 and max_concurrent_runs 1..1000."
  }

  validation {
    condition     = alltrue([for j in values(var.jobs) : j.schedule == null || can(regex("^cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)$", j.schedule))])
    error_message = "A job's schedule must be a six-field cron expression such as \"cron(0 3 * * ? *)\", or null."
  }

  validation {
    condition     = alltrue([for j in values(var.jobs) : j.schedule == null || length(j.depends_on) == 0])
    error_message = "A job has a schedule or depends_on, never both."
  }

  validation {
    condition = alltrue(flatten([
      for name, j in var.jobs : [for d in j.depends_on : contains(keys(var.jobs), d) && d != name]
    ]))
    error_message = "Every depends_on entry must name another job of the release."
  }

  validation {
    condition = alltrue(flatten([
      for j in values(var.jobs) : concat(
        [for i in values(j.inputs) : contains(concat(["raw", "curated"], keys(var.external_buckets)), i.bucket)],
        [for o in values(j.outputs) : contains(concat(["curated"], keys(var.external_buckets)), o.bucket)],
      )
    ]))
    error_message = "Inputs read the raw or curated bucket, outputs write the curated bucket, or either names a bucket of this environment's external_buckets (environments/<env>.tfvars): ${join(", ", distinct(flatten([for n, j in var.jobs : [for a, l in merge(j.inputs, j.outputs) : "${n}.${a} names ${l.bucket}" if !contains(concat(["raw", "curated"], keys(var.external_buckets)), l.bucket)]])))}."
  }

  validation {
    condition = alltrue(flatten([
      for j in values(var.jobs) : [
        for l in concat(values(j.inputs), values(j.outputs)) : can(regex("^[A-Za-z0-9_=.-]+(/[A-Za-z0-9_=.-]+)*/$", l.prefix)) && !startswith(l.prefix, "_smoke/")
      ]
    ]))
    error_message = "Input and output prefixes must be relative key prefixes ending with \"/\", without wildcards, outside \"_smoke/\"."
  }

  validation {
    condition = alltrue([
      for j in values(var.jobs) :
      length(distinct(concat(keys(j.arguments), keys(j.inputs), keys(j.outputs)))) == length(concat(keys(j.arguments), keys(j.inputs), keys(j.outputs))) &&
      alltrue([for k in concat(keys(j.arguments), keys(j.inputs), keys(j.outputs)) : can(regex("^[a-z][a-z0-9_]*$", k)) && !contains(["environment", "catalog_database"], k)])
    ])
    error_message = "Argument, input and output names must be unique within a job, match ^[a-z][a-z0-9_]*$, and not be \"environment\" or \"catalog_database\" (set by the platform)."
  }
}

variable "artifacts" {
  description = "Content-hashed keys of the uploaded artifacts in the artifacts bucket, written by the release tool: the shared library and each job's script and module zip."
  type = object({
    library_key = string
    jobs = map(object({
      script_key         = string
      module_key         = string
      python_module_keys = optional(list(string), [])
    }))
  })
  default = {
    library_key = "lib/none/glue_runtime.zip"
    jobs        = {}
  }

  validation {
    condition     = can(regex("^lib/[^*]+\\.zip$", var.artifacts.library_key))
    error_message = "The library_key must be a .zip key under lib/."
  }

  validation {
    condition = alltrue([
      for name, a in var.artifacts.jobs :
      startswith(a.script_key, "jobs/${name}/") && endswith(a.script_key, ".py") &&
      startswith(a.module_key, "jobs/${name}/") && endswith(a.module_key, ".zip") &&
      alltrue([for k in a.python_module_keys : startswith(k, "jobs/${name}/python/") && endswith(k, ".whl")])
    ])
    error_message = "Each job's script_key (.py), module_key (.zip) and python_module_keys (.whl, under python/) must lie under jobs/<job>/."
  }
}

variable "catalog_tables" {
  description = "The Data Catalog as code (catalog/<database>/<table>.yaml, written by the release tool): owned tables are created; every table may be read by the jobs that declare it."
  type = map(object({
    database         = string
    name             = string
    description      = optional(string, "")
    owned            = bool
    data_lake_bucket = optional(string) # raw | curated: the environment's bucket of that role
    bucket           = optional(string) # or a bucket of its own
    prefix           = string
    format           = string
    header           = optional(bool, false)
    separator        = optional(string, ",")
    columns          = list(object({ name = string, type = string }))
    partition_keys   = optional(list(object({ name = string, type = string })), [])
  }))
  default = {}

  validation {
    condition     = alltrue([for t in values(var.catalog_tables) : (t.data_lake_bucket == null) != (t.bucket == null)])
    error_message = "A catalog table's location is either a data-lake bucket (raw, curated) or a bucket of its own, not both."
  }

  validation {
    condition     = alltrue([for t in values(var.catalog_tables) : t.data_lake_bucket == null || contains(["raw", "curated"], coalesce(t.data_lake_bucket, "raw"))])
    error_message = "A catalog table's data_lake_bucket must be raw or curated."
  }

  validation {
    # The data-lake module makes that database; a catalog/ folder of the same name would make it twice.
    condition     = alltrue([for t in values(var.catalog_tables) : t.database != "${replace(var.name_prefix, "-", "_")}_curated"])
    error_message = "A catalog/ database folder is named like this environment's curated database (<name_prefix>_curated, made by the data-lake module): rename the folder."
  }
}

################################################################################
# Read by terraform/bootstrap only. Both root modules read the environment's one tfvars file, so
# these are declared here too (without them every plan warns of undeclared variables); unused here.
################################################################################

variable "role_trusted_principal_arns" {
  description = "Read by terraform/bootstrap: principals, besides GitHub Actions, that may assume the deploy and plan roles. Unused by this module."
  type        = list(string)
  default     = []
}

variable "github_oidc" {
  description = "Read by terraform/bootstrap: GitHub Actions access to the deploy and plan roles through OIDC. Unused by this module."
  type = object({
    enabled         = optional(bool, false)
    repository      = optional(string, "")
    create_provider = optional(bool, true)
  })
  default = {}
}
