# Plans only: the databases are prevent_destroy, so an applied run could not be torn down.
mock_provider "aws" {}

variables {
  name_prefix = "glue-etl-dev"
  tables = {
    "payments.medicare" = {
      database  = "payments"
      name      = "medicare"
      location  = "s3://glue-etl-dev-111111111111-raw/medicare/"
      format    = "csv"
      header    = true
      separator = "|"
      columns   = [{ name = "provider id", type = "bigint" }, { name = "drg definition", type = "string" }]
    }
    "payments.claims" = {
      database       = "payments"
      name           = "claims"
      location       = "s3://glue-etl-dev-111111111111-curated/claims/"
      format         = "parquet"
      columns        = [{ name = "claim_id", type = "string" }]
      partition_keys = [{ name = "day", type = "date" }]
    }
  }
}

run "tables_as_declared" {
  command = plan

  assert {
    condition     = length(aws_glue_catalog_database.this) == 1 && aws_glue_catalog_database.this["payments"].name == "payments"
    error_message = "One database per database folder, named as the scripts name it."
  }

  assert {
    condition     = aws_glue_catalog_table.this["payments.medicare"].storage_descriptor[0].location == "s3://glue-etl-dev-111111111111-raw/medicare/"
    error_message = "The table's location is the environment's bucket and prefix."
  }

  assert {
    condition     = aws_glue_catalog_table.this["payments.medicare"].parameters["classification"] == "csv"
    error_message = "from_catalog reads the format from the classification parameter."
  }

  assert {
    condition     = aws_glue_catalog_table.this["payments.medicare"].parameters["skip.header.line.count"] == "1"
    error_message = "A CSV table with a header skips its first line."
  }

  assert {
    condition     = aws_glue_catalog_table.this["payments.medicare"].storage_descriptor[0].ser_de_info[0].parameters["field.delim"] == "|"
    error_message = "The CSV separator is the SerDe's field.delim."
  }

  assert {
    condition     = [for c in aws_glue_catalog_table.this["payments.medicare"].storage_descriptor[0].columns : c.name] == ["provider id", "drg definition"]
    error_message = "Columns keep their declared order."
  }

  assert {
    condition     = !contains(keys(aws_glue_catalog_table.this["payments.claims"].parameters), "skip.header.line.count")
    error_message = "Only CSV tables with a header skip a line."
  }

  assert {
    condition     = aws_glue_catalog_table.this["payments.claims"].storage_descriptor[0].ser_de_info[0].serialization_library == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    error_message = "A parquet table uses the Parquet SerDe."
  }

  assert {
    condition     = [for p in aws_glue_catalog_table.this["payments.claims"].partition_keys : p.name] == ["day"]
    error_message = "Partition keys are declared on the table."
  }
}

run "owned_tables_in_a_database_made_elsewhere" {
  command = plan

  variables {
    existing_databases = ["payments"]
  }

  assert {
    condition     = length(aws_glue_catalog_database.this) == 0
    error_message = "A database made elsewhere (it holds a crawler's tables) is never created again."
  }

  assert {
    condition     = aws_glue_catalog_table.this["payments.medicare"].database_name == "payments"
    error_message = "Owned tables are still created, in the existing database."
  }
}

run "rejects_a_location_without_folder_slash" {
  command = plan

  variables {
    tables = {
      "payments.x" = { database = "payments", name = "x", location = "s3://bucket/x", format = "csv", columns = [{ name = "a", type = "string" }] }
    }
  }

  expect_failures = [var.tables]
}

run "rejects_an_unknown_format" {
  command = plan

  variables {
    tables = {
      "payments.x" = { database = "payments", name = "x", location = "s3://bucket/x/", format = "avro", columns = [{ name = "a", type = "string" }] }
    }
  }

  expect_failures = [var.tables]
}
