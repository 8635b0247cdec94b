# The same names and meaning as in the main root module, so that environments/<env>.tfvars
# serves both (values only the main module uses are reported as undeclared and ignored).

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
  description = "Prefix of every resource name of the environment, e.g. \"glue-etl-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "The name_prefix must be 3-20 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "artifacts_bucket_name" {
  description = "Name of the artifacts bucket (scripts, job modules, shared library)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket_name))
    error_message = "The artifacts_bucket_name must be a valid S3 bucket name."
  }
}

variable "state_bucket_name" {
  description = "Name of the Terraform state bucket: the \"bucket\" of environments/<env>.s3.tfbackend."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "The state_bucket_name must be a valid S3 bucket name."
  }
}

variable "state_key" {
  description = "Key of the main module's state object: the \"key\" of environments/<env>.s3.tfbackend. The deploy role reads and writes it (and its .tflock), the plan role only reads it."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\\.tfstate$", var.state_key)) && !startswith(var.state_key, "bootstrap/")
    error_message = "The state_key must be a relative key ending in .tfstate, outside bootstrap/ (bootstrap's own state)."
  }
}

variable "administrator_arns" {
  description = "IAM principals (roles or users) that administer this environment's bootstrap: named key administrators of the state and artifacts keys, and the only principals besides the deploy and plan roles that may read state. Locally the account root."
  type        = list(string)

  validation {
    condition     = length(var.administrator_arns) > 0 && alltrue([for a in var.administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/.+|user/.+)$", a))])
    error_message = "The administrator_arns must be a non-empty list of IAM role, user or account root ARNs."
  }
}

variable "role_trusted_principal_arns" {
  description = "IAM principals, besides GitHub Actions through OIDC, that may assume the deploy and plan roles (sts:AssumeRole). Locally the account root, so the release tool assumes them as CI does."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.role_trusted_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/.+|user/.+)$", a))])
    error_message = "Each role_trusted_principal_arns entry must be an IAM role, user or account root ARN."
  }
}

variable "access_log_bucket_name" {
  description = "Name of the bucket receiving the state and artifacts buckets' access logs; null for \"<name_prefix>-<account id>-bootstrap-logs\"."
  type        = string
  default     = null
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
    - `s3_conditional_deny_policy`: for the same reason, the state bucket's encryption and
      reader statements and the artifacts bucket's write-once statement would deny every
      write or read; locally only the artifacts bucket's unconditional delete denial stays.
  EOT
  type = object({
    s3_tls_deny_policy         = optional(bool, false)
    s3_conditional_deny_policy = optional(bool, false)
  })
  default = {}
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which noncurrent versions of state files and artifacts are deleted."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "The noncurrent_version_expiration_days must be at least 1."
  }
}

variable "force_destroy" {
  description = "Allow destroying non-empty buckets (disposable environments only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "github_oidc" {
  description = <<-EOT
    GitHub Actions access to the deploy and plan roles through OIDC:
    - `enabled`: trust GitHub (off by default);
    - `repository`: "<org>/<repo>"; the deploy role trusts `sub` =
      "repo:<org>/<repo>:environment:<environment>", the plan role
      "repo:<org>/<repo>:environment:<environment>-plan";
    - `create_provider`: create the account's token.actions.githubusercontent.com OIDC provider
      (only one may exist per account: set false for the second environment of an account).
  EOT
  type = object({
    enabled         = optional(bool, false)
    repository      = optional(string, "")
    create_provider = optional(bool, true)
  })
  default = {}

  validation {
    condition     = !var.github_oidc.enabled || can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_oidc.repository))
    error_message = "With github_oidc.enabled, github_oidc.repository must be \"<org>/<repo>\"."
  }
}

variable "adopted_glue_names" {
  description = <<-EOT
    Glue jobs and triggers adopted into this environment with `invoke adopt`: they keep their names in
    the account, outside "<name_prefix>-*", and the deploy role may manage these exact names too. The
    release tool passes them from the `adopted:` sections of jobs/*/job.yaml; after adopting, an
    administrator runs `invoke bootstrap --env <env>` once so that the deploy role can take them over.
  EOT
  type = object({
    jobs     = optional(list(string), [])
    triggers = optional(list(string), [])
  })
  default = {}

  validation {
    condition     = alltrue([for n in concat(var.adopted_glue_names.jobs, var.adopted_glue_names.triggers) : can(regex("^[A-Za-z0-9_.-]{1,255}$", n))])
    error_message = "Adopted Glue job and trigger names are exact names (letters, digits, _.-), never wildcards."
  }
}
