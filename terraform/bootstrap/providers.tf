locals {
  # Set only for the local environment: every service call goes to the emulator.
  use_emulator = var.aws_endpoint_url != null
}

provider "aws" {
  region = var.region

  # A credential for the wrong account fails before anything is planned.
  allowed_account_ids = [var.account_id]

  # Against the emulator: path-style S3 URLs, no credential or IMDS probing. The account id
  # is still requested from (the emulator's) STS so that ARNs carry an account.
  s3_use_path_style           = local.use_emulator
  skip_credentials_validation = local.use_emulator
  skip_metadata_api_check     = local.use_emulator
  skip_requesting_account_id  = false

  # null (AWS) = the provider's default; local fails fast when the emulator is gone.
  max_retries = var.aws_max_retries

  dynamic "endpoints" {
    for_each = local.use_emulator ? [var.aws_endpoint_url] : []

    content {
      iam = endpoints.value
      kms = endpoints.value
      s3  = endpoints.value
      sts = endpoints.value
    }
  }

  default_tags {
    tags = local.default_tags
  }
}
