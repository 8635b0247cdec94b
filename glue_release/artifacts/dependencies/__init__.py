"""A job's third-party Python packages (``python_modules:`` in job.yaml), from declaration to Glue.

- ``wheels``: resolve the pinned requirements to wheels for Glue's platform (manylinux x86_64,
  CPython 3.11 for Glue 5.x, 3.13 for 6.0); ``package`` stores them content-hashed beside the
  job's other artifacts, and Terraform hands Glue their S3 URIs with ``--no-index``.
- ``imports``: a job importing a third-party module it doesn't declare fails ``package``.
- ``local_env``: local runs and tests install the same wheels into a cached folder per job.
"""
