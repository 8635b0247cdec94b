"""Rules across jobs, checked before anything is built: references, cycles, overlapping data, sizes.

A job that reads what another job writes runs after it (the smoke schedule and,
on AWS, the data itself depend on that order), so those reads are edges of the
same graph as ``depends_on``; a loop in either is refused here rather than at
smoke time, after an apply.
"""

from __future__ import annotations

import itertools

from glue_release.declarations.job import JobDeclaration, Location, field_error, shown
from glue_release.errors import UserError

# "Job arguments have a maximum size limit of 260KB" (Glue developer guide, "Using job parameters").
# Counted as Glue receives them: "--name" and value, every argument of the job as deployed.
MAX_ARGUMENTS_BYTES = 260 * 1024
# The platform's own arguments (paths of artifacts, log prefix, ...) take some of it; kept free.
PLATFORM_ARGUMENTS_RESERVE = 8 * 1024


def check_jobs(jobs: dict[str, JobDeclaration], environments: list[str]) -> None:
    """Every cross-job rule; the first broken one is a ``UserError`` naming the file and field."""
    for job in jobs.values():
        for upstream in job.depends_on:
            if upstream not in jobs:
                raise field_error(
                    job, "depends_on", f"unknown job {upstream!r}; known jobs: {', '.join(jobs) or '(none)'}"
                )
    check_outputs_apart(jobs)
    check_acyclic(jobs)
    for job in jobs.values():
        for env in environments:
            check_argument_size(job.for_env(env))


def nested(a: Location, b: Location) -> bool:
    """Whether two locations share objects: same bucket, and one folder is (inside) the other."""
    return a.bucket == b.bucket and (a.prefix.startswith(b.prefix) or b.prefix.startswith(a.prefix))


def check_outputs_apart(jobs: dict[str, JobDeclaration]) -> None:
    """No two outputs (of one job or two) share a folder: each is overwritten whole by its writer."""
    outputs = [(job, arg, loc) for job in jobs.values() for arg, loc in job.outputs.items()]
    for i, (job, arg, loc) in enumerate(outputs):
        for other, other_arg, other_loc in outputs[i + 1 :]:
            if nested(loc, other_loc):
                how = "is the same folder as" if loc.prefix == other_loc.prefix else "overlaps"
                raise field_error(
                    other,
                    f"outputs.{other_arg}.prefix",
                    f"{other_loc.bucket}/{other_loc.prefix} {how} {loc.bucket}/{loc.prefix}, "
                    f"output {arg} of {job.name} ({shown(job.declaration_file)}); give each output its own folder",
                )


def data_edges(jobs: dict[str, JobDeclaration]) -> dict[str, dict[str, str]]:
    """job -> {upstream job: why}: declared ``depends_on``, and reads of another job's output."""
    edges: dict[str, dict[str, str]] = {name: {} for name in jobs}
    for job in jobs.values():
        for upstream in job.depends_on:
            edges[job.name].setdefault(upstream, "depends_on")
        for arg, loc in job.inputs.items():
            for writer in jobs.values():
                if writer.name == job.name:
                    continue
                for out_arg, out in writer.outputs.items():
                    if nested(loc, out):
                        edges[job.name].setdefault(
                            writer.name, f"input {arg} reads {out.bucket}/{out.prefix} ({writer.name}.{out_arg})"
                        )
    return edges


def check_acyclic(jobs: dict[str, JobDeclaration]) -> None:
    edges = data_edges(jobs)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for upstream in sorted(edges[name]):
            if state.get(upstream) == 1:
                loop = [*path[path.index(upstream) :], upstream]
                steps = "; ".join(f"{a} waits for {b} ({edges[a][b]})" for a, b in itertools.pairwise(loop))
                field = "depends_on" if edges[name][upstream] == "depends_on" else "inputs"
                raise field_error(
                    jobs[name], field, f"cycle {' -> '.join(loop)}: {steps}; jobs must form a chain, not a loop"
                )
            if state.get(upstream) is None:
                visit(upstream)
        path.pop()
        state[name] = 2

    for name in sorted(jobs):
        if name not in state:
            visit(name)


def check_argument_size(job: JobDeclaration) -> None:
    size = sum(len(f"--{k}".encode()) + len(v.encode()) for k, v in job.arguments.items())
    limit = MAX_ARGUMENTS_BYTES - PLATFORM_ARGUMENTS_RESERVE
    if size > limit:
        where = f"environments.{job.environment}.arguments" if job.environment in job.environments else "arguments"
        raise field_error(
            job,
            where,
            f"{size} bytes of arguments in {job.environment}; Glue takes at most 260 KB per job, "
            f"{limit // 1024} KB after the platform's own; pass large values as an S3 file instead",
        )


def dependency_order(jobs: dict[str, JobDeclaration]) -> list[list[str]]:
    """Jobs in waves: each wave depends only on earlier waves, so a wave can run in parallel."""
    remaining = dict(jobs)
    done: set[str] = set()
    waves: list[list[str]] = []
    while remaining:
        wave = sorted(n for n, j in remaining.items() if all(d in done or d not in jobs for d in j.depends_on))
        if not wave:  # unreachable after load_jobs, which rejects cycles
            raise UserError(f"job dependencies form a cycle among {', '.join(sorted(remaining))}")
        waves.append(wave)
        done.update(wave)
        for n in wave:
            del remaining[n]
    return waves


def select_job(jobs: dict[str, JobDeclaration], name: str) -> JobDeclaration:
    if name not in jobs:
        raise UserError(f"unknown job {name!r}; known jobs: {', '.join(jobs) or '(none)'}")
    return jobs[name]
