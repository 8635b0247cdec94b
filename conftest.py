"""One SparkSession for the whole test run, sized for small data; tests never start their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyspark.sql import SparkSession

from glue_release.spark import local_session


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    session = local_session("unit-tests")
    yield session
    session.stop()
