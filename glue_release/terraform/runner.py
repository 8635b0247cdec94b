"""Terraform, driven through python-terraform; the one place the tool runs it.

python-terraform builds every argv; the process is run here, with an environment
per call (``os.environ`` is never changed). Long-running commands write Terraform's
output to a log file per stage and show one progress line (``console.py``), or
stream it with ``verbose``; their stderr is kept to explain errors (a stale plan,
a held lock).
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_terraform import IsFlagged, Terraform

from glue_release.errors import UserError
from glue_release.processes import kill_group
from glue_release.terraform.console import Progress, tail

MIN_VERSION = (1, 11)  # use_lockfile needs 1.10; the modules say >= 1.11
_versions: dict[str, tuple[int, ...]] = {}


class StateLockedError(UserError):
    """Terraform could not take the state lock: another run holds it (or a killed one left it)."""


@dataclass
class Result:
    code: int
    stdout: str = ""
    stderr: str = ""


@dataclass
class TerraformRunner:
    """Terraform in ``working_dir`` with its own data dir and environment."""

    working_dir: Path
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    binary: str = "terraform"
    # Where raw output goes (``<log_dir>/<log_prefix><stage>.log``); None streams it to the console.
    log_dir: Path | None = None
    verbose: bool = False
    log_prefix: str = ""

    def __post_init__(self) -> None:
        check_version(self.binary)
        self._tf = Terraform(working_dir=str(self.working_dir), terraform_bin_path=self.binary)

    def _environ(self) -> dict[str, str]:
        # Each environment gets its own .terraform (providers, backend config), so
        # switching --env never re-initialises another one's.
        return {**os.environ, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "TF_DATA_DIR": str(self.data_dir), **self.env}

    def capture(self, cmd: str, *args: str, **options: object) -> Result:
        """Run and capture (show, output, version); python-terraform builds the argv, the env is per call."""
        argv = self._tf.generate_cmd_string(cmd, *args, **options)
        done = subprocess.run(
            argv, cwd=self.working_dir, env=self._environ(), capture_output=True, text=True, errors="replace"
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def log_file(self, stage: str) -> Path | None:
        return None if self.log_dir is None else self.log_dir / f"{self.log_prefix}{stage}.log"

    def stream(
        self, cmd: str, *args: str, stage: str | None = None, total: int | None = None, **options: object
    ) -> Result:
        """Run with output kept (stdout for the plan text, stderr to explain errors) and shown live:
        on the console with ``verbose`` or without a log dir, else as one progress line and a log file.

        Terraform runs in a process group of its own (it and its provider plugins), so that stopping
        it reaches all of them and nothing outlives this call: a SIGINT or SIGTERM to the tool is passed
        on as SIGINT (Terraform then stops cleanly: it saves state and releases the lock), Terraform is
        told to stop when the tool itself dies (Linux parent-death signal), and whatever is left of the
        group when Terraform exits is killed.
        """
        argv = self._tf.generate_cmd_string(cmd, *args, **options)
        log_path = self.log_file(stage or cmd)
        if log_path is None or self.verbose:
            return self._run(cmd, argv, sys.stdout, sys.stderr)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        progress = Progress(f"terraform {stage or cmd}", total, tty=sys.stdout.isatty())
        with log_path.open("w") as log:
            sink = _ProgressSink(log, progress)
            try:
                return self._run(cmd, argv, sink, sink)
            finally:
                progress.close()

    def failure(self, stage: str, text: str, kind: type[UserError] = UserError) -> UserError:
        """An error whose message carries the tail of the stage's log (the console did not show it)."""
        log_path = self.log_file(stage)
        if log_path is None or self.verbose or not log_path.exists():
            return kind(text)
        return kind(f"{text}\n--- last lines of {log_path} ---\n{tail(log_path)}\n--- full log: {log_path}")

    def _error(self, stage: str, command: str, result: Result) -> UserError:
        kind = StateLockedError if is_lock_error(result.stderr) else UserError
        error = self.failure(stage, f"terraform {command} failed (exit {result.code}); {explain(result.stderr)}", kind)
        error.stderr = result.stderr  # type: ignore[attr-defined]  # read by callers that explain more
        return error

    def _run(self, cmd: str, argv: list[str], out_sink: IO[str], err_sink: IO[str]) -> Result:
        proc = subprocess.Popen(
            argv,
            cwd=self.working_dir,
            env=self._environ(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
            preexec_fn=_stop_with_parent,
        )
        assert proc.stdout is not None and proc.stderr is not None
        out: list[str] = []
        err: list[str] = []
        threads = [
            threading.Thread(target=_tee, args=(proc.stderr, err_sink, err), daemon=True),
            threading.Thread(target=_tee, args=(proc.stdout, out_sink, out), daemon=True),
        ]
        for thread in threads:
            thread.start()
        with _forwarding_signals(proc) as received:
            try:
                code = _wait_stopping_on_interrupt(proc)
            finally:
                kill_group(proc.pid)
                for thread in threads:
                    thread.join(timeout=5)
        if received:
            name = signal.Signals(received[0]).name
            raise UserError(
                f"terraform {cmd} stopped by {name} (exit {code}); Terraform was told to stop cleanly first: "
                "run the command again to finish"
            )
        return Result(code, stdout="".join(out), stderr="".join(err))

    # -- the commands the tool uses -------------------------------------------------

    def init(self, backend_config: list[str] | None = None) -> None:
        options: dict[str, object] = {"input": False, "reconfigure": IsFlagged, "no_color": IsFlagged}
        if backend_config:
            options["backend_config"] = backend_config
        result = self.stream("init", **options)
        if result.code != 0:
            raise self.failure(
                "init", f"terraform init failed in {self.working_dir.name}/ (exit {result.code}); see its message"
            )

    def plan(
        self, plan_file: Path, var_files: list[Path], variables: dict[str, str], extra: dict[str, object] | None = None
    ) -> tuple[bool, str]:
        """Write a saved plan; whether it has changes, and Terraform's text of it."""
        options: dict[str, object] = {
            "input": False,
            "no_color": IsFlagged,
            "detailed_exitcode": IsFlagged,
            "out": str(plan_file),
            "var_file": [str(f) for f in var_files],
            **(extra or {}),
        }
        args = [f"-var={k}={v}" for k, v in variables.items()]
        result = self.stream("plan", *args, **options)
        if result.code == 1 or result.code not in (0, 2):
            raise self._error("plan", "plan", result)
        return result.code == 2, result.stdout

    def apply_plan(self, plan_file: Path, total: int | None = None, lock_timeout: str | None = None) -> None:
        """Apply a saved plan; ``total`` (resources it changes) lets the progress line say "n of total".

        ``lock_timeout``: wait that long for the state lock instead of failing at once (-lock-timeout).
        """
        options: dict[str, object] = {"input": False, "no_color": IsFlagged, "auto_approve": IsFlagged}
        if lock_timeout:
            options["lock_timeout"] = lock_timeout
        result = self.stream("apply", str(plan_file), total=total, **options)
        if result.code != 0:
            raise self._error("apply", "apply", result)

    def refresh_state(self, var_files: list[Path], variables: dict[str, str]) -> None:
        """``apply -refresh-only``: record in the state what the apply left in AWS.

        Attributes the provider fills from other resources (a role's ``inline_policy`` from its
        ``aws_iam_role_policy``, a bucket's ``versioning`` from ``aws_s3_bucket_versioning``) and
        ``tags`` (null when created, ``{}`` when read) are only read back on the next refresh; saved
        now, a freshly deployed environment shows no drift, and anything changed later does.
        """
        args = [f"-var={k}={v}" for k, v in variables.items()]
        options: dict[str, object] = {
            "input": False,
            "no_color": IsFlagged,
            "auto_approve": IsFlagged,
            "refresh_only": IsFlagged,
            "compact_warnings": IsFlagged,
            "var_file": [str(f) for f in var_files],
        }
        result = self.stream("apply", *args, stage="refresh", **options)
        if result.code != 0:
            raise self._error("refresh", "apply -refresh-only", result)

    def show_json(self, plan_file: Path) -> dict:
        result = self.capture("show", str(plan_file), json=IsFlagged, no_color=IsFlagged)
        if result.code != 0:
            raise UserError(f"terraform show failed: {result.stderr.strip().splitlines()[-1:] or ''}")
        return json.loads(result.stdout)

    def outputs(self) -> dict[str, object]:
        result = self.capture("output", json=IsFlagged, no_color=IsFlagged)
        if result.code != 0:
            raise UserError(f"terraform output failed in {self.working_dir.name}/: {result.stderr.strip()}")
        return {name: value["value"] for name, value in json.loads(result.stdout or "{}").items()}


GRACE_S = 60.0  # how long Terraform gets to save state and release the lock after a SIGINT


def _stop_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the tool dies, even by SIGKILL (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _wait_stopping_on_interrupt(proc: subprocess.Popen[str]) -> int:
    """Wait for Terraform; on an exception here (Ctrl-C), stop it cleanly, then hard after a grace period."""
    try:
        return proc.wait()
    except BaseException:
        try:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=GRACE_S)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        raise


@contextmanager
def _forwarding_signals(proc: subprocess.Popen[str]) -> Iterator[list[int]]:
    """While Terraform runs, SIGINT/SIGTERM to this process become SIGINT to Terraform's group."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received  # only the main thread may set handlers; the parent-death signal still holds
        return

    def forward(signum: int, _frame: object) -> None:
        received.append(signum)
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _ProgressSink:
    """A file-like sink: every line to the log, resource lines also to the progress display."""

    def __init__(self, log: IO[str], progress: Progress) -> None:
        self._log, self._progress, self._lock = log, progress, threading.Lock()

    def write(self, text: str) -> None:
        with self._lock:
            self._log.write(text)
            self._progress.feed(text)

    def flush(self) -> None:
        self._log.flush()


def _tee(source: IO[str], sink: IO[str], kept: list[str]) -> None:
    for line in source:
        sink.write(line)
        sink.flush()
        kept.append(line)


def is_lock_error(stderr: str) -> bool:
    return "Error acquiring the state lock" in stderr or ("PreconditionFailed" in stderr and ".tflock" in stderr)


def explain(stderr: str) -> str:
    """One line on what to do about Terraform's error (its own text is in its log, or shown above)."""
    if "Saved plan does not match the given state" in stderr:
        return (
            "the state is not the one this plan was made from (the environment was recreated, e.g. the local "
            "emulator restarted); run `invoke plan` again, review the new plan, then apply that"
        )
    if match := re.search(r'error loading state: S3 bucket "([^"]+)" does not exist', stderr):
        return (
            f"the state bucket {match[1]} does not exist: nothing was deployed here yet (or the backend file "
            "names another bucket); `invoke deploy` (on AWS: `invoke bootstrap` first) creates it"
        )
    if "Saved plan is stale" in stderr:
        return (
            "the state changed after this plan was made (another apply ran), so Terraform refused it; "
            "run `invoke plan` again, review the new plan, then apply that"
        )
    if is_lock_error(stderr):
        return (
            "another run holds the state lock (a deploy to the same environment is in progress); "
            "wait for it to finish, then run again"
        )
    from glue_release.emulator.iam.denied import terraform_denial

    if denial := terraform_denial(stderr):  # IAM refused a call: who, what, on what
        return f"{denial}; grant it where that role is defined (terraform/bootstrap for the deploy and plan roles)"
    if "No valid credential sources found" in stderr or "failed to refresh cached credentials" in stderr:
        return "no AWS credentials: configure a profile, environment variables or an OIDC role"
    return "see Terraform's message"


def check_version(binary: str = "terraform") -> tuple[int, ...]:
    """Fail clearly when Terraform is missing or older than MIN_VERSION (asked once per binary and process)."""
    path = shutil.which(binary)
    if path is None:
        raise UserError(f"{binary} not found on PATH; install Terraform >= {'.'.join(map(str, MIN_VERSION))}")
    if path not in _versions:
        out = subprocess.run([path, "version", "-json"], capture_output=True, text=True, check=False).stdout
        try:
            version_text = json.loads(out)["terraform_version"]
        except (ValueError, KeyError):
            match = re.search(r"v(\d+\.\d+\.\d+)", out)
            version_text = match[1] if match else "0.0.0"
        version = tuple(int(p) for p in re.findall(r"\d+", version_text)[:3])
        if version[:2] < MIN_VERSION:
            needed = ".".join(map(str, MIN_VERSION))
            raise UserError(f"Terraform {version_text} at {path} is too old; this project needs >= {needed}")
        _versions[path] = version
    return _versions[path]


def cli_config(provider_mirror: str | None, path: Path, plugin_cache: Path | None = None) -> dict[str, str]:
    """Environment pointing Terraform at a CLI config with the provider mirror and plugin cache, when given.

    With neither (a machine with registry access), Terraform keeps the user's own configuration.
    """
    if not provider_mirror and plugin_cache is None:
        return {}
    text = ""
    if plugin_cache is not None:
        plugin_cache.mkdir(parents=True, exist_ok=True)
        text += f"plugin_cache_dir = {json.dumps(str(plugin_cache))}\n"
    if provider_mirror:
        text += (
            "provider_installation {\n"
            "  filesystem_mirror {\n"
            f"    path    = {json.dumps(provider_mirror)}\n"
            '    include = ["registry.terraform.io/*/*"]\n'
            "  }\n"
            '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n'
            "}\n"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return {"TF_CLI_CONFIG_FILE": str(path)}
