"""Invoke tasks: flags and help only; the work is in the glue_release package."""

from invoke import Collection

from glue_release import commands
from glue_release.cli import task


@task(help={"unit": "only the fast tests (jobs and tool), no emulator, Terraform or extra Spark processes"})
def test(c, unit=False):
    """Run every test: job transforms, the release tool, Terraform modules, the emulator end to end."""
    commands.test(unit=unit)


@task(
    iterable=["arg"],
    help={"job": "job name (a folder under jobs/)", "arg": "override a job argument: name=value (repeatable)"},
)
def run_local(c, job, arg=None):
    """Run a job's entrypoint as Glue would, on its sample data; print the rows it wrote."""
    commands.run_local(job, arg or [])


@task(help={"name": "the new job's name: lowercase letters, digits, underscores"})
def new_job(c, name):
    """Scaffold jobs/NAME: declaration, entrypoint, transforms, a passing test and sample data."""
    commands.new_job(name)


ns = Collection(test, run_local, new_job)
