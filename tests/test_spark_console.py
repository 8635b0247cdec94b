"""A local Spark start says nothing: no shell banner, no laptop warnings (glue_release/runs/log4j2.properties).

Smoke runs and run-local print one line per stage; Spark's start-up chatter would land in
between. It goes to the JVM's stderr, so only a separate process shows it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from glue_release.paths import REPO_ROOT

pytestmark = pytest.mark.slow


def test_a_local_session_starts_without_a_banner_or_warnings():
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "from glue_release.runs.spark import local_session; local_session('quiet').range(1).count()",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "Setting default log level" not in started.stderr, started.stderr
    assert " WARN " not in started.stderr, started.stderr
