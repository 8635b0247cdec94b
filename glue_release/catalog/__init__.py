"""The Data Catalog as code: ``catalog/<database>/<table>.yaml``, one file per table.

The data path: the table files (``tables``) -> Terraform's ``catalog_tables`` variable
(``terraform_value``; terraform/modules/glue-catalog makes the owned ones into
``aws_glue_catalog_table`` resources) and each job's ``catalog_reads`` -> the job role's
catalog read grant, scoped to those tables' ARNs. Locally: run-local and tests read the same
files (local_glue's ``awsglue._catalog``); on ``local`` smoke runs the runner asks the
emulator's Glue catalog (``from_emulator``) as the job's role, as Glue would.
"""

from glue_release.catalog.tables import (
    CATALOG_DIR,
    CatalogTable,
    check_reads,
    load_catalog,
    terraform_value,
)

__all__ = ["CATALOG_DIR", "CatalogTable", "check_reads", "load_catalog", "terraform_value"]
