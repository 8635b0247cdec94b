data "aws_caller_identity" "current" {
  lifecycle {
    postcondition {
      condition     = var.environment == "local" || !anytrue(values(var.emulator_gaps))
      error_message = "emulator_gaps may only be set for the local environment."
    }
  }
}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Made by terraform/bootstrap under these names.
  deploy_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/${var.name_prefix}-deploy"
  boundary_arn    = "arn:${local.partition}:iam::${local.account_id}:policy/${var.name_prefix}-boundary"

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

      # Chained jobs start through their workflow's triggers, never a schedule of their own.
      schedule = contains(keys(local.job_workflow), name) ? null : job.schedule
    }
  }

  # Buckets other teams own (environments/<env>.tfvars): referenced by name, never managed here.
  external_buckets = {
    for name, b in var.external_buckets : name => {
      id          = b.bucket
      arn         = "arn:${local.partition}:s3:::${b.bucket}"
      kms_key_arn = b.kms_key_arn
    }
  }

  # Every bucket a location may name: the data lake's by role, then the external ones by logical name.
  buckets = merge(
    { for role, b in module.data_lake.buckets : role => { id = b.id, arn = b.arn, kms_key_arn = null } },
    local.external_buckets,
  )

  # Every S3 location is a job argument: s3://<bucket of that role>/<prefix>. Apart from
  # local.jobs, which the role names come from: the data lake key's policy names the roles.
  # Each catalog table's S3 location in this environment (a data-lake role resolves to its bucket).
  catalog_locations = {
    for ref, t in var.catalog_tables : ref => {
      bucket_arn = t.data_lake_bucket != null ? module.data_lake.buckets[t.data_lake_bucket].arn : "arn:${local.partition}:s3:::${t.bucket}"
      uri        = "s3://${t.data_lake_bucket != null ? module.data_lake.buckets[t.data_lake_bucket].id : t.bucket}/${t.prefix}"
      prefix     = t.prefix
    }
  }

  location_arguments = {
    for name, job in var.jobs : name => {
      for arg, loc in merge(job.inputs, job.outputs) : arg => "s3://${local.buckets[loc.bucket].id}/${loc.prefix}"
    }
  }
}

################################################################################
# Job graphs: every set of jobs linked by depends_on runs in one Glue workflow
################################################################################

locals {
  # On AWS a conditional trigger fires only for runs started by a trigger of the same workflow, so
  # a chain started by hand or a backfill never reached its downstream jobs. Each connected
  # component of the dependency graph becomes one workflow: a start trigger for its root jobs and
  # a conditional trigger per downstream job.
  #
  # Components by reachability in the undirected graph, doubling the reach each round (five
  # rounds cover paths of 32 jobs; a precondition on the workflow checks it converged).
  adjacent = {
    for n, j in var.jobs : n => distinct(concat([n], j.depends_on, [for m, k in var.jobs : m if contains(k.depends_on, n)]))
  }
  reach_1 = { for n, r in local.adjacent : n => distinct(flatten([for m in r : local.adjacent[m]])) }
  reach_2 = { for n, r in local.reach_1 : n => distinct(flatten([for m in r : local.reach_1[m]])) }
  reach_3 = { for n, r in local.reach_2 : n => distinct(flatten([for m in r : local.reach_2[m]])) }
  reach_4 = { for n, r in local.reach_3 : n => distinct(flatten([for m in r : local.reach_3[m]])) }
  reach_5 = { for n, r in local.reach_4 : n => sort(distinct(flatten([for m in r : local.reach_4[m]]))) }

  # Workflow key: the component's alphabetically first job; single jobs have no workflow.
  workflows = {
    for key in distinct([for n, r in local.reach_5 : r[0] if length(r) > 1]) : key => {
      name  = "${var.name_prefix}-${key}-chain"
      jobs  = local.reach_5[key]
      roots = [for n in local.reach_5[key] : n if length(var.jobs[n].depends_on) == 0]
      schedules = distinct([
        for n in local.reach_5[key] : var.jobs[n].schedule if length(var.jobs[n].depends_on) == 0 && var.jobs[n].schedule != null
      ])
      converged = alltrue([for n in local.reach_5[key] : length(local.reach_5[n]) == length(local.reach_4[n])])
    }
  }
  job_workflow = merge([for key, w in local.workflows : { for n in w.jobs : n => key }]...)
}

resource "aws_glue_workflow" "this" {
  for_each = local.workflows

  name                = each.value.name
  description         = "Jobs ${join(", ", each.value.jobs)}: started by ${join(", ", each.value.roots)}, each downstream job when its upstream jobs succeeded"
  max_concurrent_runs = 1

  lifecycle {
    precondition {
      condition     = length(each.value.schedules) <= 1
      error_message = "The root jobs of one job graph (${join(", ", each.value.roots)}) must share one schedule; they start together."
    }

    precondition {
      condition     = each.value.converged
      error_message = "The job graph of ${each.key} is deeper than 32 jobs; split it."
    }
  }
}

# Starts the workflow: on its schedule where schedules are on, otherwise on demand
# (start_workflow_run, e.g. `invoke run`), which also runs every downstream job.
resource "aws_glue_trigger" "workflow_start" {
  for_each = local.workflows

  name          = "${each.value.name}-start"
  workflow_name = aws_glue_workflow.this[each.key].name
  type          = var.schedules_enabled && length(each.value.schedules) == 1 ? "SCHEDULED" : "ON_DEMAND"
  schedule      = var.schedules_enabled && length(each.value.schedules) == 1 ? each.value.schedules[0] : null

  # An ON_DEMAND trigger stays CREATED (start_workflow_run fires it); "enabled" would make every
  # apply see a change and StartTrigger it, i.e. run the whole graph. start_on_creation is not
  # allowed for ON_DEMAND.
  enabled           = var.schedules_enabled && length(each.value.schedules) == 1
  start_on_creation = var.schedules_enabled && length(each.value.schedules) == 1 ? true : null

  dynamic "actions" {
    for_each = each.value.roots

    content {
      job_name = module.glue_job[actions.value].name
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

  # Named administrators (the deploy role manages the key) and users (the environment's roles).
  key_administrator_arns = distinct(concat([local.deploy_role_arn], var.administrator_arns))
  key_user_arn_patterns  = ["arn:${local.partition}:iam::${local.account_id}:role/${var.name_prefix}-*"]

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
# Data Catalog as code (catalog/<database>/<table>.yaml; the tables the project owns)
################################################################################

module "catalog" {
  source = "./modules/glue-catalog"

  name_prefix = var.name_prefix
  tables = {
    for ref, t in var.catalog_tables : ref => {
      database       = t.database
      name           = t.name
      description    = t.description
      location       = local.catalog_locations[ref].uri
      format         = t.format
      header         = t.header
      separator      = t.separator
      columns        = t.columns
      partition_keys = t.partition_keys
    } if t.owned
  }
  # A database holding any table made elsewhere (owned: false) is that owner's, not ours.
  existing_databases = toset([for t in values(var.catalog_tables) : t.database if !t.owned])
  tags               = var.tags
}

################################################################################
# Jobs
################################################################################

module "job_role" {
  source   = "./modules/glue-job-role"
  for_each = var.jobs

  # "<prefix>-<job>" even for an adopted job: its old role is replaced, and the deploy role may only
  # manage roles of the environment's prefix (the job keeps its own name, see adopted_glue_names).
  name                     = "${var.name_prefix}-${each.key}"
  permissions_boundary_arn = local.boundary_arn
  # Smoke runs stage and read back data with the job's own permissions.
  assume_role_principal_arns = [local.deploy_role_arn]

  artifacts_bucket_arn = data.aws_s3_bucket.artifacts.arn
  artifact_prefixes    = ["jobs/${each.key}/", "${split("/", var.artifacts.library_key)[0]}/"]

  # Declared inputs, and the S3 data of the catalog tables the job reads (from_catalog reads it as the job).
  # An external bucket's key (if any) travels with the location: the role may decrypt with it what
  # it reads there, and also make data keys with it where it writes there; no other key.
  read_locations = concat(
    [for loc in values(each.value.inputs) : { bucket_arn = local.buckets[loc.bucket].arn, prefix = loc.prefix, kms_key_arn = local.buckets[loc.bucket].kms_key_arn }],
    [for ref in each.value.catalog_reads : { bucket_arn = local.catalog_locations[ref].bucket_arn, prefix = local.catalog_locations[ref].prefix, kms_key_arn = null }],
  )
  write_locations = [for loc in values(each.value.outputs) : { bucket_arn = local.buckets[loc.bucket].arn, prefix = loc.prefix, kms_key_arn = local.buckets[loc.bucket].kms_key_arn }]
  temp_location   = { bucket_arn = module.data_lake.buckets["temp"].arn, prefix = local.jobs[each.key].temp_prefix }

  log_group_names       = [for stream in ["output", "error"] : "${local.jobs[each.key].log_group_prefix}/${stream}"]
  kms_key_arns          = [module.data_lake.kms_key_arn]
  decrypt_kms_key_arns  = [data.aws_kms_alias.artifacts.target_key_arn]
  catalog_database_name = module.data_lake.catalog_database.name
  catalog_tables        = each.value.catalog_tables
  catalog_read_tables   = [for ref in each.value.catalog_reads : { database = var.catalog_tables[ref].database, table = var.catalog_tables[ref].name }]
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
    local.location_arguments[each.key],
    {
      environment      = var.environment
      catalog_database = module.data_lake.catalog_database.name
    },
  )

  security_configuration = aws_glue_security_configuration.this.name
  log_group_prefix       = local.jobs[each.key].log_group_prefix
  log_retention_days     = var.log_retention_days
  log_kms_key_arn        = module.data_lake.kms_key_arn

  use_data_catalog = length(each.value.catalog_tables) + length(each.value.catalog_reads) > 0

  schedule              = local.jobs[each.key].schedule
  schedule_trigger_name = try(each.value.adopted.schedule_trigger, null)
  # The job's own setting for this environment (job.yaml `environments:`) wins over the environment's.
  schedule_enabled = coalesce(each.value.schedule_enabled, var.schedules_enabled)

  # The role's policy must be in place before the job can be started by a trigger.
  depends_on = [module.job_role]
}

# Start a job when all of its upstream jobs have SUCCEEDED in the same workflow run. Kept here
# rather than in the glue-job module because the predicate names other jobs, which must exist first.
resource "aws_glue_trigger" "upstream_succeeded" {
  for_each = { for name, job in var.jobs : name => job if length(job.depends_on) > 0 }

  name              = try(each.value.adopted.upstream_trigger, null) != null ? each.value.adopted.upstream_trigger : "${local.jobs[each.key].aws_name}-on-upstream"
  workflow_name     = aws_glue_workflow.this[local.job_workflow[each.key]].name
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

################################################################################
# Alerts: a failed, timed-out, errored or stopped run of any job of the environment
################################################################################

resource "aws_sns_topic" "alerts" {
  name              = "${var.name_prefix}-job-alerts"
  kms_master_key_id = module.data_lake.kms_key_arn
}

resource "aws_cloudwatch_event_rule" "job_failures" {
  name        = "${var.name_prefix}-job-failures"
  description = "Glue job runs of ${var.name_prefix} that FAILED, TIMED OUT, ERRORED or were STOPPED"

  # The environment's jobs by name (a prefix match while there are none yet).
  event_pattern = replace(jsonencode({
    source        = ["aws.glue"]
    "detail-type" = ["Glue Job State Change"]
    detail = {
      state   = ["FAILED", "TIMEOUT", "ERROR", "STOPPED"]
      jobName = ["JOB_NAMES"]
    }
  }), "[\"JOB_NAMES\"]", length(var.jobs) > 0 ? jsonencode([for name in sort(keys(var.jobs)) : local.jobs[name].aws_name]) : jsonencode([{ prefix = "${var.name_prefix}-" }]))
}

resource "aws_cloudwatch_event_target" "job_failures" {
  rule = aws_cloudwatch_event_rule.job_failures.name
  arn  = aws_sns_topic.alerts.arn
}

data "aws_iam_policy_document" "alerts" {
  statement {
    sid       = "EventBridgePublishesJobFailures"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.job_failures.arn]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts.json
}

resource "aws_sns_topic_subscription" "alerts" {
  for_each = { for sub in var.alert_subscriptions : "${sub.protocol}:${sub.endpoint}" => sub }

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}
