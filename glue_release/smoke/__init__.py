"""Smoke runs: run the deployed jobs on sample data under ``_smoke/`` and prove they wrote what they should.

On AWS the deployed Glue jobs run; on ``local`` the emulator only records runs,
so the deployed artifacts are executed with local Spark. See ``run.run_smoke``
and, for the ``smoke:`` section of ``job.yaml``, ``spec``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glue_release.smoke.report import JobResult, SmokeReport
from glue_release.smoke.spec import OutputCheck, SmokeSpec, parse_smoke

if TYPE_CHECKING:
    from glue_release.smoke.run import run_smoke

__all__ = ["JobResult", "OutputCheck", "SmokeReport", "SmokeSpec", "parse_smoke", "run_smoke"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the declaration loader needs parse_smoke, not boto3 and PySpark.
    if name == "run_smoke":
        from glue_release.smoke.run import run_smoke

        return run_smoke
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
