"""``invoke package``: compile-check, build content-hashed artifacts, write the manifest and Terraform's var file.

Artifacts are addressed by the SHA-256 of their bytes, so the same source gives
the same key on every machine and a plan shows a job's change exactly when its
code changed. Nothing is uploaded here; ``upload`` reads the manifest.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import tokenize
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from glue_release.declarations import JobDeclaration
from glue_release.errors import UserError
from glue_release.paths import REPO_ROOT, RUNTIME_DIR

# Every zip entry gets the same timestamp and mode: zip headers would otherwise
# carry the checkout's mtimes and umask, and the hash would change per machine.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o644 << 16
LIBRARY_NAME = "glue_runtime"


@dataclass(frozen=True)
class Artifact:
    key: str
    sha256: str  # hex
    size: int
    path: str  # the built file, relative to the repository

    @property
    def checksum_b64(self) -> str:
        """The digest as S3's ``ChecksumSHA256`` wants it."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode()


@dataclass(frozen=True)
class JobArtifacts:
    script: Artifact
    module: Artifact
    python_modules: tuple[Artifact, ...] = ()  # wheels of the job's python_modules, for Glue's platform


@dataclass(frozen=True)
class Manifest:
    git_commit: str
    built_at: str
    library: Artifact
    jobs: dict[str, JobArtifacts]

    def artifacts(self) -> list[Artifact]:
        return [
            self.library,
            *(a for job in self.jobs.values() for a in (job.module, job.script, *job.python_modules)),
        ]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserError(f"{path} not found; run `invoke package` first") from None
        except (ValueError, UnicodeDecodeError):  # JSONDecodeError is a ValueError
            data = None
        try:
            return cls(
                git_commit=data["git_commit"],
                built_at=data["built_at"],
                library=Artifact(**data["library"]),
                jobs={
                    name: JobArtifacts(
                        script=Artifact(**job["script"]),
                        module=Artifact(**job["module"]),
                        python_modules=tuple(Artifact(**a) for a in job.get("python_modules", [])),
                    )
                    for name, job in data["jobs"].items()
                },
            )
        except (KeyError, TypeError, AttributeError):
            # A truncated or hand-edited build file (a killed run, a bad merge): `package` writes it anew.
            raise UserError(
                f"{path} is damaged (not a manifest `invoke package` wrote); run `invoke package` again"
            ) from None


def compile_check(jobs: dict[str, JobDeclaration], runtime_dir: Path = RUNTIME_DIR) -> int:
    """Compile every shipped Python file in memory; the first error stops the release. Returns the file count."""
    files = sorted(runtime_dir.rglob("*.py"))
    for job in jobs.values():
        files += _job_sources(job.folder)
    scripts = {job.script for job in jobs.values()}
    for file in files:
        source = file.read_bytes()
        if file in scripts and not source.strip():
            raise UserError(f"{_rel(file)} is empty: Glue would run nothing and report success; write the job's code")
        try:
            # compile() accepts bytes that are not UTF-8 inside comments; Python (and Glue) refuse the file.
            source.decode(tokenize.detect_encoding(io.BytesIO(source).readline)[0])
        except (UnicodeDecodeError, SyntaxError) as exc:
            line = source[: getattr(exc, "start", 0)].count(b"\n") + 1
            raise UserError(
                f"{_rel(file)}: not UTF-8 text (line {line}); save it as UTF-8 (nothing was packaged or uploaded)"
            ) from None
        try:
            compile(source, str(file), "exec", dont_inherit=True)
        except SyntaxError as exc:
            where = f"{_rel(file)}:{exc.lineno}" if exc.lineno else _rel(file)
            raise UserError(f"{where}: {exc.msg}; fix it and run again (nothing was packaged or uploaded)") from None
    return len(files)


# Run by the smoke stage from the checkout, never by Glue: shipping it would
# change the job's artifact (and plan a deploy) for a test-only edit.
NOT_SHIPPED = {"smoke_check.py"}


def _job_sources(folder: Path) -> list[Path]:
    """The job's Python files that ship: everything except its tests and smoke check."""
    return sorted(
        p
        for p in folder.rglob("*.py")
        if p.is_file()
        and "tests" not in p.relative_to(folder).parts
        and p.name not in NOT_SHIPPED
        and "__pycache__" not in p.parts
    )


def reproducible_zip(entries: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend only on the entry names and contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.external_attr = ZIP_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever the host
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def _store(out_dir: Path, key_prefix: str, filename: str, data: bytes) -> Artifact:
    digest = hashlib.sha256(data).hexdigest()
    key = f"{key_prefix}/{digest}/{filename}"
    path = out_dir / key
    # Reuse a file from an earlier run only when it still holds these bytes: an edited or truncated
    # build file would otherwise be uploaded under a key naming other content.
    if not (path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest):
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(data)
        os.replace(temp, path)
    return Artifact(key=key, sha256=digest, size=len(data), path=_rel(path))


def library_artifact(out_dir: Path, runtime_dir: Path = RUNTIME_DIR) -> Artifact:
    entries = {
        f"{LIBRARY_NAME}/{p.relative_to(runtime_dir).as_posix()}": p.read_bytes()
        for p in runtime_dir.rglob("*.py")
        if "__pycache__" not in p.parts
    }
    return _store(out_dir, "lib", f"{LIBRARY_NAME}.zip", reproducible_zip(entries))


def job_artifacts(job: JobDeclaration, out_dir: Path) -> JobArtifacts:
    """The script Glue runs, and the job's own package (minus script and tests) for ``--extra-py-files``."""
    entries = {
        f"{job.name}/{p.relative_to(job.folder).as_posix()}": p.read_bytes()
        for p in _job_sources(job.folder)
        if p != job.script
    }
    return JobArtifacts(
        script=_store(out_dir, f"jobs/{job.name}", "main.py", job.script.read_bytes()),
        module=_store(out_dir, f"jobs/{job.name}", f"{job.name}.zip", reproducible_zip(entries)),
        python_modules=python_module_artifacts(job, out_dir),
    )


def python_module_artifacts(job: JobDeclaration, out_dir: Path) -> tuple[Artifact, ...]:
    """The job's declared wheels, keyed by content under its own prefix (the role reads jobs/<job>/ already).

    Refuses first a job that imports a third-party module it does not declare.
    """
    from glue_release.artifacts.dependencies import imports, wheels

    resolved = wheels.resolve(job.python_modules, job.glue_version)
    provided = set().union(*(wheels.top_level_modules(w.path) for w in resolved)) if resolved else set()
    imports.check_declared(job.name, _job_sources(job.folder), job.folder, provided)
    return tuple(_store(out_dir, f"jobs/{job.name}/python", w.filename, w.path.read_bytes()) for w in resolved)


def git_commit(repo: Path = REPO_ROOT) -> str:
    """The commit being packaged, marked ``-dirty`` when the work tree has changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}-dirty" if dirty.strip() else commit


def terraform_vars(jobs: dict[str, JobDeclaration], manifest: Manifest, env: str | None = None) -> dict[str, object]:
    """Terraform's ``jobs``, ``catalog_tables`` and ``artifacts`` variables (docs/architecture.md) for ``env``.

    No timestamps: plans must be stable.
    """
    from glue_release import catalog

    tables = catalog.load_catalog(catalog_dir(jobs))
    for name, job in sorted(jobs.items()):
        catalog.check_reads(name, job.declaration_file, job.catalog_reads, tables)
    return {
        "jobs": {name: job.terraform_value(env) for name, job in sorted(jobs.items())},
        "catalog_tables": catalog.terraform_value(tables),
        "artifacts": {
            "library_key": manifest.library.key,
            "jobs": {
                name: {
                    "script_key": a.script.key,
                    "module_key": a.module.key,
                    "python_module_keys": [w.key for w in a.python_modules],
                }
                for name, a in sorted(manifest.jobs.items())
            },
        },
    }


def catalog_dir(jobs: dict[str, JobDeclaration]) -> Path:
    """``catalog/`` beside the jobs' ``jobs/`` folder (a rollback checkout has its own); the repository's by default."""
    parents = {job.folder.parent for job in jobs.values()}
    return parents.pop().parent / "catalog" if len(parents) == 1 else REPO_ROOT / "catalog"


def effective_settings(jobs: dict[str, JobDeclaration], env: str | None) -> dict[str, dict[str, object]]:
    """Per job, the settings an environment override can change, and which ones ``env`` changes (for plan.md)."""
    settings: dict[str, dict[str, object]] = {}
    for name, job in sorted(jobs.items()):
        value = job.terraform_value(env)
        settings[name] = {
            **{k: value[k] for k in ("worker_type", "number_of_workers", "timeout_minutes", "schedule")},
            "schedule_enabled": value["schedule_enabled"],
            "overridden": job.overridden_in(env) if env else [],
        }
    return settings


def package(
    jobs: dict[str, JobDeclaration],
    build_dir: Path,
    runtime_dir: Path = RUNTIME_DIR,
    commit: str | None = None,
    env: str | None = None,
) -> Manifest:
    """Compile-check, build artifacts under ``build_dir/artifacts``, write manifest.json and release.tfvars.json.

    ``env``: whose ``environments:`` overrides go into release.tfvars.json (None: the declarations as written).
    """
    compile_check(jobs, runtime_dir)
    from glue_release.runs.glue_local.bookmark_check import check_bookmarks  # here: glue_local imports declarations

    for job in jobs.values():
        check_bookmarks(job)
    out_dir = build_dir / "artifacts"
    manifest = Manifest(
        git_commit=commit or git_commit(),
        built_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        library=library_artifact(out_dir, runtime_dir),
        jobs={name: job_artifacts(job, out_dir) for name, job in sorted(jobs.items())},
    )
    build_dir.mkdir(parents=True, exist_ok=True)
    (build_dir / "manifest.json").write_text(manifest.to_json())
    (build_dir / "release.tfvars.json").write_text(json.dumps(terraform_vars(jobs, manifest, env), indent=2) + "\n")
    (build_dir / "effective.json").write_text(json.dumps(effective_settings(jobs, env), indent=2) + "\n")
    return manifest


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
