# The project's Data Catalog tables (catalog/<database>/<table>.yaml, owned: true) and the
# databases holding them. A table is metadata only: columns, partition keys, a SerDe and the S3
# location of its data ("Defining tables in the AWS Glue Data Catalog",
# https://docs.aws.amazon.com/glue/latest/dg/tables-described.html). Glue's from_catalog reads
# the format from the table's "classification" parameter, as crawler-made tables carry it.

locals {
  # Hive input/output formats and SerDes per format, as Glue's crawlers write them.
  formats = {
    csv = {
      input  = "org.apache.hadoop.mapred.TextInputFormat"
      output = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
      serde  = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
    }
    json = {
      input  = "org.apache.hadoop.mapred.TextInputFormat"
      output = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
      serde  = "org.openx.data.jsonserde.JsonSerDe"
    }
    parquet = {
      input  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
      output = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
      serde  = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }
    orc = {
      input  = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat"
      output = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat"
      serde  = "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
    }
  }

  # A database that also holds tables made elsewhere exists before this stack (on AWS, creating it
  # again fails with AlreadyExistsException); only databases wholly ours are created here.
  databases = setsubtract(toset([for t in values(var.tables) : t.database]), var.existing_databases)
}

resource "aws_glue_catalog_database" "this" {
  for_each = local.databases

  name        = each.key
  description = "Tables of ${var.name_prefix} declared in catalog/${each.key}/"
  tags        = var.tags

  # Deleting a database deletes every table in it, other teams' too. A database that becomes another
  # owner's (an owned: false table is added to it) leaves this set: that must stop the plan, not delete
  # it (README: the Data Catalog as code says how to hand it over with `terraform state rm`).
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_glue_catalog_table" "this" {
  for_each = var.tables

  database_name = contains(var.existing_databases, each.value.database) ? each.value.database : aws_glue_catalog_database.this[each.value.database].name
  name          = each.value.name
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"

  parameters = merge(
    { classification = each.value.format, EXTERNAL = "TRUE" },
    each.value.format == "csv" && each.value.header ? { "skip.header.line.count" = "1" } : {},
  )

  dynamic "partition_keys" {
    for_each = each.value.partition_keys

    content {
      name = partition_keys.value.name
      type = partition_keys.value.type
    }
  }

  storage_descriptor {
    location      = each.value.location
    input_format  = local.formats[each.value.format].input
    output_format = local.formats[each.value.format].output

    ser_de_info {
      serialization_library = local.formats[each.value.format].serde
      parameters            = each.value.format == "csv" ? { "field.delim" = each.value.separator } : {}
    }

    dynamic "columns" {
      for_each = each.value.columns

      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }
}
