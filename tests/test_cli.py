"""Every task's ``--help`` prints its help, whatever its arguments; ``test --job`` reaches pytest."""

from __future__ import annotations

import sys

import pytest
from invoke import Program

import tasks
from glue_release import commands

TASK_NAMES = sorted(tasks.ns.task_names)


def run_cli(*argv: str) -> None:
    Program(namespace=tasks.ns, binary="dev").run(["dev", *argv], exit=False)


def flags_of(name: str) -> list[str]:
    """Each argument's long flag as invoke's help shows it (``--[no-]smoke`` for a True default)."""
    flags = []
    for arg in tasks.ns[name].get_arguments():
        dashed = arg.name.replace("_", "-")
        flags.append(f"--[no-]{dashed}" if arg.kind is bool and arg.default is True else f"--{dashed}")
    return flags


@pytest.mark.parametrize("name", TASK_NAMES)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_works_for_every_task(name, flag, capsys, monkeypatch):
    # Had the body run, it would have touched the project (or failed): nothing in commands may be called.
    for attr in dir(commands):
        if callable(getattr(commands, attr)) and not attr.startswith("_"):
            monkeypatch.setattr(commands, attr, lambda *a, _attr=attr, **k: pytest.fail(f"{_attr} ran"))
    run_cli(name, flag)
    out, err = capsys.readouterr()
    assert "error" not in err, err
    assert out.startswith("Usage: ") and f" [--core-opts] {name} " in out.splitlines()[0], out
    for long_flag in flags_of(name):
        assert long_flag in out, f"{long_flag} missing from the help of {name}:\n{out}"


def test_task_list_is_not_empty():
    # Guards the parametrisation above: an empty namespace would make it pass vacuously.
    assert {"run-local", "new-job", "rollback", "deploy", "test"} <= set(TASK_NAMES)


def test_test_task_passes_every_job_flag(monkeypatch):
    seen = {}
    monkeypatch.setattr(commands, "test", lambda **kw: seen.update(kw))
    run_cli("test", "--job", "orders_daily_revenue", "-j", "customers_clean", "--unit")
    assert seen == {"unit": True, "jobs": ["orders_daily_revenue", "customers_clean"]}


def test_pytest_command_runs_only_the_named_jobs(tmp_path):
    from glue_release import scaffold
    from glue_release.errors import UserError

    for name in ("job_one", "job_two", "job_three"):
        scaffold.new_job(name, tmp_path, tidy=False)
    cmd = commands.pytest_command(jobs=["job_two", "job_one", "job_two"], jobs_dir=tmp_path)
    assert cmd[-2:] == [str(tmp_path / "job_two"), str(tmp_path / "job_one")]
    assert cmd[:3] == [sys.executable, "-m", "pytest"] and len(cmd) == 5  # no marker filter without --unit
    with pytest.raises(UserError, match="unknown job 'nope'"):
        commands.pytest_command(jobs=["nope"], jobs_dir=tmp_path)


def test_new_job_hint_uses_dev_and_runs_only_that_job(tmp_path, capsys):
    commands.new_job("hinted_job", jobs_dir=tmp_path)
    out = capsys.readouterr().out
    assert "./dev test --job hinted_job" in out and "./dev run-local --job hinted_job" in out, out
    assert "invoke" not in out, out
