# Partial configuration: bucket, key, region and kms_key_id come from
# environments/<env>.s3.tfbackend (terraform init -backend-config=../environments/<env>.s3.tfbackend).
# encrypt without kms_key_id would send AES256 and override the bucket's SSE-KMS default.
terraform {
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
