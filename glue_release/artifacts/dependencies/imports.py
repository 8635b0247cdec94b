"""Which third-party modules a job imports, so a missing ``python_modules`` entry fails ``package``, not a run."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from glue_release.errors import UserError

# What Glue 5.x/6.0 jobs import without declaring: the runtime itself and the modules
# AWS preinstalls ("Python modules already provided in AWS Glue", Glue developer guide),
# and this repository's own library. Anything else must be in python_modules.
PROVIDED = frozenset(
    {
        "awsglue",
        "boto3",
        "botocore",
        "glue_runtime",
        "numpy",
        "pandas",
        "py4j",
        "pyarrow",
        "pyspark",
        "s3transfer",
    }
)


def imported_modules(file: Path) -> dict[str, int]:
    """Top-level module names ``file`` imports (absolute imports only), with the first line of each."""
    tree = ast.parse(file.read_bytes(), str(file))
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            found.setdefault(name.split(".", 1)[0], node.lineno)
    return found


def check_declared(job_name: str, files: list[Path], job_folder: Path, provided_by_wheels: set[str]) -> None:
    """Refuse a job whose code imports a module that is neither standard, Glue's, its own nor declared."""
    own = {job_name} | {p.stem for p in job_folder.glob("*.py")} | {p.name for p in job_folder.iterdir() if p.is_dir()}
    allowed = set(sys.stdlib_module_names) | PROVIDED | own | provided_by_wheels | {"__future__"}
    for file in files:
        for module, line in sorted(imported_modules(file).items(), key=lambda item: item[1]):
            if module not in allowed:
                try:
                    where = file.relative_to(job_folder.parent.parent)
                except ValueError:
                    where = file
                raise UserError(
                    f"{where}:{line}: imports {module}, which job {job_name} does not declare; add it pinned to "
                    f"python_modules in its job.yaml (e.g. python_modules: [{module}==VERSION]), then package again"
                )
