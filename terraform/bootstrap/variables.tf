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
  EOT
  type = object({
    s3_tls_deny_policy = optional(bool, false)
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
    Optional GitHub Actions deploy role for this environment, assumed through OIDC by workflows
    running in the GitHub environment named like this environment:
    - `enabled`: create the role (off by default);
    - `repository`: "<org>/<repo>"; the trust policy's `sub` is bound to
      "repo:<org>/<repo>:environment:<environment>";
    - `create_provider`: create the account's token.actions.githubusercontent.com OIDC provider
      (only one may exist per account: set false for the second environment of an account);
    - `policy_arns`: managed policies granting what `terraform apply` of the main module needs
      (the role itself only gets the state and artifacts buckets and the artifacts key).
  EOT
  type = object({
    enabled         = optional(bool, false)
    repository      = optional(string, "")
    create_provider = optional(bool, true)
    policy_arns     = optional(list(string), [])
  })
  default = {}

  validation {
    condition     = !var.github_oidc.enabled || can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_oidc.repository))
    error_message = "With github_oidc.enabled, github_oidc.repository must be \"<org>/<repo>\"."
  }
}
