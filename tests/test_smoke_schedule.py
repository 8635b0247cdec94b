"""The smoke schedule's skip and cancel paths: a failed upstream skips its dependants, Ctrl-C skips the rest.

``execute`` only needs each planned job's name and upstream set, so the jobs here are
stand-ins and the runners are plain functions: no Spark, no emulator.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from glue_release.smoke import schedule
from glue_release.smoke.report import SKIPPED, SUCCEEDED, JobResult
from glue_release.smoke.schedule import Planned, execute


def planned(name: str, *upstream: str) -> Planned:
    return Planned(job=SimpleNamespace(name=name), upstream=frozenset(upstream))  # type: ignore[arg-type]


def skipped(item: Planned, failed: list[str]) -> JobResult:
    error = f"upstream failed: {', '.join(failed)}" if failed else None
    return JobResult(item.job.name, "", state=SKIPPED, error=error)


def test_a_failed_upstream_skips_its_dependants_and_only_them():
    order = [planned("a"), planned("b"), planned("c", "a"), planned("d", "c"), planned("e", "b")]
    ran: list[str] = []

    def run_one(item: Planned) -> JobResult:
        ran.append(item.job.name)
        return JobResult(item.job.name, "", state="FAILED" if item.job.name == "a" else SUCCEEDED)

    results = {r.job: r for r in execute(order, run_one, skipped, parallel=2, cancel=threading.Event())}
    assert sorted(ran) == ["a", "b", "e"]
    assert (results["c"].state, results["c"].error) == (SKIPPED, "upstream failed: a")
    assert results["d"].state == SKIPPED  # skipped because c never succeeded
    assert results["e"].state == SUCCEEDED


def test_cancel_skips_every_job_not_yet_started_and_lets_running_ones_return():
    cancel = threading.Event()
    # Independent jobs, one at a time: only the cancel can keep the second and third from starting.
    order = [planned("first"), planned("second"), planned("third")]
    ran: list[str] = []

    def run_one(item: Planned) -> JobResult:
        ran.append(item.job.name)
        cancel.set()  # Ctrl-C arrives while the first job runs
        return JobResult(item.job.name, "", state="STOPPED")

    results = execute(order, run_one, skipped, parallel=1, cancel=cancel)
    assert ran == ["first"]
    assert [(r.job, r.state) for r in results] == [("first", "STOPPED"), ("second", SKIPPED), ("third", SKIPPED)]


def test_an_interrupt_in_the_scheduler_sets_cancel_for_the_runners_and_propagates(monkeypatch):
    cancel = threading.Event()
    started = threading.Event()
    seen_cancel: list[bool] = []

    def run_one(item: Planned) -> JobResult:
        started.set()
        seen_cancel.append(cancel.wait(timeout=10))  # a runner polls the event and stops its job
        return JobResult(item.job.name, "", state="STOPPED")

    def interrupted_wait(*args, **kwargs):  # Ctrl-C lands while the scheduler waits for a job
        started.wait(timeout=10)
        raise KeyboardInterrupt

    monkeypatch.setattr(schedule, "wait", interrupted_wait)
    with pytest.raises(KeyboardInterrupt):
        execute([planned("only")], run_one, skipped, parallel=1, cancel=cancel)
    assert cancel.is_set() and seen_cancel == [True]
