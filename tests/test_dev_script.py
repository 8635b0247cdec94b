"""`./dev` looks for a Terraform provider mirror only when the registry is unreachable, and then only in
Terraform's implicit mirror directories and the folders the user names; it never walks the filesystem.

Each test runs the real `dev` script in a scratch project root: a fake `terraform`, `java` and `find`
come first on PATH (they record any call), a stand-in `.venv/bin/invoke` prints the provider mirror
it was handed, and the "registry" is a loopback HTTP server (reachable) or a closed port (not).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RECORDER = '#!/bin/sh\necho "$(basename "$0") $*" >> "{log}"\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project root with the real `dev`, already set up (the stamp matches), and a fake invoke."""
    root = tmp_path / "project"
    (root / "tools").mkdir(parents=True)
    shutil.copy2(REPO / "dev", root / "dev")
    shutil.copy2(REPO / "invoke.yaml", root / "invoke.yaml")
    (root / "requirements.lock").write_text("invoke==3.0.3\n")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (root / "tools" / "lint-requirements.txt").write_text("zizmor\n")
    digest = subprocess.run(
        "cat requirements.lock pyproject.toml tools/*.txt | sha256sum | cut -c1-16",
        shell=True,
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    venv_bin = root / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (root / ".venv" / f".installed-{digest}").touch()
    (venv_bin / "python").symlink_to(sys.executable)  # a set-up .venv's Python runs
    invoke = venv_bin / "invoke"
    invoke.write_text('#!/bin/sh\necho "mirror=${INVOKE_PROVIDER_MIRROR:-}"\n')
    invoke.chmod(0o755)
    return root


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("terraform", "java", "find"):
        tool = folder / name
        tool.write_text(RECORDER.format(log=tmp_path / "calls.log"))
        tool.chmod(0o755)
    return folder


@pytest.fixture
def registry() -> Iterator[tuple[str, list[str]]]:
    """A reachable 'registry': (its probe URL, the paths it was asked for)."""
    asked: list[str] = []

    class Registry(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            body = b'{"providers.v1": "/v1/providers/"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/terraform.json", asked
    server.shutdown()
    server.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/.well-known/terraform.json"  # nothing listens: connection refused


def make_mirror(folder: Path) -> Path:
    provider = folder / "registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/terraform-provider-aws_v5.100.0_x5"
    provider.parent.mkdir(parents=True)
    provider.write_text("fake provider")
    return folder


def run_dev(project: Path, fake_bin: Path, home: Path, probe_url: str, **env: str) -> subprocess.CompletedProcess:
    environ = {
        "PATH": f"{fake_bin}:/usr/bin:/bin",
        "HOME": str(home),
        "PYTHON": sys.executable,
        "TF_REGISTRY_PROBE_URL": probe_url,
        "XDG_DATA_DIRS": str(home / "no-such-share"),
        **env,
    }
    return subprocess.run(
        [str(project / "dev"), "--list"], env=environ, capture_output=True, text=True, timeout=60, check=False
    )


def calls(tmp_path: Path) -> str:
    log = tmp_path / "calls.log"
    return log.read_text() if log.exists() else ""


def test_a_machine_that_reaches_the_registry_never_searches(tmp_path, project, fake_bin, registry):
    url, asked = registry
    home = tmp_path / "home"
    make_mirror(home / ".terraform.d" / "plugins")  # even a mirror in an implicit directory is left alone
    result = run_dev(project, fake_bin, home, url, PROVIDER_MIRROR_SEARCH=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "mirror="
    assert asked == ["/.well-known/terraform.json"]
    assert calls(tmp_path) == ""  # no find, and terraform itself was not run


def test_a_chosen_mirror_is_used_without_asking_the_registry(tmp_path, project, fake_bin, registry):
    url, asked = registry
    result = run_dev(project, fake_bin, tmp_path / "home", url, INVOKE_PROVIDER_MIRROR="/chosen")
    assert result.stdout.strip() == "mirror=/chosen"
    assert asked == []


@pytest.mark.parametrize(
    "where",
    ["home/.terraform.d/plugins", "home/.local/share/terraform/plugins", "share/terraform/plugins", "named/tf-plugins"],
)
def test_without_a_registry_the_implicit_and_named_directories_are_searched(tmp_path, project, fake_bin, where):
    mirror = make_mirror(tmp_path / where)
    result = run_dev(
        project,
        fake_bin,
        tmp_path / "home",
        closed_port_url(),
        XDG_DATA_DIRS=f"{tmp_path / 'nothing'}:{tmp_path / 'share'}",
        PROVIDER_MIRROR_SEARCH=str(tmp_path / "named"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"mirror={mirror}"
    assert calls(tmp_path) == ""


def test_without_a_registry_a_mirror_elsewhere_is_not_hunted_for(tmp_path, project, fake_bin):
    make_mirror(tmp_path / "somewhere" / "else" / "tf-plugins")
    (tmp_path / "home").mkdir()
    result = run_dev(project, fake_bin, tmp_path / "home", closed_port_url(), PROVIDER_MIRROR_SEARCH=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "mirror="
    assert "no provider mirror found; set INVOKE_PROVIDER_MIRROR" in result.stderr
    assert calls(tmp_path) == ""


def test_home_unset_still_finds_a_named_mirror(tmp_path, project, fake_bin):
    # cron or `env -i` may leave HOME unset: `set -u` stopped the search at $HOME ("HOME: unbound variable").
    mirror = make_mirror(tmp_path / "opt" / "tf-plugins")
    environ = {
        "PATH": f"{fake_bin}:/usr/bin:/bin",
        "PYTHON": sys.executable,
        "TF_REGISTRY_PROBE_URL": closed_port_url(),
        "XDG_DATA_DIRS": str(tmp_path / "no-such-share"),
        "PROVIDER_MIRROR_SEARCH": str(tmp_path / "opt"),
    }
    result = subprocess.run(
        [str(project / "dev"), "--list"], env=environ, capture_output=True, text=True, timeout=60, check=False
    )
    assert "unbound variable" not in result.stderr, result.stderr
    assert result.stdout.strip() == f"mirror={mirror}"


def test_a_venv_whose_python_is_gone_is_set_up_again(tmp_path, project, fake_bin):
    # "bad interpreter: No such file or directory", with no hint, on every run before.
    (project / ".venv" / "bin" / "python").unlink()
    (project / ".venv" / "bin" / "python").symlink_to(tmp_path / "removed-python3.11")
    fake_python = tmp_path / "python3.11"  # passes the version check; `-m venv DIR` makes a stand-in venv
    fake_python.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = -m ] && [ "$2" = venv ]; then\n'
        '  mkdir -p "$3/bin"; printf "#!/bin/sh\\nexit 0\\n" > "$3/bin/pip"; chmod +x "$3/bin/pip"\n'
        f'  ln -sf {sys.executable} "$3/bin/python"\n'
        '  printf "#!/bin/sh\\necho rebuilt\\n" > "$3/bin/invoke"; chmod +x "$3/bin/invoke"; exit 0\n'
        "fi\n"
        f'exec {sys.executable} "$@"\n'
    )
    fake_python.chmod(0o755)
    result = run_dev(project, fake_bin, tmp_path / "home", closed_port_url(), PYTHON=str(fake_python))
    assert ".venv's Python no longer runs" in result.stderr, result.stderr
    assert result.stdout.strip() == "rebuilt", result.stderr
