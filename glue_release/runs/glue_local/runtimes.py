"""The local runtime for each Glue version: 5.x is this project's .venv; 6.0 gets its own, made on demand.

Glue 5.0/5.1 run Spark 3.5 on Python 3.11 (this .venv). Glue 6.0 runs Spark 4.1 on Python 3.13
("Migrating AWS Glue for Spark jobs to AWS Glue version 6.0",
https://docs.aws.amazon.com/glue/latest/dg/migrating-version-60.html): a 6.0 job's local runs,
smoke runs and tests use ``.venv-glue6``, created the first time one needs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from glue_release.errors import UserError
from glue_release.paths import REPO_ROOT


@dataclass(frozen=True)
class Runtime:
    glue_version: str
    python: str  # major.minor
    requirements: tuple[str, ...]
    venv: Path | None  # None: this process's own environment

    @property
    def stamp(self) -> Path | None:
        if self.venv is None:
            return None
        digest = "-".join(self.requirements).replace("<", "lt").replace(">", "gt").replace("=", "eq").replace(",", "_")
        return self.venv / f".installed-{digest[:80]}"


GLUE6_REQUIREMENTS = ("pyspark>=4.1,<4.2", "PyYAML>=6", "pytest>=8", "chispa>=0.10")
RUNTIMES = {
    "4.0": Runtime("4.0", "3.11", (), None),  # (Glue 4.0 is Spark 3.3 on 3.10; run on 5.0's, as before)
    "5.0": Runtime("5.0", "3.11", (), None),
    "5.1": Runtime("5.1", "3.11", (), None),
    "6.0": Runtime("6.0", "3.13", GLUE6_REQUIREMENTS, REPO_ROOT / ".venv-glue6"),
}


def find_python(version: str) -> str:
    """A Python ``version`` interpreter: $PYTHON<major><minor> (e.g. PYTHON313), then PATH, then pyenv."""
    env = os.environ.get("PYTHON" + version.replace(".", ""))
    candidates = [env] if env else []
    candidates.append(shutil.which(f"python{version}") or "")
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += [str(p / "bin" / f"python{version}") for p in sorted(pyenv.glob(f"{version}.*"), reverse=True)]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            probe = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True
            )
            if probe.returncode == 0 and probe.stdout.strip() == version:
                return candidate
    raise UserError(f"Glue 6.0 jobs run locally on Python {version}, not installed here; install it or set PYTHON313")


def ensure(runtime: Runtime) -> str:
    """The interpreter for ``runtime``, creating its environment first when it is missing or stale."""
    if runtime.venv is None:
        return sys.executable
    python = runtime.venv / "bin" / "python"
    stamp = runtime.stamp
    assert stamp is not None
    if not stamp.exists():
        print(f"setting up {runtime.venv.name} for Glue {runtime.glue_version} (once, minutes)...", file=sys.stderr)
        base = find_python(runtime.python)
        subprocess.run([base, "-m", "venv", "--clear", str(runtime.venv)], check=True)
        result = subprocess.run([str(python), "-m", "pip", "install", "-q", *runtime.requirements])
        if result.returncode != 0:
            raise UserError(f"could not install {', '.join(runtime.requirements)} into {runtime.venv}; see pip above")
        stamp.touch()
    return str(python)


def interpreter(glue_version: str) -> str:
    if glue_version not in RUNTIMES:
        raise UserError(f"no local runtime for Glue {glue_version}; known: {', '.join(RUNTIMES)}")
    return ensure(RUNTIMES[glue_version])


def job_test_runs(jobs: dict, repo_root: Path = REPO_ROOT) -> tuple[list[str], list[list[str]]]:
    """Split the test run by runtime: pytest args that leave other-runtime jobs out, and one command per runtime.

    A 6.0 job's tests import what Spark 4 / Python 3.13 offer, so they run in .venv-glue6.
    """
    ignore: list[str] = []
    by_runtime: dict[str, list[str]] = {}
    for job in jobs.values():
        runtime = RUNTIMES.get(job.glue_version)
        if runtime is None or runtime.venv is None or not (job.folder / "tests").is_dir():
            continue
        tests = str((job.folder / "tests").relative_to(repo_root))
        ignore.append(f"--ignore={tests}")
        by_runtime.setdefault(job.glue_version, []).append(tests)
    commands = [[interpreter(version), "-m", "pytest", *paths] for version, paths in sorted(by_runtime.items())]
    return ignore, commands
