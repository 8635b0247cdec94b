"""Benchmark: ``invoke validate`` on the sample repository, process start included (target < 1 s wall).

Prints, over N runs each (best and median):
  * ``invoke validate`` as a user runs it (a fresh process: Python, invoke, tasks.py, the declarations);
  * a bare ``python -c pass`` in the same interpreter, the floor any command pays;
  * the CPU time (user + sys) of validate, which load on a shared machine does not inflate;
  * validate's wall time as a ratio to the floor.

Run: python bench/validate_wall.py [N]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INVOKE = [sys.executable, "-m", "invoke", "validate"]
FLOOR = [sys.executable, "-c", "pass"]


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main(runs: int) -> None:
    timed(INVOKE)  # warm the file cache and __pycache__
    validate = [timed(INVOKE) for _ in range(runs)]
    floor = [timed(FLOOR) for _ in range(runs)]
    walls = [w for w, _ in validate]
    cpus = [c for _, c in validate]
    floor_walls = [w for w, _ in floor]
    print(f"invoke validate, {runs} runs: best {min(walls):.3f} s, median {statistics.median(walls):.3f} s wall")
    print(f"  CPU (user+sys): best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s")
    print(f"python -c pass:   best {min(floor_walls):.3f} s, median {statistics.median(floor_walls):.3f} s wall")
    print(f"ratio validate/floor (median wall): {statistics.median(walls) / statistics.median(floor_walls):.1f}x")
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall grows with it; CPU does not)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
