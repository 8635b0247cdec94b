"""The progress line that stands in for Terraform's output."""

from __future__ import annotations

import io

from glue_release.terraform.console import Progress, planned_total, tail

APPLY = """\
module.a.aws_s3_bucket.this: Creating...
module.a.data.aws_iam_policy_document.this: Reading...
module.a.data.aws_iam_policy_document.this: Read complete after 0s [id=1]
module.a.aws_s3_bucket.this: Creation complete after 1s [id=a]
module.b.aws_glue_job.this: Modifying... [id=b]
module.b.aws_glue_job.this: Modifications complete after 0s [id=b]
module.c.aws_iam_role.this: Destroying... [id=c]
module.c.aws_iam_role.this: Destruction complete after 0s
Apply complete! Resources: 1 added, 1 changed, 1 destroyed.
"""


def test_ci_progress_counts_resources_not_reads_and_prints_plain_lines():
    out = io.StringIO()
    progress = Progress("terraform apply", total=3, out=out, tty=False, interval_s=0)
    for line in APPLY.splitlines(keepends=True):
        progress.feed(line)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "    terraform apply: 3/3 resources done, destroying module.c.aws_iam_role.this"
    assert not any("\r" in line for line in lines)
    assert all("Reading" not in line for line in lines)


def test_ci_progress_is_throttled():
    out = io.StringIO()
    progress = Progress("terraform apply", total=3, out=out, tty=False, interval_s=3600)
    for line in APPLY.splitlines(keepends=True):
        progress.feed(line)
    assert len(out.getvalue().splitlines()) == 1


def test_terminal_progress_redraws_one_line_and_clears_it():
    out = io.StringIO()
    progress = Progress("terraform apply", total=3, out=out, tty=True)
    for line in APPLY.splitlines(keepends=True):
        progress.feed(line)
    progress.close()
    assert "\n" not in out.getvalue() and out.getvalue().endswith("\r")


def test_the_total_comes_from_the_plan_line():
    assert planned_total("x\nPlan: 25 to add, 2 to change, 1 to destroy.\n") == 28
    assert planned_total("No changes.") is None


def test_tail_keeps_the_last_lines(tmp_path):
    log = tmp_path / "apply.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    assert tail(log, 3) == "line 97\nline 98\nline 99"
