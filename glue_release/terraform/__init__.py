"""Running Terraform: the one runner, its console, state (bootstrap's, the lock) and interrupted applies."""
