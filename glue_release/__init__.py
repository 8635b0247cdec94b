"""The release tool: declarations, packaging, upload, Terraform, smoke runs, the local emulator."""
