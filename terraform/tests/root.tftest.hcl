# Plan-level tests of the root module with a mocked AWS provider (offline).
# terraform init -backend=false && terraform test

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012", arn = "arn:aws:iam::123456789012:root" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::acme-glue-etl-dev-artifacts" }
  }
  mock_data "aws_kms_alias" {
    defaults = { target_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/artifacts" }
  }
  # Provider-side validation still runs: policies must be JSON.
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/data" }
  }
}

variables {
  environment           = "dev"
  region                = "eu-west-1"
  name_prefix           = "glue-etl-dev"
  artifacts_bucket_name = "acme-glue-etl-dev-artifacts"
  schedules_enabled     = false
  worker_type_override  = "G.1X"
  max_number_of_workers = 4

  jobs = {
    customers_clean = {
      description         = "Clean customer records"
      glue_version        = "5.0"
      worker_type         = "G.2X"
      number_of_workers   = 10
      timeout_minutes     = 30
      max_retries         = 0
      max_concurrent_runs = 1
      bookmarks           = false
      schedule            = "cron(0 3 * * ? *)"
      depends_on          = []
      arguments           = { min_age = "18" }
      inputs              = { input_path = { bucket = "raw", prefix = "customers/" } }
      outputs             = { output_path = { bucket = "curated", prefix = "customers_clean/" } }
    }
    orders_daily_revenue = {
      description         = "Daily revenue"
      glue_version        = "5.0"
      worker_type         = "G.1X"
      number_of_workers   = 2
      timeout_minutes     = 60
      max_retries         = 1
      max_concurrent_runs = 1
      bookmarks           = true
      schedule            = null
      depends_on          = ["customers_clean"]
      arguments           = {}
      inputs              = { customers_path = { bucket = "curated", prefix = "customers_clean/" } }
      outputs             = { output_path = { bucket = "curated", prefix = "daily_revenue/" } }
    }
  }

  artifacts = {
    library_key = "lib/0a1b/glue_runtime.zip"
    jobs = {
      customers_clean      = { script_key = "jobs/customers_clean/c0ffee/main.py", module_key = "jobs/customers_clean/c0ffee/customers_clean.zip" }
      orders_daily_revenue = { script_key = "jobs/orders_daily_revenue/beef/main.py", module_key = "jobs/orders_daily_revenue/beef/orders_daily_revenue.zip" }
    }
  }
}

run "jobs_are_wired_from_declarations_and_artifacts" {
  command = apply

  assert {
    condition     = module.glue_job["customers_clean"].name == "glue-etl-dev-customers_clean"
    error_message = "Jobs must be named <name_prefix>-<job>."
  }

  assert {
    condition     = module.glue_job["customers_clean"].script_location == "s3://acme-glue-etl-dev-artifacts/jobs/customers_clean/c0ffee/main.py"
    error_message = "The artifact's script_key must flow into script_location."
  }

  assert {
    condition     = module.glue_job["customers_clean"].default_arguments["--extra-py-files"] == "s3://acme-glue-etl-dev-artifacts/lib/0a1b/glue_runtime.zip,s3://acme-glue-etl-dev-artifacts/jobs/customers_clean/c0ffee/customers_clean.zip"
    error_message = "--extra-py-files must list the shared library and the job's module zip."
  }

  assert {
    condition     = module.glue_job["customers_clean"].default_arguments["--input_path"] == "s3://glue-etl-dev-123456789012-raw/customers/"
    error_message = "Inputs must resolve to s3://<bucket of that role>/<prefix>."
  }

  assert {
    condition     = module.glue_job["customers_clean"].default_arguments["--min_age"] == "18" && module.glue_job["customers_clean"].default_arguments["--environment"] == "dev"
    error_message = "Declared arguments and environment values must be job arguments."
  }

  assert {
    condition     = alltrue([for j in module.glue_job : j.security_configuration == aws_glue_security_configuration.this.name])
    error_message = "Every job must have the security configuration attached."
  }

  assert {
    condition     = module.glue_job["customers_clean"].worker_type == "G.1X" && module.glue_job["customers_clean"].number_of_workers == 4
    error_message = "The environment's worker type override and worker cap must apply."
  }

  assert {
    condition     = module.glue_job["customers_clean"].schedule_trigger.enabled == false
    error_message = "Scheduled triggers must be disabled when the environment disables schedules."
  }

  assert {
    condition     = module.glue_job["orders_daily_revenue"].schedule_trigger == null
    error_message = "A job without schedule must not get a scheduled trigger."
  }

  assert {
    condition     = keys(aws_glue_trigger.upstream_succeeded) == ["orders_daily_revenue"]
    error_message = "Exactly the jobs with depends_on must get a conditional trigger."
  }

  assert {
    condition = [for c in aws_glue_trigger.upstream_succeeded["orders_daily_revenue"].predicate[0].conditions : [c.job_name, c.state]] == [
      ["glue-etl-dev-customers_clean", "SUCCEEDED"]
    ]
    error_message = "The conditional trigger must wait for the upstream job to succeed."
  }

  assert {
    condition     = aws_glue_security_configuration.this.encryption_configuration[0].job_bookmarks_encryption[0].job_bookmarks_encryption_mode == "CSE-KMS"
    error_message = "Job bookmarks must be encrypted."
  }
}

run "schedules_enabled_in_production" {
  command = apply

  variables {
    environment       = "prod"
    name_prefix       = "glue-etl-prod"
    schedules_enabled = true
  }

  assert {
    condition     = module.glue_job["customers_clean"].schedule_trigger.enabled
    error_message = "Scheduled triggers must be enabled when the environment enables schedules."
  }
}

run "script_change_changes_only_with_its_key" {
  command = apply

  variables {
    artifacts = {
      library_key = "lib/0a1b/glue_runtime.zip"
      jobs = {
        customers_clean      = { script_key = "jobs/customers_clean/d00d/main.py", module_key = "jobs/customers_clean/d00d/customers_clean.zip" }
        orders_daily_revenue = { script_key = "jobs/orders_daily_revenue/beef/main.py", module_key = "jobs/orders_daily_revenue/beef/orders_daily_revenue.zip" }
      }
    }
  }

  assert {
    condition     = module.glue_job["customers_clean"].script_location == "s3://acme-glue-etl-dev-artifacts/jobs/customers_clean/d00d/main.py"
    error_message = "A new script key must become the new script location."
  }

  assert {
    condition     = module.glue_job["orders_daily_revenue"].script_location == "s3://acme-glue-etl-dev-artifacts/jobs/orders_daily_revenue/beef/main.py"
    error_message = "Another job's script location must not change."
  }
}

run "emulator_gaps_only_locally" {
  command = plan

  variables {
    emulator_gaps = { s3_tls_deny_policy = true }
  }

  expect_failures = [data.aws_caller_identity.current]
}

run "provider_retries_must_be_a_whole_number_of_at_least_one" {
  command = plan

  variables {
    aws_max_retries = 0
  }

  expect_failures = [var.aws_max_retries]
}

run "every_job_needs_artifacts" {
  command = plan

  variables {
    artifacts = {
      library_key = "lib/0a1b/glue_runtime.zip"
      jobs = {
        customers_clean = { script_key = "jobs/customers_clean/c0ffee/main.py", module_key = "jobs/customers_clean/c0ffee/customers_clean.zip" }
      }
    }
  }

  expect_failures = [data.aws_s3_bucket.artifacts]
}

run "rejects_schedule_with_depends_on" {
  command = plan

  variables {
    jobs = {
      lonely_job = {
        description         = "Invalid"
        glue_version        = "5.0"
        worker_type         = "G.1X"
        number_of_workers   = 2
        timeout_minutes     = 30
        max_retries         = 0
        max_concurrent_runs = 1
        bookmarks           = false
        schedule            = "cron(0 3 * * ? *)"
        depends_on          = ["missing_job"]
        arguments           = {}
        inputs              = {}
        outputs             = {}
      }
    }
  }

  expect_failures = [var.jobs]
}

run "rejects_invalid_job_name" {
  command = plan

  variables {
    jobs = {
      "Bad-Name" = {
        description         = "Invalid"
        glue_version        = "5.0"
        worker_type         = "G.1X"
        number_of_workers   = 2
        timeout_minutes     = 30
        max_retries         = 0
        max_concurrent_runs = 1
        bookmarks           = false
        schedule            = null
        depends_on          = []
        arguments           = {}
        inputs              = {}
        outputs             = {}
      }
    }
  }

  expect_failures = [var.jobs]
}

run "rejects_unknown_environment" {
  command = plan

  variables {
    environment = "staging"
  }

  expect_failures = [var.environment]
}

run "a_job_turns_its_schedule_off_in_one_environment" {
  command = plan

  variables {
    schedules_enabled = true
    jobs = {
      customers_clean = {
        description         = "Clean customer records"
        glue_version        = "5.0"
        worker_type         = "G.1X"
        number_of_workers   = 2
        timeout_minutes     = 30
        max_retries         = 0
        max_concurrent_runs = 1
        bookmarks           = false
        schedule            = "cron(0 3 * * ? *)"
        schedule_enabled    = false
        depends_on          = []
        arguments           = {}
        inputs              = {}
        outputs             = { output_path = { bucket = "curated", prefix = "customers_clean/" } }
      }
    }
    artifacts = {
      library_key = "lib/0a1b/glue_runtime.zip"
      jobs = {
        customers_clean = { script_key = "jobs/customers_clean/c0ffee/main.py", module_key = "jobs/customers_clean/c0ffee/customers_clean.zip" }
      }
    }
  }

  assert {
    condition     = module.glue_job["customers_clean"].schedule_trigger.enabled == false
    error_message = "A job's schedule_enabled = false must win over the environment's schedules_enabled = true."
  }
}
