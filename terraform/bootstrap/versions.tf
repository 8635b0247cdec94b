terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Local state: this module creates the S3 state bucket. The release tool passes the path
  # (terraform init -backend-config="path=<state file>"); keep that file safe.
  backend "local" {}
}
