"""The job's declared wheels installed for local runs and tests: a cached folder per wheel set.

The same resolved wheels as for Glue (for this machine's Python, 3.11), installed with
``pip install --no-index --target``; the folder goes on the script's ``sys.path``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from glue_release.artifacts.dependencies.wheels import CACHE_DIR, publish, resolve
from glue_release.errors import UserError

LOCAL_GLUE_VERSION = "5.0"  # local runs use this machine's Python 3.11: Glue 5.x's


def site_dir(requirements: tuple[str, ...], cache_dir: Path = CACHE_DIR) -> Path | None:
    """A folder holding the installed ``requirements`` (None when there are none); built once per wheel set."""
    wheels = resolve(requirements, LOCAL_GLUE_VERSION, cache_dir)
    if not wheels:
        return None
    key = hashlib.sha256("\n".join(sorted(w.sha256 for w in wheels)).encode()).hexdigest()[:24]
    target = cache_dir / "site" / key
    if (target / ".installed").exists():
        return target
    partial = target.with_name(f"{key}.partial-{os.getpid()}")  # per process, as in wheels._download
    shutil.rmtree(partial, ignore_errors=True)
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--target", str(partial)]
    result = subprocess.run([*cmd, *(str(w.path) for w in wheels)], capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise UserError(f"installing {', '.join(requirements)} for a local run failed: {result.stderr.strip()[-300:]}")
    (partial / ".installed").write_text("\n".join(w.filename for w in wheels))
    publish(partial, target, ".installed")
    return target
