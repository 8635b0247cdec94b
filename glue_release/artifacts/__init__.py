"""Build and upload: content-hashed artifacts, their Python dependencies, the artifacts bucket."""
