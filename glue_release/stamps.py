"""Skip stamps: a stage that passed is skipped only while every input that decided its verdict is unchanged.

``deploy`` skips the unit tests and the smoke runs when they passed before on the same
inputs. A stamp that leaves an input out gives a false green: tightening ``smoke.checks``
or breaking ``smoke_check.py`` once left ``deploy`` reporting "smoke skipped ... passed
before" while ``./dev smoke`` failed. So each digest below errs on the side of covering
too much: a needless rerun costs seconds, a missed one ships a broken job.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from glue_release.declarations import JobDeclaration
from glue_release.paths import REPO_ROOT

# What a smoke verdict depends on besides the deployment and the job folders: the code that runs and checks it.
SMOKE_TOOL = ("glue_release/smoke", "glue_release/runs/script_runner.py", "glue_release/runs/spark.py")
# Never inputs: what the tool itself writes, and the environments it installs.
NOT_INPUTS = {"build", ".venv", ".tools", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".terraform"}


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not NOT_INPUTS.intersection(p.relative_to(root).parts))


def digest(files: Iterable[Path], extra: Iterable[str] = ()) -> str:
    """SHA-256 over each file's name and bytes (in the given order), then ``extra``."""
    h = hashlib.sha256()
    for path in files:
        h.update(str(path).encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"<missing>")
        h.update(b"\0")
    for item in extra:
        h.update(item.encode() + b"\0")
    return h.hexdigest()


def checkout_files(repo: Path = REPO_ROOT) -> list[Path]:
    """Every file of the checkout that git tracks or would add (not ignored); without git, every file but NOT_INPUTS.

    The unit tests read far more than code (workflows, tasks.py, tfvars, requirements.lock,
    docs they check against), so the whole checkout is their input.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=repo, capture_output=True
    )
    if listed.returncode != 0:
        return _files(repo)
    names = sorted({name for name in listed.stdout.decode().split("\0") if name})
    # A tracked file deleted in the work tree is listed but absent: digest() records it as missing.
    return [repo / name for name in names if not NOT_INPUTS.intersection(Path(name).parts)]


def tests_digest(repo: Path = REPO_ROOT, selection: str = "") -> str:
    """The unit tests' inputs: every checkout file, the interpreter, and which tests were selected."""
    files = checkout_files(repo)
    return digest(files, [sys.version, sys.executable, selection])


def smoke_digest(var_file: Path, jobs: dict[str, JobDeclaration], repo: Path = REPO_ROOT) -> str:
    """A smoke run's inputs: the deployment (the var file Terraform applied: artifacts and declarations),
    every job folder (``job.yaml`` with its ``smoke:`` section, ``smoke_check.py``, samples), samples
    declared outside a job folder, and the tool code that runs and checks the jobs."""
    from glue_release.smoke.spec import parse_smoke

    files = [var_file]
    for name in sorted(jobs):
        job = jobs[name]
        spec = parse_smoke(job)
        files += _files(job.folder)
        for sample in sorted(spec.samples.values()):
            files += _files(sample)
        if spec.check_module is not None:
            files.append(spec.check_module)
    for part in SMOKE_TOOL:
        files += _files(repo / part)
    return digest(files, sorted(jobs))
