"""``invoke adopt``'s mapping of a Glue job onto a declaration, and the smoke guard for adopted jobs: no AWS."""

from __future__ import annotations

import pytest
import yaml

from glue_release import adopt, declarations
from glue_release.adopt.mapping import folder_name, map_job
from glue_release.errors import UserError
from glue_release.smoke import run_smoke
from glue_release.smoke.emulator_deploy import emulator_settings


def test_folder_names_are_python_package_names():
    assert folder_name("Legacy-Extract v2") == "legacy_extract_v2"
    assert folder_name("2024-load") == "job_2024_load"


def test_unusual_definitions_are_listed_not_dropped():
    job = {
        "Name": "odd",
        "Command": {"Name": "pythonshell", "ScriptLocation": "s3://b/k.py"},
        "MaxCapacity": 10.0,
        "Connections": {"Connections": ["vpc-db"]},
        "DefaultArguments": {"--Mixed-Case": "x", "--extra-py-files": "s3://b/lib.zip"},
    }
    mapped = map_job(job, [], "prod", {})
    notes = " | ".join(mapped.unmapped)
    for expected in ("connections vpc-db", "command pythonshell", "--Mixed-Case", "--extra-py-files", "MaxCapacity"):
        assert expected in notes, notes
    assert yaml.safe_load(yaml.safe_dump(mapped.declaration))["adopted"] == {"environment": "prod", "job_name": "odd"}
    assert adopt.summary([]) == ""


def test_a_trigger_after_a_job_outside_the_repository_is_listed_not_guessed():
    trigger = {
        "Name": "after-other",
        "Type": "CONDITIONAL",
        "Predicate": {"Conditions": [{"JobName": "elsewhere", "State": "SUCCEEDED", "LogicalOperator": "EQUALS"}]},
        "Actions": [{"JobName": "mine"}],
    }
    mapped = map_job({"Name": "mine", "Command": {"ScriptLocation": "s3://b/k.py"}}, [trigger], "dev", {})
    assert "depends_on" not in mapped.declaration
    assert "upstream jobs not in the repository: elsewhere" in " ".join(mapped.unmapped)


def test_smoke_refuses_an_adopted_job_whose_paths_are_still_plain_arguments(tmp_path):
    folder = tmp_path / "jobs" / "legacy_job"
    folder.mkdir(parents=True)
    (folder / "main.py").write_text("")
    (folder / "job.yaml").write_text(
        "description: x\narguments: {target: 's3://real-bucket/out/'}\n"
        "adopted: {environment: local, job_name: legacy-job}\n"
    )
    jobs = declarations.load_jobs(tmp_path / "jobs", ["local"])
    with pytest.raises(UserError, match=r"legacy_job: adopted, and its S3 paths are still plain arguments"):
        run_smoke(emulator_settings(tmp_path, 1), jobs)


def test_a_lone_scheduled_job_keeps_its_trigger_but_a_chain_names_its_old_triggers_for_deletion():
    job = {"Name": "extract", "Command": {"ScriptLocation": "s3://b/k.py"}}
    nightly = {
        "Name": "nightly",
        "Type": "SCHEDULED",
        "Schedule": "cron(0 2 * * ? *)",
        "Actions": [{"JobName": "extract"}],
    }
    alone = map_job(job, [nightly], "dev", {"extract": "extract"})
    assert alone.declaration["adopted"]["schedule_trigger"] == "nightly"  # imported into the job's own trigger
    chained = map_job(job, [nightly], "dev", {"extract": "extract"}, chained=True)
    assert "schedule_trigger" not in chained.declaration["adopted"]
    assert chained.declaration["schedule"] == "cron(0 2 * * ? *)"  # the workflow's start trigger takes it
    assert any("aws glue delete-trigger --name nightly" in note for note in chained.unmapped), chained.unmapped
