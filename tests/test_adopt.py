"""``invoke adopt`` against the emulator, then real Terraform: two console-made jobs are taken over, not copied.

Two Glue jobs are made with boto3 as a console user would (one scheduled, one
started after it by a conditional trigger), adopted into an empty jobs folder,
and deployed: the plan imports both jobs and destroys nothing; after the apply,
a new plan is empty. Here a chain runs as a Glue workflow (start trigger plus
conditional triggers inside it), and a trigger cannot move into a workflow in
place, so the account's two old triggers are not imported: adopt says to delete
them after the first deploy, and Terraform leaves them alone.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from glue_release import aws, commands, declarations, release
from glue_release.emulator.control import free_port
from glue_release.errors import UserError
from glue_release.settings import Settings

SCRIPT_A = b"# legacy extract, made in the console\nimport sys\n\nprint('extract', sys.argv[1:])\n"
SCRIPT_B = b"# legacy load\r\nprint('load')\r\n"  # CRLF: the bytes must come back unchanged


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return {
        "emulator": {"port": free_port()},
        "provider_mirror": os.environ.get("INVOKE_PROVIDER_MIRROR"),
        "build_root": str(tmp_path_factory.mktemp("build")),
    }


@pytest.fixture(scope="module")
def settings(config: dict):
    settings = commands.settings_for("local", config)
    assert settings.emulator is not None
    settings.emulator.up()
    yield settings
    settings.emulator.down()


@pytest.fixture(scope="module")
def console_jobs(settings: Settings) -> None:
    s3 = aws.client(settings, "s3")
    s3.create_bucket(Bucket="legacy-scripts")
    s3.put_object(Bucket="legacy-scripts", Key="extract.py", Body=SCRIPT_A)
    s3.put_object(Bucket="legacy-scripts", Key="load.py", Body=SCRIPT_B)
    glue = aws.client(settings, "glue")
    common = {"Role": "arn:aws:iam::123456789012:role/legacy-etl", "GlueVersion": "4.0", "WorkerType": "G.1X"}
    glue.create_job(
        Name="legacy-extract",
        Description="Nightly extract",
        Command={"Name": "glueetl", "ScriptLocation": "s3://legacy-scripts/extract.py", "PythonVersion": "3"},
        DefaultArguments={"--source_table": "orders", "--enable-metrics": "true", "--TempDir": "s3://legacy-tmp/"},
        NumberOfWorkers=3,
        Timeout=45,
        **common,
    )
    glue.create_job(
        Name="legacy-load",
        Command={"Name": "glueetl", "ScriptLocation": "s3://legacy-scripts/load.py", "PythonVersion": "3"},
        NumberOfWorkers=2,
        **common,
    )
    glue.create_trigger(
        Name="legacy-extract-nightly",
        Type="SCHEDULED",
        Schedule="cron(0 2 * * ? *)",
        Actions=[{"JobName": "legacy-extract"}],
        StartOnCreation=True,
    )
    glue.create_trigger(
        Name="legacy-load-after-extract",
        Type="CONDITIONAL",
        Predicate={
            "Logical": "AND",
            "Conditions": [{"LogicalOperator": "EQUALS", "JobName": "legacy-extract", "State": "SUCCEEDED"}],
        },
        Actions=[{"JobName": "legacy-load"}],
        StartOnCreation=True,
    )


@pytest.fixture(scope="module")
def jobs_dir(tmp_path_factory: pytest.TempPathFactory, config: dict, console_jobs: None) -> Path:
    folder = tmp_path_factory.mktemp("repo") / "jobs"
    folder.mkdir()
    commands.adopt("local", config, [], True, jobs_dir=folder)
    return folder


pytestmark = [pytest.mark.emulator]


def test_adopt_writes_a_valid_declaration_the_unmodified_script_and_an_empty_sample_folder(jobs_dir):
    jobs = declarations.load_jobs(jobs_dir)
    assert set(jobs) == {"legacy_extract", "legacy_load"}
    extract, load = jobs["legacy_extract"], jobs["legacy_load"]
    assert (extract.script.read_bytes(), load.script.read_bytes()) == (SCRIPT_A, SCRIPT_B)
    assert (extract.worker_type, extract.number_of_workers, extract.timeout_minutes) == ("G.1X", 3, 45)
    assert extract.schedule == "cron(0 2 * * ? *)" and extract.arguments == {"source_table": "orders"}
    assert load.depends_on == ("legacy_extract",) and load.schedule is None
    # Chained: neither old trigger is imported (see the module docstring); both are named for deletion.
    assert extract.adopted == declarations.job.Adoption("local", "legacy-extract", None, None)
    assert load.adopted == declarations.job.Adoption("local", "legacy-load", None, None)
    assert [p.name for p in (extract.folder / "sample").iterdir()] == ["README.md"]
    text = (extract.folder / "job.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert "# Not mapped: role arn:aws:iam::123456789012:role/legacy-etl" in text
    assert "# Not mapped: glue_version 4.0" in text and "# Not mapped: --TempDir" in text
    assert "aws glue delete-trigger --name legacy-extract-nightly" in text
    assert "aws glue delete-trigger --name legacy-load-after-extract" in (load.folder / "job.yaml").read_text()


def test_the_next_plan_imports_both_jobs_and_destroys_nothing_then_the_plan_is_empty(jobs_dir, config, settings):
    run = commands.deploy("local", config, skip_tests=True, smoke=False, jobs_dir=jobs_dir)
    assert all(status in ("ok", "skipped") for _, status, _, _ in run.results), run.summary()
    plan = json.loads((settings.build_dir / "plan.json").read_text())
    imported = {rc["address"] for rc in plan["resource_changes"] if (rc["change"].get("importing") or {}).get("id")}
    assert imported == {
        'module.glue_job["legacy_extract"].aws_glue_job.this',
        'module.glue_job["legacy_load"].aws_glue_job.this',
    }
    destroyed = [rc["address"] for rc in plan["resource_changes"] if "delete" in rc["change"]["actions"]]
    assert destroyed == []
    summary = (settings.build_dir / "plan.md").read_text()
    assert "**2 to import," in summary and "0 to destroy, 0 to replace" in summary
    glue = aws.client(settings, "glue")
    assert {j["Name"] for j in glue.get_jobs()["Jobs"]} == {"legacy-extract", "legacy-load"}
    # The chain now starts from its workflow; the old triggers are untouched until the user deletes them.
    triggers = {t["Name"]: t for t in glue.get_triggers()["Triggers"]}
    assert {"legacy-extract-nightly", "legacy-load-after-extract"} <= set(triggers)
    assert "WorkflowName" not in triggers["legacy-load-after-extract"]
    chain = f"{settings.name_prefix}-legacy_extract-chain"
    assert triggers[f"{chain}-start"]["WorkflowName"] == chain
    assert triggers[f"{chain}-start"]["Actions"] == [{"JobName": "legacy-extract"}]

    manifest = release.package_env(settings, declarations.load_jobs(jobs_dir))
    again = release.plan_env(settings, manifest)
    assert not again.changed, again.summary_file.read_text()


def test_adopting_again_converges(jobs_dir, config, capsys):
    commands.adopt("local", config, ["legacy-extract"], False, jobs_dir=jobs_dir)
    printed = capsys.readouterr().out
    assert "legacy-extract" in printed and "(already adopted)" in printed
    with pytest.raises(UserError, match=r"no Glue job 'nope' in local; jobs there: legacy-extract, legacy-load"):
        commands.adopt("local", config, ["nope"], False, jobs_dir=jobs_dir)
