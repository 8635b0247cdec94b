"""Fixtures shared by the tests that talk to the local AWS emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from glue_release.emulator import Emulator, free_port


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """moto's server over TLS on a free port, for the whole run; its own certificate and log."""
    server = Emulator(port=free_port(), state_dir=Path(tmp_path_factory.mktemp("emulator")))
    server.up()
    yield server
    server.down()
