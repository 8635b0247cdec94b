"""Benchmark: a no-op redeploy against a bare `terraform plan` of the same root module.

Deploys the sample jobs to a fresh emulator once, then alternates, ROUNDS times:
  A. `invoke deploy` with nothing changed (tests and smoke runs are cached on
     their inputs, the artifacts are all uploaded, the plan is empty), and
  B. `terraform plan` of the same root module, same state, same variables.
Prints each median and the ratio A/B (target <= 1.3), both measured in this run.
Also prints the time per stage of the first, full deploy from a stopped emulator.

Run: INVOKE_PROVIDER_MIRROR=... python bench/deploy_noop.py [ROUNDS]
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from glue_release import commands, release  # noqa: E402
from glue_release.emulator.control import free_port  # noqa: E402
from glue_release.paths import TERRAFORM_DIR  # noqa: E402


def quietly(body):  # type: ignore[no-untyped-def]
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        return body()


def bare_plan_command(settings) -> tuple[list[str], dict[str, str]]:  # type: ignore[no-untyped-def]
    env = {**os.environ, **release.terraform_env(settings), "TF_DATA_DIR": str(settings.build_dir / "terraform-data")}
    cmd = [
        "terraform",
        "plan",
        "-input=false",
        "-no-color",
        f"-var-file={settings.tfvars}",
        f"-var-file={settings.build_dir / 'release.tfvars.json'}",
        f"-var=aws_endpoint_url={settings.emulator.endpoint}",
    ]
    return cmd, env


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    build_root = Path(tempfile.mkdtemp(prefix="bench-deploy-"))
    config = {
        "emulator": {"port": free_port()},
        "provider_mirror": os.environ.get("INVOKE_PROVIDER_MIRROR"),
        "build_root": str(build_root),
    }
    settings = commands.settings_for("local", config)
    try:
        first = quietly(lambda: commands.deploy("local", config))
        print("full deploy from a stopped emulator, per stage:")
        for name, status, seconds, note in first.results:
            print(f"  {name:<10} {status:<8} {seconds:6.1f} s  {note}")
        noop, bare = [], []
        cmd, env = bare_plan_command(settings)
        for _ in range(rounds):
            started = time.perf_counter()
            run = quietly(lambda: commands.deploy("local", config))
            noop.append(time.perf_counter() - started)
            stages = {name: (status, note) for name, status, _, note in run.results}
            assert stages["upload"][1].startswith("0 uploaded"), stages["upload"]
            assert stages["apply"][0] == "skipped", stages["apply"]
            started = time.perf_counter()
            subprocess.run(cmd, cwd=TERRAFORM_DIR, env=env, check=True, capture_output=True)
            bare.append(time.perf_counter() - started)
        a, b = statistics.median(noop), statistics.median(bare)
        print(f"no-op deploy: median {a:.2f} s over {rounds} (no upload, no apply)")
        print(f"bare terraform plan: median {b:.2f} s over {rounds}")
        print(f"ratio no-op deploy / bare plan: {a / b:.2f}  [target <= 1.3]")
    finally:
        if settings.emulator is not None:
            settings.emulator.down()
    return 0


if __name__ == "__main__":
    sys.exit(main())
