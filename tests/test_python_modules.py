"""``python_modules:``: wheels for Glue's platform, packaged by content hash, the same wheels in local runs.

pip downloads from the package index once per requirement set (build/wheel-cache/);
the venv has its own PyYAML (6.0.4), so a job printing 6.0.2 proves it got the declared wheel.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

from glue_release import declarations
from glue_release.artifacts import packaging
from glue_release.artifacts.dependencies import imports
from glue_release.errors import UserError
from glue_release.runs import local_run

WHEEL = r"PyYAML-6\.0\.2-{tag}-{tag}-manylinux[^/]*x86_64\.whl"


def yaml_job(root: Path, name: str = "yaml_job", glue_version: str = "5.0", declare: bool = True) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    body = {"description": "prints the PyYAML it imports", "glue_version": glue_version}
    if declare:
        body["python_modules"] = ["pyyaml==6.0.2"]
    (folder / "job.yaml").write_text(yaml.safe_dump(body))
    (folder / "main.py").write_text("import yaml\n\nprint('yaml', yaml.__version__)\n")
    return folder


def test_run_local_imports_the_declared_wheel(tmp_path, capsys):
    job = declarations.load_job(yaml_job(tmp_path / "jobs"), ["local"])
    run = local_run.run_local(job, {}, tmp_path / "out")
    assert run.returncode == 0
    assert "yaml 6.0.2" in capsys.readouterr().out


def test_package_stores_the_wheel_under_its_content_hash_and_hands_terraform_the_key(tmp_path):
    yaml_job(tmp_path / "jobs")
    jobs = declarations.load_jobs(tmp_path / "jobs", ["local"])
    manifest = packaging.package(jobs, tmp_path / "build", env="local")
    (wheel,) = manifest.jobs["yaml_job"].python_modules
    assert re.fullmatch(rf"jobs/yaml_job/python/[0-9a-f]{{64}}/{WHEEL.format(tag='cp311')}", wheel.key), wheel.key
    stored = tmp_path / "build" / "artifacts" / wheel.key
    assert wheel.sha256 == hashlib.sha256(stored.read_bytes()).hexdigest() == wheel.key.split("/")[3]
    assert wheel in manifest.artifacts()
    tfvars = json.loads((tmp_path / "build" / "release.tfvars.json").read_text())
    assert tfvars["artifacts"]["jobs"]["yaml_job"]["python_module_keys"] == [wheel.key]
    assert packaging.Manifest.read(tmp_path / "build" / "manifest.json") == manifest


def test_glue_6_gets_python_3_13_wheels(tmp_path):
    jobs = {"yaml_job": declarations.load_job(yaml_job(tmp_path / "jobs", glue_version="6.0"), ["local"])}
    manifest = packaging.package(jobs, tmp_path / "build")
    (wheel,) = manifest.jobs["yaml_job"].python_modules
    assert re.search(WHEEL.format(tag="cp313"), wheel.key), wheel.key


def test_an_undeclared_third_party_import_fails_package_naming_it(tmp_path):
    folder = yaml_job(tmp_path / "jobs", declare=False)
    with pytest.raises(UserError, match=r"yaml_job/main\.py:1: imports yaml, which job yaml_job does not declare"):
        packaging.package(declarations.load_jobs(tmp_path / "jobs", ["local"]), tmp_path / "build")
    assert not (tmp_path / "build" / "manifest.json").exists()
    assert folder.exists()


def test_standard_glue_and_own_modules_need_no_declaration(tmp_path):
    folder = tmp_path / "jobs" / "own_job"
    folder.mkdir(parents=True)
    (folder / "helpers.py").write_text("")
    script = folder / "main.py"
    script.write_text(
        "import json, os.path\nfrom pyspark.sql import functions\nimport boto3\nfrom awsglue.context import X\n"
        "from glue_runtime import job_context\nfrom own_job import helpers\nimport helpers as h2\n"
        "from . import helpers as h3\n"
    )
    imports.check_declared("own_job", [script], folder, set())
    script.write_text(script.read_text() + "import requests\n")
    with pytest.raises(UserError, match=r"main\.py:9: imports requests"):
        imports.check_declared("own_job", [script], folder, set())


def test_a_cache_entry_finished_by_another_process_is_kept_not_clobbered(tmp_path):
    """Two test workers (or terminals) fill one wheel-cache entry at once: the second to finish keeps the first's."""
    from glue_release.artifacts.dependencies.wheels import publish

    final = tmp_path / "cp311" / "key"
    first, second = tmp_path / "cp311" / "key.partial-1", tmp_path / "cp311" / "key.partial-2"
    for partial, text in ((first, "first"), (second, "second")):
        partial.mkdir(parents=True)
        (partial / "resolved.json").write_text(text)
    publish(first, final, "resolved.json")
    publish(second, final, "resolved.json")  # raised FileNotFoundError/OSError before (one shared .partial)
    assert (final / "resolved.json").read_text() == "first"
    assert not first.exists() and not second.exists()
