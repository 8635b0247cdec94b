"""Job bookmarks for awsglue-style jobs, through run-local; and no silent ``bookmarks: true``.

Semantics: "Tracking processed data using job bookmarks"
(https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html).
"""

from __future__ import annotations

import shutil

import pytest

from glue_release import scaffold
from glue_release.artifacts import packaging
from glue_release.declarations import load_job
from glue_release.errors import UserError
from glue_release.runs import local_run


@pytest.mark.slow
def test_second_run_reads_only_the_new_file_and_disabled_reads_everything(tmp_path):
    folder = scaffold.new_job("bm_orders", tmp_path / "jobs", style="glue")
    job = load_job(folder)
    inbox = tmp_path / "inbox"
    shutil.copytree(folder / "sample" / "input", inbox)  # 3 rows, 2 with quantity >= 1
    bookmarks = tmp_path / "bookmarks"

    def run(**extra: str) -> int | None:
        result = local_run.run_local(
            job, {"input_path": str(inbox), **extra}, tmp_path / "out", echo=False, bookmarks_dir=bookmarks
        )
        assert result.returncode == 0, "\n".join(result.log[-30:])
        return result.rows["output_path"]

    assert run() == 2
    (inbox / "part-0002.csv").write_text("id,item,quantity\n4,fig,1\n5,kiwi,9\n6,lime,7\n")
    assert run() == 3  # only the new file
    assert not run()  # nothing new: no rows written
    assert run(**{"job-bookmark-option": "job-bookmark-disable"}) == 5  # everything


def test_bookmarks_true_is_refused_for_a_job_without_a_bookmarked_source(tmp_path):
    folder = scaffold.new_job("plain_job", tmp_path, tidy=False)  # glue_runtime style: spark.read
    text = (folder / "job.yaml").read_text()
    (folder / "job.yaml").write_text(text + "bookmarks: true\n")
    job = load_job(folder)
    with pytest.raises(UserError, match=r"plain_job/job.yaml: field 'bookmarks': true, but nothing in the job reads"):
        local_run.run_local(job, {}, tmp_path / "out")
    with pytest.raises(UserError, match="field 'bookmarks'"):
        packaging.package({job.name: job}, tmp_path / "build")
    assert not (tmp_path / "build" / "manifest.json").exists()
    glue_job = load_job(scaffold.new_job("glue_job", tmp_path, tidy=False, style="glue"))
    packaging.package({glue_job.name: glue_job}, tmp_path / "build")  # a bookmarked source: accepted
