import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from glue_release import declarations
from glue_release.artifacts import packaging
from glue_release.errors import UserError
from glue_release.paths import JOBS_DIR, RUNTIME_DIR


@pytest.fixture
def jobs_copy(tmp_path: Path) -> Path:
    """The sample jobs in a scratch folder, to edit freely."""
    target = tmp_path / "jobs"
    shutil.copytree(JOBS_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def build(jobs_dir: Path, out: Path) -> packaging.Manifest:
    return packaging.package(declarations.load_jobs(jobs_dir), out)


def test_same_source_gives_same_bytes_and_keys(jobs_copy, tmp_path):
    first = build(jobs_copy, tmp_path / "a")
    for file in jobs_copy.rglob("*.py"):  # a fresh checkout: new mtimes and modes
        file.touch()
        file.chmod(0o600)
    second = build(jobs_copy, tmp_path / "b")
    assert [a.key for a in first.artifacts()] == [a.key for a in second.artifacts()]
    for a, b in zip(first.artifacts(), second.artifacts(), strict=True):
        assert Path(a.path).read_bytes() == Path(b.path).read_bytes()
    assert (tmp_path / "a" / "release.tfvars.json").read_text() == (tmp_path / "b" / "release.tfvars.json").read_text()


def test_keys_are_the_sha256_of_the_bytes(jobs_copy, tmp_path):
    manifest = build(jobs_copy, tmp_path / "out")
    for artifact in manifest.artifacts():
        data = Path(artifact.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == artifact.sha256
        assert f"/{artifact.sha256}/" in artifact.key
    assert manifest.library.key.startswith("lib/") and manifest.library.key.endswith("/glue_runtime.zip")
    script = manifest.jobs["customers_clean"].script.key
    assert script.startswith("jobs/customers_clean/") and script.endswith("/main.py")


def test_zips_hold_the_packages_without_tests_or_script(jobs_copy, tmp_path):
    manifest = build(jobs_copy, tmp_path / "out")
    names = zipfile.ZipFile(manifest.jobs["orders_daily_revenue"].module.path).namelist()
    assert names == ["orders_daily_revenue/__init__.py", "orders_daily_revenue/transforms.py"]
    library = zipfile.ZipFile(manifest.library.path).namelist()
    assert "glue_runtime/args.py" in library and all(n.startswith("glue_runtime/") for n in library)


def test_one_changed_job_changes_only_its_artifact(jobs_copy, tmp_path):
    before = build(jobs_copy, tmp_path / "a")
    transforms = jobs_copy / "revenue_rolling_7d" / "transforms.py"
    transforms.write_text(transforms.read_text() + "\n# a change\n")
    after = build(jobs_copy, tmp_path / "b")
    changed = {a.key for a in after.artifacts()} - {a.key for a in before.artifacts()}
    assert changed == {after.jobs["revenue_rolling_7d"].module.key}


def test_syntax_error_stops_before_anything_is_built(jobs_copy, tmp_path):
    (jobs_copy / "customers_clean" / "transforms.py").write_text("def broken(:\n    pass\n")
    with pytest.raises(UserError, match=r"customers_clean/transforms\.py:1: .*nothing was packaged or uploaded"):
        build(jobs_copy, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_library_syntax_error_is_caught_too(tmp_path):
    runtime = tmp_path / "glue_runtime"
    shutil.copytree(RUNTIME_DIR, runtime, ignore=shutil.ignore_patterns("__pycache__"))
    (runtime / "args.py").write_text("x = = 1\n")
    with pytest.raises(UserError, match=r"glue_runtime/args\.py:1"):
        packaging.compile_check({}, runtime)


def test_terraform_vars_carry_declarations_and_keys(jobs_copy, tmp_path):
    manifest = build(jobs_copy, tmp_path / "out")
    tfvars = json.loads((tmp_path / "out" / "release.tfvars.json").read_text())
    assert set(tfvars) == {"jobs", "catalog_tables", "artifacts"}
    assert tfvars["jobs"]["revenue_rolling_7d"]["depends_on"] == ["orders_daily_revenue"]
    assert tfvars["artifacts"]["jobs"]["customers_clean"]["script_key"] == manifest.jobs["customers_clean"].script.key
    assert tfvars["artifacts"]["library_key"] == manifest.library.key
    assert packaging.Manifest.read(tmp_path / "out" / "manifest.json") == manifest


def test_packaging_never_ships_the_local_awsglue(jobs_copy, tmp_path):
    # local_glue/awsglue must never reach Glue, where it would shadow the real awsglue.
    from glue_release import scaffold
    from glue_release.runs.glue_local import LOCAL_GLUE_DIR

    scaffold.new_job("glue_style", jobs_copy, tidy=False, style="glue")  # a job that imports awsglue
    manifest = build(jobs_copy, tmp_path / "out")
    local_files = {p.read_bytes() for p in LOCAL_GLUE_DIR.rglob("*.py")}
    for artifact in manifest.artifacts():
        data = Path(artifact.path).read_bytes()
        if artifact.path.endswith(".zip"):
            archive = zipfile.ZipFile(artifact.path)
            assert not [n for n in archive.namelist() if "awsglue" in n or "local_glue" in n], artifact.key
            assert not local_files & {archive.read(n) for n in archive.namelist()}, artifact.key
        else:
            assert data not in local_files, artifact.key
    assert "glue_style" in manifest.jobs
