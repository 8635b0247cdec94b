"""Which jobs a smoke run runs, in what order, how many at once.

A job waits for the jobs of this run it depends on: its declared ``depends_on``
and any job writing a location it reads (it reads that job's smoke output
instead of a sample). It starts as soon as those are done, not when a whole
wave is: the waves of ``declarations.dependency_order`` give the start order.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from glue_release.declarations import JobDeclaration, dependency_order
from glue_release.errors import UserError
from glue_release.smoke.report import SKIPPED, JobResult

# A local job is one JVM (Spark's default 1 GiB driver heap, plus metaspace and
# the Python worker): 1.5 GiB each keeps the machine out of swap.
LOCAL_JOB_MEMORY = int(1.5 * 2**30)


@dataclass(frozen=True)
class Planned:
    job: JobDeclaration
    upstream: frozenset[str]  # jobs of this run that must succeed first
    staged: dict[str, Path] = field(default_factory=dict)  # input argument -> sample to stage
    produced: dict[str, str] = field(default_factory=dict)  # input argument -> job of this run that writes it


def plan(jobs: dict[str, JobDeclaration], samples: dict[str, dict[str, Path]]) -> list[Planned]:
    """The run's jobs in start order; ``samples`` is each job's input -> sample from its smoke spec."""
    writers: dict[tuple[str, str], str] = {}
    for name, job in jobs.items():
        for location in job.outputs.values():
            writers[(location.bucket, location.prefix)] = name
    planned: dict[str, Planned] = {}
    for name, job in jobs.items():
        produced: dict[str, str] = {}
        staged: dict[str, Path] = {}
        for arg, location in job.inputs.items():
            writer = writers.get((location.bucket, location.prefix))
            if writer is not None and writer != name:
                produced[arg] = writer
            elif arg in samples.get(name, {}):
                staged[arg] = samples[name][arg]
            else:
                raise UserError(
                    f"{name}: input {arg} has no sample for the smoke run; add `sample:` to it in job.yaml "
                    f"or smoke.inputs.{arg}.sample, or run it together with the job that writes {location.prefix}"
                )
        upstream = frozenset(d for d in job.depends_on if d in jobs) | frozenset(produced.values())
        planned[name] = Planned(job=job, upstream=upstream, staged=staged, produced=produced)
    # dependency_order sees the run's own edges (writers included) and rejects cycles among them.
    graph = {n: dataclasses.replace(p.job, depends_on=tuple(sorted(p.upstream))) for n, p in planned.items()}
    return [planned[name] for wave in dependency_order(graph) for name in wave]


def default_local_parallel(cpus: int | None = None, available_bytes: int | None = None) -> int:
    """Local Spark processes at once: one per core, as long as each gets ~1.5 GiB of free memory.

    A JVM without a core of its own only adds contention (JIT, GC and tasks of
    several JVMs time-sharing one core finish no sooner), and one without memory
    pushes the machine into swap. Two cores and 24 GiB give 2.
    """
    cpus = cpus or len(os.sched_getaffinity(0))
    available_bytes = available_bytes if available_bytes is not None else _available_memory()
    return max(1, min(cpus, available_bytes // LOCAL_JOB_MEMORY))


def _available_memory() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 4 * LOCAL_JOB_MEMORY  # not Linux: let the core count decide


def execute(
    order: list[Planned],
    run_one: Callable[[Planned], JobResult],
    skipped: Callable[[Planned, list[str]], JobResult],
    parallel: int,
    cancel: threading.Event,
) -> list[JobResult]:
    """Run each job once its upstream jobs succeeded, at most ``parallel`` at a time; results in start order."""
    results: dict[str, JobResult] = {}
    pending = list(order)
    running: dict[Future[JobResult], str] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="smoke")
    try:
        while pending or running:
            for item in list(pending):
                failed = sorted(u for u in item.upstream if u in results and not results[u].ok)
                if failed or cancel.is_set():
                    results[item.job.name] = skipped(item, failed)
                    pending.remove(item)
            for item in list(pending):
                if len(running) >= parallel:
                    break
                if all(u in results for u in item.upstream):
                    running[pool.submit(run_one, item)] = item.job.name
                    pending.remove(item)
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                results[running.pop(future)] = future.result()
    except BaseException:
        # Ctrl-C: runners see the event, stop what they started, and return.
        cancel.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [results.get(item.job.name) or JobResult(item.job.name, "", state=SKIPPED) for item in order]
