data "aws_caller_identity" "current" {
  lifecycle {
    postcondition {
      condition     = var.environment == "local" || !anytrue(values(var.emulator_gaps))
      error_message = "emulator_gaps may only be set for the local environment."
    }
  }
}

locals {
  account_id = data.aws_caller_identity.current.account_id

  default_tags = merge(var.tags, {
    Environment = var.environment
    ManagedBy   = "terraform"
  })

  # Data lake bucket name: "<name_prefix>-<account id>-<role>" (S3 names are global).
  bucket_name_prefix = "${var.name_prefix}-${local.account_id}"
  log_group_root     = "/aws-glue/jobs/${var.name_prefix}"

  jobs = {
    for name, job in var.jobs : name => {
      # A job adopted from an account (`invoke adopt`) keeps its name there; others are "<prefix>-<job>".
      aws_name         = try(job.adopted.job_name, null) != null ? job.adopted.job_name : "${var.name_prefix}-${name}"
      log_group_prefix = "${local.log_group_root}/${name}"
      temp_prefix      = "${name}/"

      # Environment sizing: per-job override > environment override > declaration; then the cap.
      worker_type = coalesce(
        try(var.job_worker_overrides[name].worker_type, null),
        var.worker_type_override,
        job.worker_type,
      )
      number_of_workers = min(
        coalesce(try(var.job_worker_overrides[name].number_of_workers, null), job.number_of_workers),
        coalesce(var.max_number_of_workers, 299),
      )

      # Every S3 location is a job argument: s3://<bucket of that role>/<prefix>.
      location_arguments = {
        for arg, loc in merge(job.inputs, job.outputs) : arg => "s3://${module.data_lake.buckets[loc.bucket].id}/${loc.prefix}"
      }
    }
  }
}

################################################################################
# Artifacts (created by terraform/bootstrap, found by name)
################################################################################

data "aws_s3_bucket" "artifacts" {
  bucket = var.artifacts_bucket_name

  lifecycle {
    postcondition {
      condition     = length(setsubtract(keys(var.jobs), keys(var.artifacts.jobs))) == 0
      error_message = "No artifacts for job(s): ${join(", ", setsubtract(keys(var.jobs), keys(var.artifacts.jobs)))}. Run the release tool's upload first."
    }
  }
}

data "aws_kms_alias" "artifacts" {
  name = "alias/${var.name_prefix}-artifacts"
}

################################################################################
# Storage and encryption
################################################################################

module "data_lake" {
  source = "./modules/data-lake"

  name_prefix                        = var.name_prefix
  bucket_name_prefix                 = local.bucket_name_prefix
  log_group_prefix                   = "${local.log_group_root}/"
  temp_expiration_days               = var.temp_expiration_days
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  deny_insecure_transport            = !var.emulator_gaps.s3_tls_deny_policy
  force_destroy                      = var.force_destroy
}

# Attached to every job: S3 writes, CloudWatch logs and job bookmarks are encrypted with the data lake key.
resource "aws_glue_security_configuration" "this" {
  name = "${var.name_prefix}-jobs"

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = module.data_lake.kms_key_arn
    }

    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = module.data_lake.kms_key_arn
    }

    s3_encryption {
      s3_encryption_mode = "SSE-KMS"
      kms_key_arn        = module.data_lake.kms_key_arn
    }
  }
}

################################################################################
# Jobs
################################################################################

module "job_role" {
  source   = "./modules/glue-job-role"
  for_each = var.jobs

  name = local.jobs[each.key].aws_name

  artifacts_bucket_arn = data.aws_s3_bucket.artifacts.arn
  artifact_prefixes    = ["jobs/${each.key}/", "${split("/", var.artifacts.library_key)[0]}/"]

  read_locations  = [for loc in values(each.value.inputs) : { bucket_arn = module.data_lake.buckets[loc.bucket].arn, prefix = loc.prefix }]
  write_locations = [for loc in values(each.value.outputs) : { bucket_arn = module.data_lake.buckets[loc.bucket].arn, prefix = loc.prefix }]
  temp_location   = { bucket_arn = module.data_lake.buckets["temp"].arn, prefix = local.jobs[each.key].temp_prefix }

  log_group_names        = [for stream in ["output", "error"] : "${local.jobs[each.key].log_group_prefix}/${stream}"]
  kms_key_arns           = [module.data_lake.kms_key_arn]
  decrypt_kms_key_arns   = [data.aws_kms_alias.artifacts.target_key_arn]
  catalog_database_names = [module.data_lake.catalog_database.name]
}

module "glue_job" {
  source   = "./modules/glue-job"
  for_each = var.jobs

  name        = local.jobs[each.key].aws_name
  description = each.value.description
  role_arn    = module.job_role[each.key].arn

  glue_version        = each.value.glue_version
  worker_type         = local.jobs[each.key].worker_type
  number_of_workers   = local.jobs[each.key].number_of_workers
  timeout_minutes     = each.value.timeout_minutes
  max_retries         = each.value.max_retries
  max_concurrent_runs = each.value.max_concurrent_runs
  bookmarks           = each.value.bookmarks

  script_location = "s3://${var.artifacts_bucket_name}/${var.artifacts.jobs[each.key].script_key}"
  extra_py_files = [
    "s3://${var.artifacts_bucket_name}/${var.artifacts.library_key}",
    "s3://${var.artifacts_bucket_name}/${var.artifacts.jobs[each.key].module_key}",
  ]
  temp_dir = "s3://${module.data_lake.buckets["temp"].id}/${local.jobs[each.key].temp_prefix}"
  additional_python_modules = [
    for key in var.artifacts.jobs[each.key].python_module_keys : "s3://${var.artifacts_bucket_name}/${key}"
  ]

  arguments = merge(
    each.value.arguments,
    local.jobs[each.key].location_arguments,
    {
      environment      = var.environment
      catalog_database = module.data_lake.catalog_database.name
    },
  )

  security_configuration = aws_glue_security_configuration.this.name
  log_group_prefix       = local.jobs[each.key].log_group_prefix
  log_retention_days     = var.log_retention_days
  log_kms_key_arn        = module.data_lake.kms_key_arn

  schedule              = each.value.schedule
  schedule_trigger_name = try(each.value.adopted.schedule_trigger, null)
  # The job's own setting for this environment (job.yaml `environments:`) wins over the environment's.
  schedule_enabled = coalesce(each.value.schedule_enabled, var.schedules_enabled)

  # The role's policy must be in place before the job can be started by a trigger.
  depends_on = [module.job_role]
}

# Start a job when all of its upstream jobs have SUCCEEDED. Kept here rather than in the
# glue-job module because the predicate names other jobs, which must exist first.
resource "aws_glue_trigger" "upstream_succeeded" {
  for_each = { for name, job in var.jobs : name => job if length(job.depends_on) > 0 }

  name              = try(each.value.adopted.upstream_trigger, null) != null ? each.value.adopted.upstream_trigger : "${local.jobs[each.key].aws_name}-on-upstream"
  type              = "CONDITIONAL"
  enabled           = true
  start_on_creation = true

  predicate {
    logical = "AND"

    dynamic "conditions" {
      for_each = each.value.depends_on

      content {
        job_name         = module.glue_job[conditions.value].name
        logical_operator = "EQUALS"
        state            = "SUCCEEDED"
      }
    }
  }

  actions {
    job_name = module.glue_job[each.key].name
  }
}
