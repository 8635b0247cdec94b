"""Wheels for Glue's platform, resolved once per requirement set and cached.

Glue installs ``--additional-python-modules`` with pip on its workers; with
``--python-modules-installer-option --no-index`` it takes exactly the wheels we
list (a job in a VPC without internet still gets them), so every dependency of a
requirement must be a wheel here too: pip resolves them with ``--only-binary``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from glue_release.errors import UserError
from glue_release.paths import BUILD_DIR

# Glue 5.x: Amazon Linux 2023, CPython 3.11; Glue 6.0: CPython 3.13. Both x86_64, glibc 2.34.
PYTHON_OF_GLUE = {"5.0": "3.11", "5.1": "3.11", "6.0": "3.13"}
PLATFORMS = ("manylinux_2_34_x86_64", "manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")
CACHE_DIR = BUILD_DIR / "wheel-cache"


@dataclass(frozen=True)
class Wheel:
    path: Path
    sha256: str

    @property
    def filename(self) -> str:
        return self.path.name


def python_version(glue_version: str) -> str:
    try:
        return PYTHON_OF_GLUE[glue_version]
    except KeyError:
        raise UserError(f"no Python version known for Glue {glue_version}") from None


def resolve(requirements: tuple[str, ...], glue_version: str, cache_dir: Path = CACHE_DIR) -> list[Wheel]:
    """The wheels (dependencies included) of ``requirements`` for ``glue_version``'s Python, sorted by name."""
    if not requirements:
        return []
    py = python_version(glue_version)
    key = hashlib.sha256(json.dumps([sorted(requirements), py, PLATFORMS]).encode()).hexdigest()[:24]
    folder = cache_dir / f"cp{py.replace('.', '')}" / key
    done = folder / "resolved.json"
    if not done.exists():
        _download(requirements, py, folder)
    names = json.loads(done.read_text())
    return [Wheel(folder / n, hashlib.sha256((folder / n).read_bytes()).hexdigest()) for n in names]


def _download(requirements: tuple[str, ...], py: str, folder: Path) -> None:
    # Per process: two runs (test workers, two terminals) may fill the same cache entry at once.
    partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    abi = f"cp{py.replace('.', '')}"
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    cmd += ["--only-binary=:all:", "--python-version", py, "--implementation", "cp"]
    cmd += [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    cmd += ["--abi", abi, "--abi", "abi3", "--abi", "none", "-d", str(partial), *requirements]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        reason = [line for line in result.stderr.splitlines() if line.startswith("ERROR")][:1]
        shutil.rmtree(partial, ignore_errors=True)
        raise UserError(
            f"python_modules {', '.join(requirements)}: no wheels for Glue's platform (manylinux x86_64, "
            f"CPython {py}): {reason[0] if reason else 'pip download failed'}; pick a version that ships such wheels"
        )
    (partial / "resolved.json").write_text(json.dumps(sorted(p.name for p in partial.glob("*.whl"))))
    publish(partial, folder, "resolved.json")


def publish(partial: Path, final: Path, marker: str) -> None:
    """Move a finished ``partial`` folder into place; when another process got there first, keep theirs."""
    if (final / marker).exists():
        shutil.rmtree(partial, ignore_errors=True)
        return
    shutil.rmtree(final, ignore_errors=True)  # an unfinished one (no marker) left by a killed run
    try:
        partial.rename(final)
    except OSError:  # another process published in between: theirs is complete too
        if not (final / marker).exists():
            raise
        shutil.rmtree(partial, ignore_errors=True)


def top_level_modules(wheel: Path) -> set[str]:
    """The importable top-level names a wheel installs (from its file list; top_level.txt is optional)."""
    import zipfile

    names: set[str] = set()
    with zipfile.ZipFile(wheel) as archive:
        for entry in archive.namelist():
            first = entry.split("/", 1)[0]
            if first.endswith((".dist-info", ".data")):
                continue
            if "/" in entry or first.endswith((".py", ".so", ".pyd")):
                names.add(first.split(".", 1)[0])
    return names
