"""Invoke tasks: flags and help only; the work is in the glue_release package."""

from invoke import Collection, Exit

from glue_release import commands
from glue_release.cli import task

ENV_HELP = "environment: local (the emulator, default), dev, test or prod"


@task(help={"unit": "only the fast tests (jobs and tool), no emulator, Terraform or extra Spark processes"})
def test(c, unit=False):
    """Run every test: job transforms, the release tool, Terraform modules, the emulator end to end."""
    commands.test(unit=unit)


@task
def lint(c):
    """Static checks: ruff, terraform fmt/validate, checkov (SARIF in build/), actionlint, zizmor."""
    commands.lint(c.config)


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


@task(help={"env": ENV_HELP})
def package(c, env="local"):
    """Compile-check and build content-hashed artifacts, manifest and Terraform var file under build/ENV/."""
    commands.package(env, c.config)


@task(help={"env": ENV_HELP})
def upload(c, env="local"):
    """Upload the packaged artifacts that the artifacts bucket does not have yet."""
    commands.upload(env, c.config)


@task(
    help={
        "env": ENV_HELP,
        "detailed_exitcode": "exit 2 when the plan has changes (0: none)",
        "lock": "take the state lock (--no-lock: read-only plans for review, PRs; never applied as they are)",
    }
)
def plan(c, env="local", detailed_exitcode=False, lock=True):
    """Package, then save a Terraform plan and its Markdown review summary (build/ENV/plan.md)."""
    code = commands.plan(env, c.config, detailed_exitcode, lock)
    if code:
        raise Exit(code=code)


@task(
    help={
        "env": ENV_HELP,
        "plan": "the saved plan to apply (default build/ENV/tfplan)",
        "lock_timeout": "wait this long for the state lock, e.g. 10m (default: fail at once)",
    }
)
def apply(c, env="local", plan=None, lock_timeout=None):
    """Apply exactly a saved plan."""
    commands.apply(env, c.config, plan, lock_timeout)


@task(
    help={
        "env": ENV_HELP,
        "skip_tests": "do not run unit tests first",
        "smoke": "run smoke runs at the end",
        "lock_timeout": "wait this long for the state lock, e.g. 10m (default: fail at once)",
    }
)
def deploy(c, env="local", skip_tests=False, smoke=True, lock_timeout=None):
    """Test, package, upload, plan, apply (when there are changes) and smoke-run the jobs."""
    commands.deploy(env, c.config, skip_tests=skip_tests, smoke=smoke, lock_timeout=lock_timeout)


@task(
    iterable=["job"],
    help={"env": ENV_HELP, "job": "only this job (repeatable)", "timeout": "seconds one job run may take"},
)
def smoke(c, env="local", job=None, timeout=900):
    """Run the deployed jobs on sample data under _smoke/ and check what they wrote."""
    commands.smoke(env, c.config, job or [], float(timeout))


@task(help={"env": ENV_HELP, "lock": "take the state lock (--no-lock with the read-only plan role)"})
def drift(c, env="local", lock=True):
    """Exit 2 and write build/ENV/drift.md when something changed outside Terraform (undeployed code: pending.md)."""
    code = commands.drift(env, c.config, lock)
    if code:
        raise Exit(code=code)


@task(
    help={
        "env": ENV_HELP,
        "to": "the commit whose jobs to deploy again (CI accepts only a full SHA on main)",
        "plan_only": "package and plan only (no upload, no apply): apply the reviewed plan with `apply --plan`",
        "lock": "take the state lock (--no-lock with --plan-only and the read-only plan role)",
    }
)
def rollback(c, to, env="local", plan_only=False, lock=True):
    """Deploy the jobs of an earlier commit again (their artifacts are still stored): plan, then apply."""
    commands.rollback(env, c.config, to, plan_only=plan_only, lock=lock)


@task(help={"env": ENV_HELP})
def bootstrap(c, env="local"):
    """Create what must exist before the main plan: state and artifacts buckets (once per account)."""
    commands.bootstrap(env, c.config)


@task(name="up")
def local_up(c):
    """Start the local AWS emulator (moto's server on 127.0.0.1)."""
    commands.local_up(c.config)


@task(name="down")
def local_down(c):
    """Stop the local AWS emulator; its state goes with it."""
    commands.local_down(c.config)


@task(name="status")
def local_status(c):
    """Say whether the local AWS emulator is running."""
    commands.local_status(c.config)


ns = Collection(test, lint, run_local, new_job, package, upload, plan, apply, deploy, smoke, drift, rollback, bootstrap)
ns.add_collection(Collection("local", local_up, local_down, local_status))
