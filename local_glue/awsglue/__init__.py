"""A local, clean-room implementation of AWS Glue's Python ``awsglue`` API on plain PySpark.

Written from AWS's public documentation (AWS Glue Developer Guide, "Program AWS Glue
ETL scripts in PySpark"), never from awslabs/aws-glue-libs. Only on ``sys.path`` for
local runs and tests: Glue always uses its own ``awsglue``.
"""

from awsglue._local import NotAvailableLocally

__all__ = ["NotAvailableLocally"]
