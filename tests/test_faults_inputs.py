"""Bad input and a stopped or orphaned emulator give one clear line (issue 16, items 6, 9, 10, 11).

No Terraform here. The emulator tests start their own server on a free port.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from glue_release import aws, commands, declarations
from glue_release.emulator.control import Emulator, free_port
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR, REPO_ROOT
from glue_release.runs import local_run
from glue_release.settings import check_config_file

INVOKE = Path(sys.executable).with_name("invoke")


# -- 10. invoke.yaml ------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the real tasks.py, for running invoke on a given invoke.yaml."""
    shutil.copy(REPO_ROOT / "tasks.py", tmp_path / "tasks.py")
    return tmp_path


BAD_CONFIGS = {
    "invalid YAML": ("emulator:\n  port: [5000\n", r"invoke\.yaml:\d+: not valid YAML"),
    "duplicate key": (
        "emulator:\n  port: 5000\nprovider_mirror: null\nemulator:\n  port: 5055\n",
        r"invoke\.yaml: key 'emulator' appears twice, on lines 1 and 4; keep one",
    ),
    "nested duplicate": (
        "envs:\n  prod: {account_id: null}\n  prod: {account_id: '123456789012'}\n",
        r"key 'prod' appears twice, on lines 2 and 3",
    ),
    "emulator is a number": (
        "emulator: 5055\n",
        r"invoke\.yaml: emulator must be a mapping such as `emulator: \{port: 5000\}`",
    ),
    "envs is a list": ("envs: [dev, prod]\n", r"invoke\.yaml: envs must be a mapping of environment names"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_invalid_invoke_yaml_is_one_line_before_any_task(project, case):
    text, expected = BAD_CONFIGS[case]
    (project / "invoke.yaml").write_text(text)
    with pytest.raises(UserError, match=expected):
        check_config_file(project / "invoke.yaml")
    result = subprocess.run(
        [str(INVOKE), "--search-root", str(project), "--list"], capture_output=True, text=True, cwd=project
    )
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: invoke.yaml"), result.stderr


def test_the_checked_in_invoke_yaml_is_valid(project):
    check_config_file(REPO_ROOT / "invoke.yaml")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"emulator": 5055}, "emulator must be a mapping"),
        ({"envs": ["dev", "prod"]}, "envs must be a mapping"),
        ({"envs": {"local": "123456789012"}}, "envs.local must be a mapping"),
    ],
)
def test_wrong_shape_of_settings_is_one_line(config, expected, tmp_path):
    with pytest.raises(UserError, match=expected):
        commands.settings_for("local", {**config, "build_root": str(tmp_path)})


# -- 10. main.py that is a directory ------------------------------------------------------------


def test_main_py_that_is_a_directory_is_named(tmp_path):
    jobs = tmp_path / "jobs"
    shutil.copytree(JOBS_DIR, jobs, ignore=shutil.ignore_patterns("__pycache__"))
    script = jobs / "customers_clean" / "main.py"
    script.unlink()
    script.mkdir()
    (script / "__init__.py").write_text("")
    with pytest.raises(UserError, match=r"customers_clean/main\.py is a directory; it must be the script file"):
        declarations.load_jobs(jobs)


# -- 11. the emulator ---------------------------------------------------------------------------


def local_settings(tmp_path: Path, port: int):
    return commands.settings_for("local", {"emulator": {"port": port}, "build_root": str(tmp_path)})


def test_emulator_down_is_not_running_not_credentials_refused(tmp_path):
    settings = local_settings(tmp_path, free_port())
    with pytest.raises(UserError) as error:
        aws.check_credentials(settings)
    assert str(error.value).startswith("the local emulator is not running on https://127.0.0.1:")
    assert "invoke local.up" in str(error.value) and "refused" not in str(error.value)


def test_missing_aws_profile_does_not_stop_local(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "nosuch")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    settings = local_settings(tmp_path, free_port())
    assert aws.client(settings, "sts").meta.endpoint_url == settings.emulator.endpoint


def test_taken_port_message_names_settings_that_exist(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UserError) as error:
            Emulator(port=port, state_dir=tmp_path).up()
    message = str(error.value)
    assert f"port {port} on 127.0.0.1 is taken by another process" in message
    assert "--port" not in message and "INVOKE_EMULATOR_PORT" in message


def test_emulator_whose_build_folder_was_removed_is_still_found_and_stopped(tmp_path):
    state = tmp_path / "emulator"
    emulator = Emulator(port=free_port(), state_dir=state)
    emulator.up()
    pid = emulator.pid()
    try:
        shutil.rmtree(state)  # rm -rf build
        status = emulator.status()
        assert status["running"] and status["pid"] == pid
        with pytest.raises(UserError, match=r"still running on port \d+ .*invoke local.down"):
            emulator.up()
        assert emulator.down()
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3]
        assert not emulator.status()["running"]
    finally:
        if pid is not None and Path(f"/proc/{pid}").exists():
            os.killpg(pid, 9)


# -- 9. a smoke run's timeout -------------------------------------------------------------------

CHILD_HOLDING_THE_PIPE = """
import subprocess, sys, time
from pathlib import Path

# A child that inherits stdout (our pipe) and outlives the script unless its group is killed.
child = subprocess.Popen(["sleep", "600"])
Path(sys.argv[sys.argv.index("--pidfile") + 1]).write_text(str(child.pid))
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_smoke_timeout_kills_the_jobs_children_too(tmp_path):
    script = tmp_path / "main.py"
    script.write_text(CHILD_HOLDING_THE_PIPE)
    pidfile = tmp_path / "child.pid"
    runs: list[local_run.LocalRun] = []
    thread = threading.Thread(
        target=lambda: runs.append(
            local_run.run_script(script, "job", {"pidfile": str(pidfile)}, {}, [], echo=False, timeout_s=5)
        ),
        daemon=True,
    )
    thread.start()
    thread.join(timeout=120)  # far beyond the 5 s timeout; without the fix it takes the child's 600 s
    child = int(pidfile.read_text()) if pidfile.exists() else None
    try:
        assert not thread.is_alive(), "run_script did not return after its timeout"
        assert runs[0].timed_out
        assert child is not None and not alive(child)
    finally:
        if child is not None and alive(child):
            os.kill(child, 9)
