"""``schemas/job.schema.json``: the JSON Schema of ``job.yaml``, generated from the models.

Editors read it through the modeline at the top of each job.yaml
(``# yaml-language-server: $schema=../../schemas/job.schema.json``) and complete
and check fields as you type. Regenerate after changing ``model``:
``python -m glue_release.declarations.schema`` (a test fails while it is stale).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from glue_release.declarations.model import JobFile
from glue_release.paths import REPO_ROOT

SCHEMA_FILE = REPO_ROOT / "schemas" / "job.schema.json"
SCHEMA_ID = "https://glue-release.invalid/schemas/job.schema.json"


def modeline(job_yaml: Path, schema_file: Path = SCHEMA_FILE) -> str:
    """The yaml-language-server comment for ``job_yaml``, with the schema's path relative to it."""
    try:
        depth = len(job_yaml.parent.resolve().relative_to(REPO_ROOT).parts)
    except ValueError:  # a jobs folder elsewhere (tests, a rollback checkout): laid out as jobs/<job>/ too
        depth = 2
    relative = Path(*[".."] * depth) / schema_file.relative_to(REPO_ROOT)
    return f"# yaml-language-server: $schema={relative.as_posix()}"


def job_schema() -> dict[str, Any]:
    schema = JobFile.model_json_schema(mode="validation")
    _closed_maps(schema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render() -> str:
    return json.dumps(job_schema(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else SCHEMA_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render())
    print(f"wrote {target}")
    return 0


def _closed_maps(node: Any) -> None:
    """Maps keyed by a pattern (argument names) refuse other keys, as the models do."""
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _closed_maps(value)
    elif isinstance(node, list):
        for value in node:
            _closed_maps(value)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv))
