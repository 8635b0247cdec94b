"""``invoke run-local``: run a job's entrypoint as Glue would, on its sample data."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from glue_release.declarations import JobDeclaration
from glue_release.errors import UserError
from glue_release.paths import REPO_ROOT
from glue_release.processes import kill_group
from glue_release.runs import glue_local, preview
from glue_release.runs.glue_local import runtimes
from glue_release.runs.glue_local.bookmark_check import check_bookmarks

PREVIEW_ROWS = 5
ROWS_LINE = re.compile(r"^rows (?P<name>\w+)=(?P<rows>\d+|none)$")
RUNTIME_LINE = re.compile(r"^runtime (?P<runtime>python=\S+ pyspark=\S+)$")  # script_runner's first line


@dataclass
class LocalRun:
    job: str
    returncode: int
    rows: dict[str, int | None]
    outputs: dict[str, Path]
    log: list[str]  # what the script printed, when not echoed
    timed_out: bool = False  # killed after ``timeout_s``; returncode is then the kill signal's
    previews: dict[str, tuple[list[str], list[list[str | None]]]] = field(default_factory=dict)  # columns, rows
    runtime: str = ""  # "python=3.13.1 pyspark=4.1.1": what the script actually ran on


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """``name=value`` strings from ``--arg`` into a map; the name may carry leading dashes."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        name = name.lstrip("-")
        if not eq or not name:
            raise UserError(f"--arg {pair!r}: expected name=value, e.g. --arg min_age=21")
        overrides[name] = value
    return overrides


def job_arguments(job: JobDeclaration, output_root: Path, overrides: dict[str, str]) -> dict[str, str]:
    """The job's arguments for a local run: declared defaults, sample inputs, local outputs, then overrides."""
    args = dict(job.arguments)
    for name, location in job.inputs.items():
        if location.sample is None and name not in overrides:
            raise UserError(f"{job.name}: input {name} has no sample in job.yaml; add one or pass --arg {name}=PATH")
        if location.sample is not None:
            args[name] = str((job.folder / location.sample).resolve())
    for name in job.outputs:
        args[name] = str(output_root / name)
    args.update(overrides)
    return args


def to_argv(job_name: str, args: dict[str, str]) -> list[str]:
    argv = ["--JOB_NAME", job_name]
    for name, value in args.items():
        argv += [f"--{name}", value]
    return argv


def run_script(
    script: Path,
    job_name: str,
    args: dict[str, str],
    outputs: dict[str, Path],
    python_path: list[Path],
    echo: bool = True,
    timeout_s: float | None = None,
    preview_rows: int = 0,
    extra_env: dict[str, str] | None = None,
    python: str | None = None,
) -> LocalRun:
    """Run ``script`` in a fresh Python process (its own JVM), as ``__main__``; parse its row counts.

    With ``timeout_s`` the script is killed when it runs longer (``timed_out`` is set). It runs in a
    process group of its own, and the whole group is killed: at the timeout, and when the script ends
    or this function is interrupted, so that no child of the job (its JVM, or anything it started that
    holds our pipe open) outlives the run or keeps us reading past the timeout.
    """
    cmd = [python or sys.executable, "-m", "glue_release.runs.script_runner"]
    cmd += ["--script", str(script), "--app-name", job_name]
    for entry in python_path:
        cmd += ["--path", str(entry)]
    for name, folder in outputs.items():
        cmd += ["--count", f"{name}={folder}"]
    cmd += ["--preview", str(preview_rows), "--", *to_argv(job_name, args)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]))
    env.update(extra_env or {})
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=None if echo else subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    rows: dict[str, int | None] = {}
    previews: dict[str, tuple[list[str], list[list[str | None]]]] = {}
    log: list[str] = []
    runtime: list[str] = []
    assert proc.stdout is not None
    stdout = proc.stdout

    def read() -> None:
        for line in stdout:
            match = ROWS_LINE.match(line.strip())
            shown = preview.decode(line.strip())
            ran_on = RUNTIME_LINE.match(line.strip())
            if ran_on:
                runtime.append(ran_on["runtime"])
            elif match:
                rows[match["name"]] = None if match["rows"] == "none" else int(match["rows"])
            elif shown is not None:
                previews[shown[0]] = (shown[1], shown[2])
            elif echo:
                print(line, end="")
            else:
                log.append(line.rstrip("\n"))

    # Read in a thread and wait on the process, not on the pipe: a child of the job that inherited
    # the pipe keeps it open after the script ended (or was killed), and must not hold us.
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    timed_out = False
    try:
        try:
            returncode = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            kill_group(proc.pid)
            returncode = proc.wait()
    finally:
        # Interrupted here (Ctrl-C), or the script ended with children still running: leave none behind.
        kill_group(proc.pid)
        proc.wait()
        reader.join()
    return LocalRun(
        job=job_name,
        returncode=returncode,
        rows=rows,
        outputs=outputs,
        log=log,
        timed_out=timed_out,
        previews=previews,
        runtime=runtime[0] if runtime else "",
    )


def run_local(
    job: JobDeclaration,
    overrides: dict[str, str],
    output_root: Path,
    echo: bool = True,
    bookmarks_dir: Path | None = None,
    preview_rows: int = PREVIEW_ROWS,
) -> LocalRun:
    """Run the job from the source tree on its sample data, writing under ``output_root``; read back the first rows.

    Bookmark state (awsglue-style jobs) is kept in ``bookmarks_dir`` (default build/local-run/bookmarks).
    """
    check_bookmarks(job)
    if output_root.exists():
        shutil.rmtree(output_root)
    output_root.mkdir(parents=True)
    args = {**glue_local.bookmark_argument(job), **job_arguments(job, output_root, overrides)}
    outputs = {name: Path(args[name]) for name in job.outputs}
    # awsglue-style scripts get local_glue's awsglue and its settings (s3 mapping, catalog, bookmarks).
    settings = glue_local.local_settings(job, output_root, bookmarks_dir=bookmarks_dir)
    settings_file = settings.write(output_root / "glue_local.json")
    return run_script(
        job.script,
        job.name,
        args,
        outputs,
        python_path=[job.folder.parent, glue_local.LOCAL_GLUE_DIR, *python_modules_path(job)],
        echo=echo,
        preview_rows=preview_rows,
        extra_env={glue_local.CONFIG_ENV: str(settings_file)},
        python=runtimes.interpreter(job.glue_version),  # Glue 6.0: its own Python 3.13 + Spark 4 environment
    )


def python_modules_path(job: JobDeclaration) -> list[Path]:
    """The job's declared wheels, installed once per wheel set, for its ``sys.path`` (empty without any)."""
    if not job.python_modules:
        return []
    from glue_release.artifacts.dependencies.local_env import site_dir

    site = site_dir(job.python_modules)
    return [site] if site else []
