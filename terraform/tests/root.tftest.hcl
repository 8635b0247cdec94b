# Plan-level tests of the root module with a mocked AWS provider (offline).
# terraform init -backend=false && terraform test
# Every run plans (the data lake carries prevent_destroy, which `terraform test` before 1.14
# cannot clean up after an apply); the mocks answer during the plan.

mock_provider "aws" {
  override_during = plan

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
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:glue-etl-dev-job-alerts" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-1:123456789012:rule/glue-etl-dev-job-failures" }
  }
}

variables {
  environment           = "dev"
  account_id            = "123456789012"
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
  command = plan

  assert {
    condition     = module.glue_job["customers_clean"].name == "glue-etl-dev-customers_clean"
    error_message = "Jobs must be named <name_prefix>-<job>."
  }

  assert {
    condition     = module.glue_job["customers_clean"].script_location == "s3://acme-glue-etl-dev-artifacts/jobs/customers_clean/c0ffee/main.py"
    error_message = "The artifact's script_key must flow into script_location."
  }

  assert {
    condition     = module.glue_job["customers_clean"].non_overridable_arguments["--extra-py-files"] == "s3://acme-glue-etl-dev-artifacts/lib/0a1b/glue_runtime.zip,s3://acme-glue-etl-dev-artifacts/jobs/customers_clean/c0ffee/customers_clean.zip"
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
    condition     = module.glue_job["customers_clean"].schedule_trigger == null && module.glue_job["orders_daily_revenue"].schedule_trigger == null
    error_message = "Jobs of a graph start through their workflow, never through a trigger of their own."
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
  command = plan

  variables {
    environment       = "prod"
    name_prefix       = "glue-etl-prod"
    schedules_enabled = true
  }

  assert {
    condition     = aws_glue_trigger.workflow_start["customers_clean"].type == "SCHEDULED" && aws_glue_trigger.workflow_start["customers_clean"].schedule == "cron(0 3 * * ? *)"
    error_message = "Where schedules are on, a graph's start trigger is its root job's schedule."
  }
}

# The defect: a conditional trigger outside a workflow never fires for a run started by hand (or
# anywhere schedules are off). Each graph must be one workflow with a start trigger for its
# roots and a conditional trigger, inside the same workflow, for every downstream job.
run "job_graphs_are_workflows" {
  command = plan

  variables {
    jobs = {
      a_root        = { description = "root", glue_version = "5.0", worker_type = "G.1X", number_of_workers = 2, timeout_minutes = 30, max_retries = 0, max_concurrent_runs = 1, bookmarks = false, schedule = "cron(0 3 * * ? *)", depends_on = [], arguments = {}, inputs = {}, outputs = { o = { bucket = "curated", prefix = "a/" } } }
      b_second_root = { description = "root", glue_version = "5.0", worker_type = "G.1X", number_of_workers = 2, timeout_minutes = 30, max_retries = 0, max_concurrent_runs = 1, bookmarks = false, schedule = null, depends_on = [], arguments = {}, inputs = {}, outputs = { o = { bucket = "curated", prefix = "b/" } } }
      c_join        = { description = "join", glue_version = "5.0", worker_type = "G.1X", number_of_workers = 2, timeout_minutes = 30, max_retries = 0, max_concurrent_runs = 1, bookmarks = false, schedule = null, depends_on = ["a_root", "b_second_root"], arguments = {}, inputs = {}, outputs = { o = { bucket = "curated", prefix = "c/" } } }
      d_leaf        = { description = "leaf", glue_version = "5.0", worker_type = "G.1X", number_of_workers = 2, timeout_minutes = 30, max_retries = 0, max_concurrent_runs = 1, bookmarks = false, schedule = null, depends_on = ["c_join"], arguments = {}, inputs = {}, outputs = { o = { bucket = "curated", prefix = "d/" } } }
      e_alone       = { description = "alone", glue_version = "5.0", worker_type = "G.1X", number_of_workers = 2, timeout_minutes = 30, max_retries = 0, max_concurrent_runs = 1, bookmarks = false, schedule = "cron(0 5 * * ? *)", depends_on = [], arguments = {}, inputs = {}, outputs = { o = { bucket = "curated", prefix = "e/" } } }
    }
    artifacts = {
      library_key = "lib/0a1b/glue_runtime.zip"
      jobs        = { for j in ["a_root", "b_second_root", "c_join", "d_leaf", "e_alone"] : j => { script_key = "jobs/${j}/h/main.py", module_key = "jobs/${j}/h/${j}.zip" } }
    }
  }

  assert {
    condition     = keys(aws_glue_workflow.this) == ["a_root"] && aws_glue_workflow.this["a_root"].name == "glue-etl-dev-a_root-chain"
    error_message = "The four linked jobs must form exactly one workflow; a job on its own gets none."
  }

  assert {
    condition = aws_glue_trigger.workflow_start["a_root"].workflow_name == "glue-etl-dev-a_root-chain" && aws_glue_trigger.workflow_start["a_root"].type == "ON_DEMAND" && !aws_glue_trigger.workflow_start["a_root"].enabled && toset(
      [for a in aws_glue_trigger.workflow_start["a_root"].actions : a.job_name]
    ) == toset(["glue-etl-dev-a_root", "glue-etl-dev-b_second_root"])
    error_message = "With schedules off the workflow starts on demand, and its start trigger starts every root job."
  }

  assert {
    condition = keys(aws_glue_trigger.upstream_succeeded) == ["c_join", "d_leaf"] && alltrue([
      for t in aws_glue_trigger.upstream_succeeded : t.workflow_name == "glue-etl-dev-a_root-chain" && t.type == "CONDITIONAL"
    ])
    error_message = "Every downstream job's conditional trigger must live in the graph's workflow."
  }

  assert {
    condition     = toset([for c in aws_glue_trigger.upstream_succeeded["c_join"].predicate[0].conditions : c.job_name]) == toset(["glue-etl-dev-a_root", "glue-etl-dev-b_second_root"]) && aws_glue_trigger.upstream_succeeded["c_join"].predicate[0].logical == "AND"
    error_message = "A join waits for all of its upstream jobs."
  }

  assert {
    condition     = module.glue_job["e_alone"].schedule_trigger.schedule == "cron(0 5 * * ? *)" && module.glue_job["a_root"].schedule_trigger == null
    error_message = "A job on its own keeps its scheduled trigger; a root of a graph does not (the workflow starts it)."
  }

  assert {
    condition     = output.jobs["d_leaf"].workflow_name == "glue-etl-dev-a_root-chain" && output.jobs["e_alone"].workflow_name == null
    error_message = "The jobs output names each chained job's workflow (invoke run starts it)."
  }
}

run "graph_roots_must_share_a_schedule" {
  command = plan

  variables {
    schedules_enabled = true
    jobs = {
      job_a = { description = "root", glue_version = "5.0", worker_type = "G.1X", number_of_workers = 2, timeout_minutes = 30, max_retries = 0, max_concurrent_runs = 1, bookmarks = false, schedule = "cron(0 3 * * ? *)", depends_on = [], arguments = {}, inputs = {}, outputs = {} }
      job_b = { description = "root", glue_version = "5.0", worker_type = "G.1X", number_of_workers = 2, timeout_minutes = 30, max_retries = 0, max_concurrent_runs = 1, bookmarks = false, schedule = "cron(0 4 * * ? *)", depends_on = [], arguments = {}, inputs = {}, outputs = {} }
      job_c = { description = "join", glue_version = "5.0", worker_type = "G.1X", number_of_workers = 2, timeout_minutes = 30, max_retries = 0, max_concurrent_runs = 1, bookmarks = false, schedule = null, depends_on = ["job_a", "job_b"], arguments = {}, inputs = {}, outputs = {} }
    }
    artifacts = {
      library_key = "lib/0a1b/glue_runtime.zip"
      jobs        = { for j in ["job_a", "job_b", "job_c"] : j => { script_key = "jobs/${j}/h/main.py", module_key = "jobs/${j}/h/${j}.zip" } }
    }
  }

  expect_failures = [aws_glue_workflow.this]
}

run "roles_alerts_and_keys" {
  command = plan

  assert {
    condition     = keys(output.job_role_arns) == ["customers_clean", "orders_daily_revenue"]
    error_message = "The root module outputs each job's role (smoke runs assume it)."
  }

  assert {
    condition     = module.job_role["customers_clean"].permissions_boundary_arn == "arn:aws:iam::123456789012:policy/glue-etl-dev-boundary"
    error_message = "Every job role is created under the environment's boundary."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.job_failures.event_pattern).detail.state == ["FAILED", "TIMEOUT", "ERROR", "STOPPED"] && jsondecode(
      aws_cloudwatch_event_rule.job_failures.event_pattern
    ).detail.jobName == ["glue-etl-dev-customers_clean", "glue-etl-dev-orders_daily_revenue"]
    error_message = "The alert rule must match FAILED, TIMEOUT, ERROR and STOPPED runs of the environment's jobs."
  }

  assert {
    condition     = aws_sns_topic.alerts.kms_master_key_id == module.data_lake.kms_key_arn && aws_cloudwatch_event_target.job_failures.arn == aws_sns_topic.alerts.arn
    error_message = "Alerts go to a KMS-encrypted SNS topic."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.alerts) == 0
    error_message = "Without alert_subscriptions no one is subscribed."
  }
}

run "alert_subscription_from_tfvars" {
  command = plan

  variables {
    alert_subscriptions = [{ protocol = "email", endpoint = "data-oncall@example.com" }]
  }

  assert {
    condition     = [for s in aws_sns_topic_subscription.alerts : [s.protocol, s.endpoint]] == [["email", "data-oncall@example.com"]]
    error_message = "A subscription in tfvars must subscribe to the alert topic."
  }
}

run "rejects_glue_4_and_streaming_workers" {
  command = plan

  variables {
    jobs = {
      old_job = {
        description         = "Invalid"
        glue_version        = "4.0"
        worker_type         = "G.025X"
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

run "script_change_changes_only_with_its_key" {
  command = plan

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

# A bucket another team owns, declared in the environment's tfvars: jobs name it by its logical
# name, Terraform resolves it to the real bucket and never manages it.
run "external_bucket_locations_resolve_to_the_declared_bucket" {
  command = plan

  variables {
    external_buckets = {
      partner_feed = { bucket = "acme-partner-feed-dev", kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/feed" }
    }
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
        schedule            = null
        depends_on          = []
        arguments           = {}
        inputs              = { partner_orders = { bucket = "partner_feed", prefix = "orders/" } }
        outputs             = { output_path = { bucket = "partner_feed", prefix = "customers_clean/" } }
      }
    }
    artifacts = {
      library_key = "lib/0a1b/glue_runtime.zip"
      jobs        = { customers_clean = { script_key = "jobs/customers_clean/c0ffee/main.py", module_key = "jobs/customers_clean/c0ffee/customers_clean.zip" } }
    }
  }

  assert {
    condition     = module.glue_job["customers_clean"].default_arguments["--partner_orders"] == "s3://acme-partner-feed-dev/orders/" && module.glue_job["customers_clean"].default_arguments["--output_path"] == "s3://acme-partner-feed-dev/customers_clean/"
    error_message = "An external bucket's locations must resolve to s3://<its real name>/<prefix>."
  }

  assert {
    condition     = output.external_buckets == { partner_feed = "acme-partner-feed-dev" }
    error_message = "The external buckets output must name the real buckets."
  }
}

run "rejects_a_job_naming_an_external_bucket_the_environment_lacks" {
  command = plan

  variables {
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
        schedule            = null
        depends_on          = []
        arguments           = {}
        inputs              = { partner_orders = { bucket = "partner_feed", prefix = "orders/" } }
        outputs             = { output_path = { bucket = "curated", prefix = "customers_clean/" } }
      }
    }
    artifacts = {
      library_key = "lib/0a1b/glue_runtime.zip"
      jobs        = { customers_clean = { script_key = "jobs/customers_clean/c0ffee/main.py", module_key = "jobs/customers_clean/c0ffee/customers_clean.zip" } }
    }
  }

  expect_failures = [var.jobs]
}

run "rejects_an_external_key_alias" {
  command = plan

  variables {
    external_buckets = { partner_feed = { bucket = "acme-partner-feed-dev", kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:alias/feed" } }
  }

  expect_failures = [var.external_buckets]
}

run "catalog_tables_from_the_catalog_folder" {
  command = plan

  variables {
    catalog_tables = {
      "payments.medicare" = {
        database = "payments", name = "medicare", owned = true, data_lake_bucket = "raw", prefix = "medicare/",
        format   = "csv", header = true, columns = [{ name = "provider id", type = "bigint" }]
      }
      "legislators.persons_json" = {
        database = "legislators", name = "persons_json", owned = false, bucket = "awsglue-datasets",
        prefix   = "examples/us-legislators/all/persons/", format = "json", columns = [{ name = "id", type = "string" }]
      }
    }
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
        schedule            = null
        depends_on          = []
        arguments           = {}
        inputs              = {}
        outputs             = { output_path = { bucket = "curated", prefix = "customers_clean/" } }
        catalog_reads       = ["payments.medicare", "legislators.persons_json"]
      }
    }
    artifacts = {
      library_key = "lib/0a1b/glue_runtime.zip"
      jobs        = { customers_clean = { script_key = "jobs/customers_clean/c0ffee/main.py", module_key = "jobs/customers_clean/c0ffee/customers_clean.zip" } }
    }
  }

  assert {
    condition     = keys(module.catalog.table_arns) == ["payments.medicare"]
    error_message = "Only owned tables become aws_glue_catalog_table resources; a crawler's table is left alone."
  }

  assert {
    condition     = local.catalog_locations["legislators.persons_json"].uri == "s3://awsglue-datasets/examples/us-legislators/all/persons/" && local.catalog_locations["legislators.persons_json"].bucket_arn == "arn:aws:s3:::awsglue-datasets"
    error_message = "A table in a bucket of its own keeps that bucket."
  }

  assert {
    condition     = module.glue_job["customers_clean"].non_overridable_arguments["--enable-glue-datacatalog"] == "true"
    error_message = "A job that reads catalog tables gets the Data Catalog as its metastore."
  }
}

run "catalog_reads_must_name_a_declared_table" {
  command = plan

  variables {
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
        schedule            = null
        depends_on          = []
        arguments           = {}
        inputs              = {}
        outputs             = { output_path = { bucket = "curated", prefix = "customers_clean/" } }
        catalog_reads       = ["payments.nowhere"]
      }
    }
  }

  expect_failures = [var.jobs]
}

run "a_catalog_database_may_not_take_the_curated_databases_name" {
  command = plan

  variables {
    catalog_tables = {
      "glue_etl_dev_curated.orders" = {
        database = "glue_etl_dev_curated", name = "orders", owned = true, data_lake_bucket = "curated", prefix = "orders/",
        format   = "parquet", columns = [{ name = "order_id", type = "string" }]
      }
    }
  }

  expect_failures = [var.catalog_tables]
}
