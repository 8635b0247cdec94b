mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  # Provider-side validation still runs: policies must be JSON.
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name                 = "glue-etl-dev-orders_daily_revenue"
  artifacts_bucket_arn = "arn:aws:s3:::acme-artifacts"
  artifact_prefixes    = ["jobs/orders_daily_revenue/", "lib/"]
  read_locations = [
    { bucket_arn = "arn:aws:s3:::lake-raw", prefix = "orders/" },
    { bucket_arn = "arn:aws:s3:::lake-curated", prefix = "customers_clean/" },
  ]
  write_locations          = [{ bucket_arn = "arn:aws:s3:::lake-curated", prefix = "daily_revenue/" }]
  temp_location            = { bucket_arn = "arn:aws:s3:::lake-temp", prefix = "orders_daily_revenue/" }
  log_group_names          = ["/aws-glue/jobs/glue-etl-dev/orders_daily_revenue/output", "/aws-glue/jobs/glue-etl-dev/orders_daily_revenue/error"]
  kms_key_arns             = ["arn:aws:kms:eu-west-1:123456789012:key/data"]
  decrypt_kms_key_arns     = ["arn:aws:kms:eu-west-1:123456789012:key/artifacts"]
  catalog_database_name    = "glue_etl_dev_curated"
  permissions_boundary_arn = "arn:aws:iam::123456789012:policy/glue-etl-dev-boundary"
}

run "least_privilege" {
  command = apply

  assert {
    condition     = alltrue(flatten([for s in data.aws_iam_policy_document.this.statement : [for a in s.actions : !strcontains(a, "*")]]))
    error_message = "No action may contain a wildcard."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.this.statement :
      s.sid == "PublishGlueMetrics" || alltrue([for r in s.resources : r != "*"])
    ])
    error_message = "Only cloudwatch:PutMetricData (no resource-level permissions) may use Resource \"*\"."
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.this.statement : s.condition if s.sid == "PublishGlueMetrics"][0] != null && anytrue([
      for s in data.aws_iam_policy_document.this.statement : s.sid == "PublishGlueMetrics" && anytrue([for c in s.condition : c.variable == "cloudwatch:namespace" && contains(c.values, "Glue")])
    ])
    error_message = "PutMetricData must be limited to the Glue namespace."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "ReadData"]) == toset([
      "arn:aws:s3:::lake-raw/orders",
      "arn:aws:s3:::lake-raw/orders_$folder$",
      "arn:aws:s3:::lake-raw/orders/*",
      "arn:aws:s3:::lake-raw/_smoke/orders",
      "arn:aws:s3:::lake-raw/_smoke/orders_$folder$",
      "arn:aws:s3:::lake-raw/_smoke/orders/*",
      "arn:aws:s3:::lake-curated/customers_clean",
      "arn:aws:s3:::lake-curated/customers_clean_$folder$",
      "arn:aws:s3:::lake-curated/customers_clean/*",
      "arn:aws:s3:::lake-curated/_smoke/customers_clean",
      "arn:aws:s3:::lake-curated/_smoke/customers_clean_$folder$",
      "arn:aws:s3:::lake-curated/_smoke/customers_clean/*",
      "arn:aws:s3:::lake-curated/daily_revenue",
      "arn:aws:s3:::lake-curated/daily_revenue_$folder$",
      "arn:aws:s3:::lake-curated/daily_revenue/*",
      "arn:aws:s3:::lake-curated/_smoke/daily_revenue",
      "arn:aws:s3:::lake-curated/_smoke/daily_revenue_$folder$",
      "arn:aws:s3:::lake-curated/_smoke/daily_revenue/*",
      "arn:aws:s3:::lake-temp/orders_daily_revenue",
      "arn:aws:s3:::lake-temp/orders_daily_revenue_$folder$",
      "arn:aws:s3:::lake-temp/orders_daily_revenue/*",
    ])
    error_message = "The job reads exactly its inputs, outputs and temp prefix, and their smoke copies."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "WriteData"]) == toset([
      "arn:aws:s3:::lake-curated/daily_revenue",
      "arn:aws:s3:::lake-curated/daily_revenue_$folder$",
      "arn:aws:s3:::lake-curated/daily_revenue/*",
      "arn:aws:s3:::lake-curated/_smoke/daily_revenue",
      "arn:aws:s3:::lake-curated/_smoke/daily_revenue_$folder$",
      "arn:aws:s3:::lake-curated/_smoke/daily_revenue/*",
      "arn:aws:s3:::lake-temp/orders_daily_revenue",
      "arn:aws:s3:::lake-temp/orders_daily_revenue_$folder$",
      "arn:aws:s3:::lake-temp/orders_daily_revenue/*",
    ])
    error_message = "The job writes exactly its outputs (and smoke copies) and its temp prefix, never its inputs."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "ReadArtifacts"]) == toset([
      "arn:aws:s3:::acme-artifacts/jobs/orders_daily_revenue/*",
      "arn:aws:s3:::acme-artifacts/lib/*",
    ])
    error_message = "The job reads only its own artifacts and the shared library."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.this.statement : s.actions if s.sid == "DecryptArtifacts"]) == toset(["kms:Decrypt"])
    error_message = "The artifacts key is for decryption only."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.this.statement : s.actions if s.sid == "UseDataKeys"]) == toset(["kms:Decrypt", "kms:GenerateDataKey"])
    error_message = "Job roles get only Decrypt and GenerateDataKey on the data key."
  }

  assert {
    condition     = aws_iam_role.this.permissions_boundary == "arn:aws:iam::123456789012:policy/glue-etl-dev-boundary"
    error_message = "The job role must be created under the permissions boundary."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.this.statement : s if startswith(s.sid, "UseOwnCatalogTables")]) == 0
    error_message = "Catalog access is opt-in: a job without catalog tables gets none."
  }

  assert {
    condition = alltrue([
      for r in one([for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "WriteOwnLogs"]) :
      startswith(r, "arn:aws:logs:eu-west-1:123456789012:log-group:/aws-glue/jobs/glue-etl-dev/orders_daily_revenue/")
    ])
    error_message = "The job writes only its own log groups."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.assume_role.statement :
      anytrue([for p in s.principals : p.type == "Service" && contains(p.identifiers, "glue.amazonaws.com")])
    ])
    error_message = "Only Glue may assume the role."
  }
}

run "no_smoke_prefix" {
  command = apply

  variables {
    smoke_prefix = null
  }

  assert {
    condition = alltrue([
      for r in one([for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "ReadData"]) : !strcontains(r, "_smoke/")
    ])
    error_message = "Without a smoke prefix no smoke location is granted."
  }
}

run "rejects_wildcard_artifact_prefix" {
  command = plan

  variables {
    artifact_prefixes = ["*/"]
  }

  expect_failures = [var.artifact_prefixes]
}

# The defect this guards against: grants of "<dir>*" let revenue_rolling_7d (input daily_revenue/)
# read daily_revenue_rejects/. Each granted pattern is matched as IAM would (a "*" glob).
run "exact_prefixes" {
  command = apply

  variables {
    name            = "glue-etl-dev-revenue_rolling_7d"
    read_locations  = [{ bucket_arn = "arn:aws:s3:::lake-curated", prefix = "daily_revenue/" }]
    write_locations = [{ bucket_arn = "arn:aws:s3:::lake-curated", prefix = "revenue_rolling_7d/" }]
    temp_location   = { bucket_arn = "arn:aws:s3:::lake-temp", prefix = "revenue_rolling_7d/" }
  }

  assert {
    condition = !anytrue(flatten([
      for s in data.aws_iam_policy_document.this.statement : [
        for r in s.resources : [
          for key in ["arn:aws:s3:::lake-curated/daily_revenue_rejects/part-0.parquet", "arn:aws:s3:::lake-curated/_smoke/daily_revenue_rejects/part-0.parquet", "arn:aws:s3:::lake-curated/revenue_rolling_7d_v2/x"] :
          can(regex("^${replace(replace(replace(r, ".", "\\."), "$", "\\$"), "*", ".*")}$", key))
        ] if startswith(r, "arn:aws:s3:::")
      ]
    ]))
    error_message = "No grant may reach a sibling prefix such as daily_revenue_rejects/."
  }

  assert {
    condition = anytrue([
      for r in one([for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "ReadData"]) :
      can(regex("^${replace(replace(replace(r, ".", "\\."), "$", "\\$"), "*", ".*")}$", "arn:aws:s3:::lake-curated/daily_revenue/day=2024-01-01/part-0.parquet"))
    ])
    error_message = "The job must still read below its own input prefix."
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.this.statement : [for c in s.condition : tolist(c.values) if c.variable == "s3:prefix"] if s.resources == toset(["arn:aws:s3:::lake-curated"])
    ])) == toset(["daily_revenue", "daily_revenue/*", "_smoke/daily_revenue", "_smoke/daily_revenue/*", "revenue_rolling_7d", "revenue_rolling_7d/*", "_smoke/revenue_rolling_7d", "_smoke/revenue_rolling_7d/*"])
    error_message = "Listing is limited to the exact prefixes."
  }
}

run "catalog_opt_in_scoped_to_own_tables" {
  command = apply

  variables {
    catalog_tables = ["daily_revenue"]
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "UseOwnCatalogTables"]) == toset([
      "arn:aws:glue:eu-west-1:123456789012:catalog",
      "arn:aws:glue:eu-west-1:123456789012:database/glue_etl_dev_curated",
      "arn:aws:glue:eu-west-1:123456789012:table/glue_etl_dev_curated/daily_revenue",
    ])
    error_message = "A job that opts in reaches only its own tables."
  }
}

# Buckets other teams own (root variable external_buckets): the same exact prefixes as the data
# lake's, and each bucket's own key only, decrypt where the job reads, a data key where it writes.
run "external_buckets_exact_prefixes_and_named_keys" {
  command = apply

  variables {
    read_locations = [
      { bucket_arn = "arn:aws:s3:::partner-feed", prefix = "orders/", kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/feed" },
      { bucket_arn = "arn:aws:s3:::lake-raw", prefix = "customers/" },
    ]
    write_locations = [
      { bucket_arn = "arn:aws:s3:::partner-exchange", prefix = "revenue/", kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/exchange" },
    ]
  }

  assert {
    condition = toset([for r in one([for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "ReadData"]) : r if startswith(r, "arn:aws:s3:::partner-feed/")]) == toset([
      "arn:aws:s3:::partner-feed/orders",
      "arn:aws:s3:::partner-feed/orders_$folder$",
      "arn:aws:s3:::partner-feed/orders/*",
      "arn:aws:s3:::partner-feed/_smoke/orders",
      "arn:aws:s3:::partner-feed/_smoke/orders_$folder$",
      "arn:aws:s3:::partner-feed/_smoke/orders/*",
    ])
    error_message = "An external input must be read at its exact prefix (dir, dir_$folder$, dir/*) only."
  }

  assert {
    condition     = !anytrue([for r in one([for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "WriteData"]) : startswith(r, "arn:aws:s3:::partner-feed")])
    error_message = "A job must never write an external bucket it only reads."
  }

  assert {
    condition = toset([for r in one([for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "WriteData"]) : r if startswith(r, "arn:aws:s3:::partner-exchange/")]) == toset([
      "arn:aws:s3:::partner-exchange/revenue",
      "arn:aws:s3:::partner-exchange/revenue_$folder$",
      "arn:aws:s3:::partner-exchange/revenue/*",
      "arn:aws:s3:::partner-exchange/_smoke/revenue",
      "arn:aws:s3:::partner-exchange/_smoke/revenue_$folder$",
      "arn:aws:s3:::partner-exchange/_smoke/revenue/*",
    ])
    error_message = "An external output must be written at its exact prefix only."
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.this.statement : [for c in s.condition : tolist(c.values) if c.variable == "s3:prefix"] if s.resources == toset(["arn:aws:s3:::partner-feed"])
    ])) == toset(["orders", "orders/*", "_smoke/orders", "_smoke/orders/*"])
    error_message = "Listing an external bucket is limited to the job's exact prefixes."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "DecryptExternalInputs"]).actions == toset(["kms:Decrypt"]) && one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "DecryptExternalInputs"]).resources == toset(["arn:aws:kms:eu-west-1:222222222222:key/feed"])
    error_message = "The input bucket's key must be granted kms:Decrypt only, on that key only."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "UseExternalOutputKeys"]).actions == toset(["kms:Decrypt", "kms:GenerateDataKey"]) && one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "UseExternalOutputKeys"]).resources == toset(["arn:aws:kms:eu-west-1:222222222222:key/exchange"])
    error_message = "The output bucket's key must be granted kms:Decrypt and kms:GenerateDataKey, on that key only."
  }

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.this.statement : [
        for r in s.resources : s.sid == "UseExternalOutputKeys" || !contains(["arn:aws:kms:eu-west-1:222222222222:key/exchange"], r)
      ]
      ])) && alltrue(flatten([
      for s in data.aws_iam_policy_document.this.statement : [
        for r in s.resources : contains(["DecryptExternalInputs", "UseExternalOutputKeys"], s.sid) || !startswith(r, "arn:aws:kms:eu-west-1:222222222222:")
      ]
    ]))
    error_message = "No other statement may name an external bucket's key."
  }
}

run "rejects_an_external_key_alias" {
  command = plan

  variables {
    read_locations = [{ bucket_arn = "arn:aws:s3:::partner-feed", prefix = "orders/", kms_key_arn = "arn:aws:kms:eu-west-1:222222222222:alias/feed" }]
  }

  expect_failures = [var.read_locations]
}

run "catalog_reads_scoped_to_the_tables_read" {
  command = apply

  variables {
    catalog_read_tables = [{ database = "payments", table = "medicare" }, { database = "payments", table = "claims" }]
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "ReadCatalogTables"]) == toset([
      "arn:aws:glue:eu-west-1:123456789012:catalog",
      "arn:aws:glue:eu-west-1:123456789012:database/payments",
      "arn:aws:glue:eu-west-1:123456789012:table/payments/medicare",
      "arn:aws:glue:eu-west-1:123456789012:table/payments/claims",
    ])
    error_message = "A job reads only the catalog tables it declares (catalog, database and table ARNs, as GetTable needs)."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.this.statement : s.actions if s.sid == "ReadCatalogTables"]) == toset(["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"])
    error_message = "Catalog reads are read-only: GetDatabase, GetTable, GetPartitions."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "UseOwnCatalogTables"]) == 0
    error_message = "Reading tables grants no create/update."
  }
}

run "no_catalog_reads_no_grant" {
  command = apply

  assert {
    condition     = length([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "ReadCatalogTables"]) == 0
    error_message = "A job that reads no catalog table gets no catalog read."
  }
}
