"""``./dev new-job``: the new job has what a typical job needs, and deploys green as scaffolded."""

from __future__ import annotations

import pytest

from glue_release import declarations, scaffold
from glue_release.runs import local_run
from glue_release.smoke.checks import OutputFacts, check_outputs
from glue_release.smoke.spec import parse_smoke


def test_scaffold_declares_a_meaningful_smoke_section(tmp_path):
    folder = scaffold.new_job("widget_counts", tmp_path, tidy=False)
    spec = parse_smoke(declarations.load_jobs(tmp_path)["widget_counts"])
    output, rejects = spec.checks["output_path"], spec.checks["rejects_path"]
    assert output.min_rows and output.max_rows and output.columns["quantity"] == "int"
    assert rejects.min_rows == 1 and rejects.columns["reject_reason"] == "string"
    assert rejects.max_ratio_of == ("input_path", 0.5)
    assert spec.check_module == (folder / "smoke_check.py").resolve()
    main = (folder / "main.py").read_text()
    assert "report_rejects(ctx, split.rejected" in main and 'args["rejects_path"]' in main


@pytest.mark.slow
def test_scaffolded_job_passes_its_smoke_checks_unedited(tmp_path, spark):
    """Run the new job's script as a local smoke run does, then apply its own smoke checks."""
    scaffold.new_job("widget_counts", tmp_path / "jobs")
    job = declarations.load_jobs(tmp_path / "jobs")["widget_counts"]
    spec = parse_smoke(job)
    args = local_run.job_arguments(job, tmp_path / "out", {})
    outputs = {name: tmp_path / "out" / name for name in job.outputs}
    run = local_run.run_script(job.script, job.name, args, outputs, [tmp_path / "jobs"], echo=False, timeout_s=900)
    assert run.returncode == 0, "\n".join(run.log[-30:])
    assert run.rows == {"output_path": 2, "rejects_path": 1}
    assert "rejected rows by reason: {'bad_quantity': 1}" in run.log
    facts = {
        name: OutputFacts(uri=f"s3://b/_smoke/{name}/", folder=folder, has_data=True)
        for name, folder in outputs.items()
    }
    result = check_outputs(spec, facts)
    assert result.ok, result.problems
    assert result.passed == result.total == 12  # 2 has-data, 4 bounds, 5 columns, the check module


@pytest.mark.slow
def test_glue_style_scaffold_passes_its_smoke_checks_unedited(tmp_path):
    """`new-job --style glue`: the awsglue script on its sample writes what its own smoke section asks."""
    scaffold.new_job("widget_feed", tmp_path / "jobs", style="glue")
    job = declarations.load_jobs(tmp_path / "jobs")["widget_feed"]
    spec = parse_smoke(job)
    assert spec.checks["output_path"].columns == {"id": "bigint", "item": "string", "quantity": "int"}
    run = local_run.run_local(job, {}, tmp_path / "out", echo=False, bookmarks_dir=tmp_path / "bookmarks")
    assert run.returncode == 0, "\n".join(run.log[-30:])
    assert run.rows == {"output_path": 2}  # 3 sample rows, one with quantity 0
    facts = {
        name: OutputFacts(uri=f"s3://b/_smoke/{name}/", folder=folder, has_data=True)
        for name, folder in run.outputs.items()
    }
    result = check_outputs(spec, facts)
    assert result.ok, result.problems
    assert result.passed == result.total == 7  # has data, 2 bounds, 3 columns, the check module
