"""The local AWS emulator: moto's server with the tool's additions, and IAM enforced on it."""
