"""Benchmark: a cold local deploy (`./dev deploy` from a stopped emulator), per stage.

Starts from nothing: a new emulator port and build folder (so no emulator, no Terraform
data directory, no state). Runs the deploy as `./dev deploy` does (unit tests cached on
their sources, smoke runs included) and prints each stage's time and the total against the
75 s target. Terraform's provider log (TF_LOG=DEBUG, one file) is read afterwards to show,
per bucket, how long the provider waited on its S3 lifecycle configuration after the PUT:
the AWS provider 5.100.0 polls until it has read the configuration back unchanged 10 times,
5 s apart, after a 10 s delay (a 55 s floor per create or update, on AWS too), and a slower
wait would mean the emulator's answer differs from the request (moto issue #9729).

Run: INVOKE_PROVIDER_MIRROR=... python bench/deploy_cold.py [--skip-tests] [--no-smoke]
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from glue_release import commands  # noqa: E402
from glue_release.emulator.control import free_port  # noqa: E402

TARGET_S = 75.0
LIFECYCLE = re.compile(r"^(\d{4}-\d\d-\d\dT\S+) \[")
URL = re.compile(r'http\.url=https?://[^/ ]+/([^/?" ]+)\?lifecycle=')
METHOD = re.compile(r"http\.method=(GET|PUT|DELETE)")


def lifecycle_calls(log: Path) -> dict[str, list[tuple[float, str]]]:
    """bucket -> [(unix time, method)] of the provider's lifecycle requests, from Terraform's debug log."""
    calls: dict[str, list[tuple[float, str]]] = defaultdict(list)
    if not log.exists():
        return calls
    records: list[str] = []
    for line in log.read_text(errors="replace").splitlines():
        # A request body (the lifecycle XML) spans lines: a record runs to the next timestamped line.
        if LIFECYCLE.match(line) or not records:
            records.append(line)
        else:
            records[-1] += " " + line
    for line in records:
        if "HTTP Request Sent" not in line or "?lifecycle=" not in line:
            continue
        url, method, stamp = URL.search(line), METHOD.search(line), LIFECYCLE.match(line)
        if url and method and stamp:
            when = dt.datetime.fromisoformat(stamp[1].replace("Z", "+00:00")).timestamp()
            calls[url[1]].append((when, method[1]))
    return calls


def main() -> int:
    build_root = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    log = build_root / "terraform-debug.log"
    config = {
        "emulator": {"port": free_port()},
        "provider_mirror": os.environ.get("INVOKE_PROVIDER_MIRROR"),
        "build_root": str(build_root),
    }
    settings = commands.settings_for("local", config)
    # The release tool passes its environment on to Terraform: this is how the bench sees the provider's requests.
    os.environ.update(TF_LOG="DEBUG", TF_LOG_PATH=str(log))
    started = time.time()
    try:
        run = commands.deploy(
            "local", config, skip_tests="--skip-tests" in sys.argv, smoke="--no-smoke" not in sys.argv
        )
    finally:
        for name in ("TF_LOG", "TF_LOG_PATH"):
            os.environ.pop(name)
        if settings.emulator is not None:
            settings.emulator.down()
    windows, at = [], started
    for name, _status, seconds, _note in run.results:
        windows.append((name, at, at + seconds))
        at += seconds
    waits: dict[str, list[str]] = defaultdict(list)
    for bucket, calls in sorted(lifecycle_calls(log).items()):
        puts = [t for t, m in calls if m == "PUT"]
        if not puts:
            continue
        gets = [t for t, m in calls if m == "GET" and t >= puts[-1]]
        wait = (max(gets) - puts[-1]) if gets else 0.0
        stage = next((n for n, a, b in windows if a <= puts[-1] <= b), "?")
        waits[stage].append(f"{bucket} {wait:.0f} s/{len(gets)} reads")
    print("\ncold local deploy, per stage:")
    for name, status, seconds, note in run.results:
        print(f"  {name:<10} {status:<8} {seconds:6.1f} s  {note}")
    total = sum(seconds for _, _, seconds, _ in run.results)
    verdict = "met" if total <= TARGET_S else "NOT met"
    print(f"  {'total':<10} {'':<8} {total:6.1f} s  [target <= {TARGET_S:.0f} s: {verdict}]")
    print("\nS3 lifecycle waits (PUT to last read-back), per stage:")
    for name, *_ in run.results:
        if waits.get(name):
            print(f"  {name:<10} {'; '.join(waits[name])}")
    if not any(waits.values()):
        print("  none")
    print(f"\nload average while measuring: {os.getloadavg()[0]:.1f} (1 min) on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
