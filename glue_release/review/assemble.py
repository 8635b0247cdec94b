"""Builds the review of one saved plan: IAM rows, provenance, cost, and the gate's verdict."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from glue_release.paths import ENVIRONMENTS_DIR, REPO_ROOT
from glue_release.review import cost, gate, iam, provenance
from glue_release.review.plan_summary import Review, changes, dangerous, job_code_changes


def sensitive_names(env: str, state_bucket: str, environments_dir: Path = ENVIRONMENTS_DIR) -> dict[str, str]:
    """Names a job role must never reach: the state bucket and every other environment's name prefix."""
    from glue_release.settings import read_tfvars

    names = {"the state bucket": state_bucket}
    for tfvars in sorted(environments_dir.glob("*.tfvars")):
        other = tfvars.name.removesuffix(".tfvars")
        prefix = read_tfvars(tfvars).get("name_prefix")
        if other != env and prefix:
            names[f"environment {other}"] = prefix
    return names


def _job_changes(plan: dict[str, Any]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Glue job definitions before and after, by the job's declared name (the ``glue_job`` module key)."""
    out = {}
    for c in changes(plan):
        if c.type == "aws_glue_job" and c.action not in ("no-op", "read"):
            key = c.address.split('["', 1)[1].split('"]', 1)[0] if '["' in c.address else c.address
            out[key] = (c.before, c.after if c.action != "delete" else {})
    return out


def costs(plan: dict[str, Any], jobs: Mapping[str, Any], region: str) -> list[cost.JobCost]:
    runs = cost.job_runs(jobs)
    out = []
    for name, (before, after) in sorted(_job_changes(plan).items()):
        declared = jobs.get(name)
        minutes = getattr(declared, "expected_minutes", None)
        job_runs = runs.get(name, 0.0)
        basis = f"{job_runs:g} runs/month × " + (
            f"{minutes:g} min expected" if minutes is not None else "≤ timeout (no expected_minutes declared)"
        )
        if job_runs == 0:
            basis = "on demand: no schedule or upstream, so no runs counted"
        out.append(
            cost.JobCost(
                name,
                cost.monthly(before, job_runs, minutes, region),
                cost.monthly(after, job_runs, minutes, region),
                basis,
            )
        )
    return out


def review(
    plan: dict[str, Any],
    *,
    env: str,
    region: str,
    state_bucket: str,
    jobs: Mapping[str, Any],
    new_commit: str,
    s3: Any,
    allow: Iterable[str] = (),
    repo: Path = REPO_ROOT,
) -> Review:
    policies = iam.policy_changes(plan, sensitive_names(env, state_bucket))
    changed_jobs = {}
    job_defs = _job_changes(plan)
    for job, *_ in job_code_changes(plan):
        key = next((k for k, (b, a) in job_defs.items() if job in (b.get("name"), a.get("name"))), job)
        before = job_defs.get(key, ({}, {}))[0]
        changed_jobs[key] = ((before.get("command") or [{}])[0]).get("script_location")
    allow = list(allow)
    blocking, accepted = gate.split(gate.findings(dangerous(plan), policies), allow)
    return Review(
        policies=policies,
        provenance=provenance.job_provenance(s3, changed_jobs, new_commit, repo) if s3 is not None else [],
        costs=costs(plan, jobs, region),
        blocking=blocking,
        accepted=accepted,
        unmatched_allow=gate.unmatched(accepted, allow),
    )
