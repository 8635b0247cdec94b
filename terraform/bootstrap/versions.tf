terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Bootstrap's state lives in the state bucket it creates, under bootstrap/<env>.tfstate
  # (-backend-config=environments/<env>.s3.tfbackend -backend-config=key=bootstrap/<env>.tfstate).
  # The very first apply keeps it in a local file and the release tool then pushes it there
  # (glue_release/terraform/bootstrap_state.py; docs/terraform.md describes doing it by hand).
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
