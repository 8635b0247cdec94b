# Partial configuration: bucket, key and region come from environments/<env>.s3.tfbackend
# (terraform init -backend-config=../environments/<env>.s3.tfbackend).
terraform {
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
