"""The local AWS emulator: moto's server on 127.0.0.1, over TLS.

TLS so that local runs take the same HTTPS path as AWS (endpoints, CA bundle,
no plain-HTTP special cases in the tool). The certificate is self-signed, made
on first start, and handed to Terraform and boto3 as their CA bundle. All state
lives in the server process: after ``down``/``up`` the next deploy recreates
everything.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glue_release.errors import UserError
from glue_release.paths import BUILD_DIR

DEFAULT_PORT = 5000
READY_TIMEOUT_S = 60.0
ACCOUNT_ID = "123456789012"  # moto's default account


def data_lake_bucket(name_prefix: str, role: str) -> str:
    """The emulator's data lake bucket of a role (raw, curated, ...): ``<name_prefix>-<account id>-<role>``,
    as terraform/main.tf names it."""
    return f"{name_prefix}-{ACCOUNT_ID}-{role}"


@dataclass(frozen=True)
class Emulator:
    port: int = DEFAULT_PORT
    state_dir: Path = BUILD_DIR / "emulator"
    host: str = "127.0.0.1"

    @property
    def endpoint(self) -> str:
        return f"https://{self.host}:{self.port}"

    @property
    def cert(self) -> Path:
        return self.state_dir / "cert.pem"

    @property
    def key(self) -> Path:
        return self.state_dir / "key.pem"

    @property
    def pidfile(self) -> Path:
        return self.state_dir / f"moto-{self.port}.pid"

    @property
    def log(self) -> Path:
        return self.state_dir / f"moto-{self.port}.log"

    def aws_env(self, region: str) -> dict[str, str]:
        """Environment for any AWS client (Terraform, its S3 backend, boto3) talking to the emulator."""
        access_key, secret_key = self.admin_credentials()
        return {
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": secret_key,
            "AWS_SESSION_TOKEN": "",  # an IAM user's keys carry none; empty overrides one in the caller's shell
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_CA_BUNDLE": str(self.cert),
            # The S3 backend has no variable for its endpoint; this is how it finds the emulator.
            "AWS_ENDPOINT_URL_S3": self.endpoint,
        }

    # -- IAM (glue_release/emulator/iam) ---------------------------------------------------

    def admin_credentials(self) -> tuple[str, str]:
        """The admin's keys for the server now running (before it runs: placeholders it will refuse)."""
        from glue_release.emulator.iam import admin

        keys = admin.admin_keys(self)
        return (keys.access_key_id, keys.secret_access_key) if keys else ("test", "test")

    def ensure_identity(self) -> None:
        """IAM is enforced: make sure the admin identity of this server exists (created once per start)."""
        from glue_release.emulator.iam import admin

        admin.ensure(self)

    # -- lifecycle ---------------------------------------------------------------

    def pid(self) -> int | None:
        """The pid of our server on this port, if it is still alive: from the pidfile, else by its marker.

        The marker (an environment variable naming the port, in the server process) finds a server
        whose pidfile is gone, e.g. after ``rm -rf build``, so that ``local.down`` can still stop it.
        """
        try:
            pid = int(json.loads(self.pidfile.read_text())["pid"])
        except (FileNotFoundError, ValueError, KeyError):
            return find_server(self.port)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return find_server(self.port)
        return pid

    def responds(self) -> bool:
        if not self.cert.exists():
            return False
        context = ssl.create_default_context(cafile=str(self.cert))
        try:
            with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=2, context=context) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def status(self) -> dict[str, Any]:
        pid = self.pid()
        # Without its certificate (build/ removed) the server cannot be asked over TLS; its port still tells.
        answers = self.responds() if self.cert.exists() else port_in_use(self.host, self.port)
        return {"running": pid is not None and answers, "pid": pid, "endpoint": self.endpoint}

    def up(self) -> bool:
        """Start the server unless ours is already running; True when it started one."""
        pid = self.pid()
        if pid is not None and self.responds():
            self.ensure_identity()
            return False
        if pid is not None and not self.cert.exists():
            raise UserError(
                f"an emulator this tool started is still running on port {self.port} (pid {pid}), but its "
                f"certificate and pidfile in {self.state_dir} are gone; stop it with `invoke local.down`, "
                "then start it again with `invoke local.up`"
            )
        if port_in_use(self.host, self.port):
            raise UserError(
                f"port {self.port} on {self.host} is taken by another process; free it, or choose another "
                "port with INVOKE_EMULATOR_PORT=<port> or `emulator: {port: <port>}` in invoke.yaml"
            )
        self.state_dir.mkdir(parents=True, exist_ok=True)
        if not (self.cert.exists() and self.key.exists()):
            write_self_signed_cert(self.cert, self.key, self.host)
        from glue_release.emulator.iam.admin import server_env

        env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true", **server_env(), **{MARKER: str(self.port)})
        server = [sys.executable, "-m", "glue_release.emulator.server"]  # moto_server plus Glue updates
        cmd = [*server, "-H", self.host, "-p", str(self.port), "-c", str(self.cert), "-k", str(self.key)]
        with self.log.open("ab") as log:
            # A session of its own: Ctrl-C in the terminal that started it must not stop it.
            proc = subprocess.Popen(cmd, stdout=log, stderr=log, env=env, start_new_session=True)
        self.pidfile.write_text(json.dumps({"pid": proc.pid, "port": self.port}))
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.pidfile.unlink(missing_ok=True)
                tail = self.log.read_text(errors="replace").strip().splitlines()[-1:] or ["(no output)"]
                raise UserError(f"the emulator exited during start-up ({tail[0]}); see {self.log}")
            if self.responds():
                self.ensure_identity()
                return True
            time.sleep(0.2)
        self.down()
        raise UserError(
            f"the emulator did not answer on {self.endpoint} within {READY_TIMEOUT_S:.0f} s; see {self.log}"
        )

    def down(self) -> bool:
        """Stop our server; True when one was running."""
        pid = self.pid()
        self.pidfile.unlink(missing_ok=True)
        if pid is None:
            return False
        os.killpg(pid, signal.SIGTERM)
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.1)
        os.killpg(pid, signal.SIGKILL)
        return True


MARKER = "GLUE_RELEASE_EMULATOR_PORT"  # in the server's environment: ours, and on which port


def find_server(port: int) -> int | None:
    """The pid of a live emulator server this tool started on ``port``, found by its marker (Linux /proc)."""
    wanted = f"{MARKER}={port}".encode()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if wanted in environ and b"glue_release.emulator.server" in cmdline:
            return int(entry.name)
    return None


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def write_self_signed_cert(cert_path: Path, key_path: Path, host: str) -> None:
    """A certificate for 127.0.0.1 and localhost that is its own CA, for Terraform's and boto3's CA bundle."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "glue-release local emulator")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host)), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
