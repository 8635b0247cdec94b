# One Glue ETL job: the job, its CloudWatch log groups and its scheduled trigger.
# Conditional (upstream-succeeded) triggers reference other jobs and so live in the
# root module, where every job exists before a trigger names it.

locals {
  log_streams = toset(["output", "error"])

  # Arguments the platform sets on every job: non-overridable, so neither a declaration nor a
  # caller of StartJobRun can swap the code, the logging or the bookmark setting.
  platform_arguments = {
    "--job-language"                     = "python"
    "--extra-py-files"                   = join(",", var.extra_py_files)
    "--TempDir"                          = var.temp_dir
    "--job-bookmark-option"              = var.bookmarks ? "job-bookmark-enable" : "job-bookmark-disable"
    "--enable-continuous-cloudwatch-log" = "true"
    "--custom-logGroup-prefix"           = var.log_group_prefix
    "--enable-metrics"                   = "true"
    "--enable-observability-metrics"     = "true"
  }

  # Declared wheels only, from the artifacts bucket: --no-index keeps pip off the internet (VPC jobs have none).
  python_module_arguments = length(var.additional_python_modules) == 0 ? {} : {
    "--additional-python-modules"       = join(",", var.additional_python_modules)
    "--python-modules-installer-option" = "--no-index"
  }

  declared_arguments = { for k, v in var.arguments : "--${k}" => v }
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.log_streams

  name              = "${var.log_group_prefix}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_glue_job" "this" {
  name        = var.name
  description = var.description
  role_arn    = var.role_arn

  glue_version      = var.glue_version
  execution_class   = "STANDARD"
  worker_type       = var.worker_type
  number_of_workers = var.number_of_workers
  timeout           = var.timeout_minutes
  max_retries       = var.max_retries

  security_configuration = var.security_configuration

  command {
    name            = "glueetl"
    script_location = var.script_location
    python_version  = "3"
  }

  execution_property {
    max_concurrent_runs = var.max_concurrent_runs
  }

  default_arguments = merge(local.declared_arguments, local.python_module_arguments)
  # The Glue Data Catalog as Spark's metastore only for jobs that opted in to catalog tables
  # (the others' roles may not read the catalog at all).
  non_overridable_arguments = merge(local.platform_arguments, var.use_data_catalog ? { "--enable-glue-datacatalog" = "true" } : {})

  tags = var.tags

  # The log groups must exist (with retention and encryption) before the first run writes to them.
  depends_on = [aws_cloudwatch_log_group.this]

  lifecycle {
    precondition {
      condition     = length(setintersection(keys(local.declared_arguments), concat(keys(local.platform_arguments), ["--enable-glue-datacatalog"]))) == 0
      error_message = "Job ${var.name} declares arguments reserved by the platform: ${join(", ", setintersection(keys(local.declared_arguments), concat(keys(local.platform_arguments), ["--enable-glue-datacatalog"])))}."
    }
  }
}

resource "aws_glue_trigger" "schedule" {
  count = var.schedule == null ? 0 : 1

  name     = coalesce(var.schedule_trigger_name, "${var.name}-schedule")
  type     = "SCHEDULED"
  schedule = var.schedule

  # A deactivated trigger keeps the schedule visible but never fires.
  enabled           = var.schedule_enabled
  start_on_creation = var.schedule_enabled

  actions {
    job_name = aws_glue_job.this.name
  }

  tags = var.tags
}
