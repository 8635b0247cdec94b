"""Benchmark: a cold local deploy with IAM enforced against the same deploy without enforcement.

Each round starts a fresh emulator and build folder and runs `invoke deploy` (tests skipped:
they are the same either way; smoke runs included unless --no-smoke) twice, in alternating order:
  A. IAM enforced (the default: signed calls checked, roles assumed, smoke under job roles), and
  B. the emulator started with enforcement off (INITIAL_NO_AUTH_ACTION_COUNT=inf); everything else equal.
Prints each deploy's stages, the medians and the ratio A/B (target <= 1.2), measured in this run.

Run: INVOKE_PROVIDER_MIRROR=... python bench/iam_overhead.py [ROUNDS] [--no-smoke]
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from glue_release import commands  # noqa: E402
from glue_release.emulator.control import free_port  # noqa: E402
from glue_release.emulator.iam import admin  # noqa: E402

ENFORCED = admin.server_env
CHECK = admin.check_enforced


def unenforced() -> dict[str, str]:
    return {"INITIAL_NO_AUTH_ACTION_COUNT": "inf"}  # moto never starts checking


def cold_deploy(enforced: bool, smoke: bool) -> tuple[float, list[tuple[str, str, float, str]]]:
    admin.server_env = ENFORCED if enforced else unenforced  # read by Emulator.up when it starts the server
    admin.check_enforced = CHECK if enforced else (lambda emulator: None)  # which would refuse the latter
    build_root = Path(tempfile.mkdtemp(prefix=f"bench-iam-{'on' if enforced else 'off'}-"))
    config = {
        "emulator": {"port": free_port()},
        "provider_mirror": os.environ.get("INVOKE_PROVIDER_MIRROR"),
        "build_root": str(build_root),
    }
    settings = commands.settings_for("local", config)
    sink = io.StringIO()
    try:
        started = time.perf_counter()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            run = commands.deploy("local", config, skip_tests=True, smoke=smoke)
        return time.perf_counter() - started, run.results
    except BaseException:
        print(sink.getvalue()[-4000:])
        raise
    finally:
        assert settings.emulator is not None
        settings.emulator.down()


def main() -> int:
    rounds = int(next((a for a in sys.argv[1:] if a.isdigit()), "1"))
    smoke = "--no-smoke" not in sys.argv
    times: dict[bool, list[float]] = {True: [], False: []}
    for round_ in range(rounds):
        for enforced in (True, False) if round_ % 2 == 0 else (False, True):
            seconds, stages = cold_deploy(enforced, smoke)
            times[enforced].append(seconds)
            print(f"round {round_ + 1}, IAM {'enforced' if enforced else 'off':<8}: {seconds:6.1f} s")
            for name, status, took, note in stages:
                print(f"    {name:<10} {status:<8} {took:6.1f} s  {note}")
    on, off = statistics.median(times[True]), statistics.median(times[False])
    print(f"cold deploy{'' if smoke else ' (no smoke)'}, median of {rounds}: IAM enforced {on:.1f} s, off {off:.1f} s")
    print(f"ratio enforced/off: {on / off:.2f} (target <= 1.2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
