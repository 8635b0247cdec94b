"""Fixtures shared by the tests that talk to the local AWS emulator."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from glue_release.emulator.control import Emulator, free_port


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """moto's server over TLS on a free port, for the whole run; its own certificate and log."""
    server = Emulator(port=free_port(), state_dir=Path(tmp_path_factory.mktemp("emulator")))
    server.up()
    yield server
    server.down()


@pytest.fixture(scope="module")
def module_emulator_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Local settings with a build folder, emulator (state and port) and smoke cache of the test module's own.

    For modules that deploy with boto3 (``smoke.emulator_deploy``) instead of sharing ``local_deployment``.
    """
    from glue_release.smoke.emulator_deploy import emulator_settings

    settings = emulator_settings(tmp_path_factory.mktemp("build"), free_port())
    assert settings.emulator is not None
    settings.emulator.up()
    yield settings
    settings.emulator.down()


# -- one applied local environment for every end-to-end test ------------------------------------


@dataclass
class LocalDeployment:
    """``./dev deploy`` of the checked-in jobs to an emulator of the test run's own (port, build folder).

    A cold deploy costs two S3 lifecycle waits (~55 s each, the provider's floor), so the
    end-to-end files share this one. A test that changes the deployment converges it back
    (as the release tool's own tests do), or calls ``changed()`` so the next user redeploys.
    """

    config: dict[str, Any]
    run: Any  # commands.StageRun of the first deploy
    console: str = ""  # what that cold deploy printed (non-TTY, as on CI)
    dirty: bool = False

    @property
    def settings(self):  # glue_release.settings.Settings
        from glue_release import commands

        return commands.settings_for("local", self.config)

    def changed(self) -> None:
        self.dirty = True

    def converge(self) -> None:
        """Back to the checked-in jobs when a test left the deployment changed (a no-op deploy otherwise)."""
        if self.dirty:
            from glue_release import commands

            commands.deploy("local", self.config, skip_tests=True, smoke=False)
            self.dirty = False


@pytest.fixture(scope="session")
def local_config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Release-tool config for ``local`` on this run's own emulator port and build folder (nothing started)."""
    return {
        "emulator": {"port": free_port()},
        "provider_mirror": os.environ.get("INVOKE_PROVIDER_MIRROR"),
        "build_root": str(tmp_path_factory.mktemp("build")),
    }


@pytest.fixture(scope="session")
def local_deployment(local_config: dict[str, Any]) -> Iterator[LocalDeployment]:
    from glue_release import commands

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        run = commands.deploy("local", local_config, skip_tests=True, smoke=False)
    deployment = LocalDeployment(local_config, run, printed.getvalue())
    yield deployment
    emulator = deployment.settings.emulator
    assert emulator is not None
    emulator.down()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (--dist loadgroup) every test of the shared deployment runs in one worker.

    Session fixtures are per worker: spread over two, the deployment would be made twice.
    """
    for item in items:
        if "local_deployment" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("local_deployment"))
