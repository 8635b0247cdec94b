"""One SparkSession for the whole test run, sized for small data; tests never start their own."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from glue_release.runs.spark import local_session


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    session = local_session("unit-tests")
    yield session
    session.stop()


def pytest_configure(config: pytest.Config) -> None:
    """Job tests import what their job declares in python_modules: the same wheels local runs use."""
    jobs = Path(__file__).resolve().parent / "jobs"
    declared = [p.parent for p in jobs.glob("*/job.yaml") if "python_modules:" in p.read_text()]
    if not declared:  # the common case costs no declaration parsing
        return
    from glue_release.declarations import load_job
    from glue_release.runs.local_run import python_modules_path

    for folder in declared:
        sys.path[:0] = [str(p) for p in python_modules_path(load_job(folder))]
