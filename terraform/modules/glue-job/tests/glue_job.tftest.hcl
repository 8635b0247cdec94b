mock_provider "aws" {}

variables {
  name                   = "glue-etl-dev-customers_clean"
  description            = "Clean customer records"
  role_arn               = "arn:aws:iam::123456789012:role/glue-etl-dev-customers_clean"
  worker_type            = "G.1X"
  number_of_workers      = 2
  script_location        = "s3://acme-artifacts/jobs/customers_clean/c0ffee/main.py"
  extra_py_files         = ["s3://acme-artifacts/lib/0a1b/glue_runtime.zip", "s3://acme-artifacts/jobs/customers_clean/c0ffee/customers_clean.zip"]
  temp_dir               = "s3://lake-temp/customers_clean/"
  arguments              = { min_age = "18", input_path = "s3://lake-raw/customers/" }
  security_configuration = "glue-etl-dev-jobs"
  log_group_prefix       = "/aws-glue/jobs/glue-etl-dev/customers_clean"
  log_retention_days     = 30
  log_kms_key_arn        = "arn:aws:kms:eu-west-1:123456789012:key/data"
  schedule               = "cron(0 3 * * ? *)"
  schedule_enabled       = false
}

run "job_definition" {
  command = plan

  assert {
    condition     = aws_glue_job.this.command[0].name == "glueetl" && aws_glue_job.this.command[0].script_location == var.script_location
    error_message = "The job must run the given script with glueetl."
  }

  assert {
    condition     = aws_glue_job.this.glue_version == "5.0" && aws_glue_job.this.execution_class == "STANDARD"
    error_message = "Glue 5.0 with an explicit execution class is the default."
  }

  assert {
    condition     = aws_glue_job.this.security_configuration == "glue-etl-dev-jobs"
    error_message = "The security configuration must be attached."
  }

  assert {
    condition     = aws_glue_job.this.non_overridable_arguments["--extra-py-files"] == join(",", var.extra_py_files)
    error_message = "--extra-py-files must carry the library and the job module."
  }

  assert {
    condition     = aws_glue_job.this.default_arguments["--min_age"] == "18" && aws_glue_job.this.default_arguments["--input_path"] == "s3://lake-raw/customers/"
    error_message = "Declared arguments must become \"--\" default arguments."
  }

  assert {
    condition = alltrue([
      aws_glue_job.this.non_overridable_arguments["--job-bookmark-option"] == "job-bookmark-disable",
      aws_glue_job.this.non_overridable_arguments["--enable-continuous-cloudwatch-log"] == "true",
      aws_glue_job.this.non_overridable_arguments["--enable-metrics"] == "true",
      aws_glue_job.this.non_overridable_arguments["--custom-logGroup-prefix"] == var.log_group_prefix,
    ])
    error_message = "Bookmarks, continuous logging, metrics and the log group prefix must be set."
  }

  assert {
    condition = alltrue([
      for g in aws_cloudwatch_log_group.this :
      g.retention_in_days == 30 && g.kms_key_id == var.log_kms_key_arn && startswith(g.name, "${var.log_group_prefix}/")
    ])
    error_message = "The job's log groups must be KMS-encrypted with the environment's retention."
  }

  assert {
    condition     = aws_glue_trigger.schedule[0].schedule == "cron(0 3 * * ? *)" && aws_glue_trigger.schedule[0].type == "SCHEDULED"
    error_message = "A declared schedule must become a scheduled trigger."
  }

  assert {
    condition     = aws_glue_trigger.schedule[0].enabled == false && aws_glue_trigger.schedule[0].start_on_creation == false
    error_message = "A disabled schedule must create a deactivated trigger."
  }
}

run "bookmarks_and_active_schedule" {
  command = plan

  variables {
    bookmarks        = true
    schedule_enabled = true
  }

  assert {
    condition     = aws_glue_job.this.non_overridable_arguments["--job-bookmark-option"] == "job-bookmark-enable"
    error_message = "Bookmarks must be enabled when declared."
  }

  assert {
    condition     = aws_glue_trigger.schedule[0].enabled && aws_glue_trigger.schedule[0].start_on_creation
    error_message = "An enabled schedule must create an active trigger."
  }
}

run "on_demand_job" {
  command = plan

  variables {
    schedule = null
  }

  assert {
    condition     = length(aws_glue_trigger.schedule) == 0
    error_message = "A job without schedule must not get a scheduled trigger."
  }
}

run "rejects_reserved_argument" {
  command = plan

  variables {
    arguments = { TempDir = "s3://elsewhere/" }
  }

  expect_failures = [aws_glue_job.this]
}

run "rejects_invalid_cron" {
  command = plan

  variables {
    schedule = "0 3 * * *"
  }

  expect_failures = [var.schedule]
}

run "rejects_invalid_worker_type" {
  command = plan

  variables {
    worker_type = "Standard"
  }

  expect_failures = [var.worker_type]
}

run "python_modules_install_from_the_given_wheels_only" {
  command = plan

  variables {
    additional_python_modules = ["s3://acme-artifacts/jobs/customers_clean/python/0a1b/PyYAML-6.0.2-cp311-cp311-manylinux_2_17_x86_64.whl"]
  }

  assert {
    condition     = aws_glue_job.this.default_arguments["--additional-python-modules"] == var.additional_python_modules[0]
    error_message = "The declared wheels must be passed to Glue as --additional-python-modules."
  }

  assert {
    condition     = aws_glue_job.this.default_arguments["--python-modules-installer-option"] == "--no-index"
    error_message = "pip on Glue must not reach a package index (jobs in a VPC have no internet)."
  }
}

run "no_python_modules_no_installer_arguments" {
  command = plan

  assert {
    condition     = !contains(keys(aws_glue_job.this.default_arguments), "--additional-python-modules")
    error_message = "Without python_modules the job gets no --additional-python-modules."
  }
}

run "rejects_streaming_worker_type" {
  command = plan

  variables {
    worker_type = "G.025X"
  }

  expect_failures = [var.worker_type]
}

run "rejects_glue_4" {
  command = plan

  variables {
    glue_version = "4.0"
  }

  expect_failures = [var.glue_version]
}

run "platform_arguments_cannot_be_overridden" {
  command = apply

  assert {
    condition = alltrue([
      for k in ["--extra-py-files", "--TempDir", "--custom-logGroup-prefix", "--enable-continuous-cloudwatch-log", "--job-bookmark-option"] :
      contains(keys(aws_glue_job.this.non_overridable_arguments), k) && !contains(keys(aws_glue_job.this.default_arguments), k)
    ])
    error_message = "The platform's code, logging and bookmark arguments must be non-overridable (and not default arguments a run could replace)."
  }
}
