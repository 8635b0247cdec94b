"""Invoke tasks: flags and help only; the work is in the glue_release package."""

from pathlib import Path

from invoke import Collection, Exit

from glue_release.cli import check_project_config, lazy_module, task

check_project_config(Path(__file__).with_name("invoke.yaml"))  # before invoke reads it
# Imported on first use: `invoke validate` must not pay for boto3 and Terraform's wrapper.
commands = lazy_module("glue_release.commands")

ENV_HELP = "environment: local (the emulator, default), dev, test or prod"
VERBOSE_HELP = "show Terraform's full output (default: a progress line; the output is in build/ENV/logs/)"


def _config(c, verbose):
    """invoke's config, with --verbose folded in (the setting `verbose` in invoke.yaml does the same)."""
    if verbose:
        c.config.verbose = True
    return c.config


@task(
    iterable=["job"],
    help={
        "unit": "only the fast tests (jobs and tool), no emulator, Terraform or extra Spark processes",
        "job": "only this job's tests, jobs/NAME/ (repeatable)",
    },
)
def test(c, unit=False, job=None):
    """Run every test: job transforms, the release tool, Terraform modules, the emulator end to end."""
    commands.test(unit=unit, jobs=job or [])


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


@task(
    help={
        "name": "the new job's name: lowercase letters, digits, underscores",
        "style": "runtime (glue_runtime + DataFrames, default) or glue (awsglue: GlueContext, DynamicFrames)",
    }
)
def new_job(c, name, style="runtime"):
    """Scaffold jobs/NAME: declaration, entrypoint, transforms, a passing test and sample data."""
    commands.new_job(name, style)


@task
def validate(c):
    """Check every jobs/*/job.yaml and the rules across jobs (cycles, overlapping outputs); no AWS, no build."""
    from glue_release.declarations.validate import validate as check

    print(check())


@task(help={"env": ENV_HELP})
def package(c, env="local"):
    """Compile-check and build content-hashed artifacts, manifest and Terraform var file under build/ENV/."""
    commands.package(env, c.config)


@task(help={"env": ENV_HELP})
def upload(c, env="local"):
    """Upload the packaged artifacts that the artifacts bucket does not have yet."""
    commands.upload(env, c.config)


ALLOW_HELP = "accept the policy gate's findings for this resource address, module prefix or glob (repeatable)"
LOCK_HELP = "take the state lock (--no-lock: read-only plans for review, PRs, drift; never applied as they are)"


@task(
    iterable=["allow"],
    help={
        "env": ENV_HELP,
        "detailed_exitcode": "exit 2 when the plan has changes (0: none)",
        "allow": ALLOW_HELP,
        "verbose": VERBOSE_HELP,
        "lock": LOCK_HELP,
    },
)
def plan(c, env="local", detailed_exitcode=False, allow=None, verbose=False, lock=True):
    """Package, then save a Terraform plan and its Markdown review summary (build/ENV/plan.md)."""
    code = commands.plan(env, _config(c, verbose), detailed_exitcode, allow or [], lock=lock)
    if code:
        raise Exit(code=code)


@task(
    help={
        "env": ENV_HELP,
        "plan": "the saved plan to apply (default build/ENV/tfplan)",
        "verbose": VERBOSE_HELP,
        "lock_timeout": "wait this long for the state lock, e.g. 10m (default: fail at once)",
    }
)
def apply(c, env="local", plan=None, verbose=False, lock_timeout=None):
    """Apply exactly a saved plan."""
    commands.apply(env, _config(c, verbose), plan, lock_timeout)


@task(
    iterable=["allow"],
    help={
        "env": ENV_HELP,
        "skip_tests": "do not run unit tests first",
        "smoke": "run smoke runs at the end",
        "allow": ALLOW_HELP,
        "verbose": VERBOSE_HELP,
        "lock_timeout": "wait this long for the state lock, e.g. 10m (default: fail at once)",
    },
)
def deploy(c, env="local", skip_tests=False, smoke=True, allow=None, verbose=False, lock_timeout=None):
    """Test, package, upload, plan, apply (when there are changes) and smoke-run the jobs."""
    commands.deploy(
        env, _config(c, verbose), skip_tests=skip_tests, smoke=smoke, allow=allow or [], lock_timeout=lock_timeout
    )


@task(
    iterable=["job"],
    help={"env": ENV_HELP, "job": "only this job (repeatable)", "timeout": "seconds one job run may take"},
)
def smoke(c, env="local", job=None, timeout="900"):  # text: invoke's int() would fail with a traceback
    """Run the deployed jobs on sample data under _smoke/ and check what they wrote."""
    commands.smoke(env, c.config, job or [], timeout)


@task(help={"env": ENV_HELP, "verbose": VERBOSE_HELP, "lock": LOCK_HELP})
def drift(c, env="local", verbose=False, lock=True):
    """Exit 2 and write build/ENV/drift.md when something changed outside Terraform (undeployed code: pending.md)."""
    code = commands.drift(env, _config(c, verbose), lock)
    if code:
        raise Exit(code=code)


@task(
    iterable=["allow"],
    help={
        "env": ENV_HELP,
        "to": "the commit whose jobs to deploy again (CI accepts only a full SHA on main)",
        "remove_newer": "also destroy jobs added after that commit (their roles and log groups); default: keep them",
        "plan_only": "package and plan only (no upload, no apply): apply the reviewed plan with `apply --plan`",
        "lock": LOCK_HELP,
        "allow": ALLOW_HELP,
        "verbose": VERBOSE_HELP,
    },
)
def rollback(c, to, env="local", remove_newer=False, plan_only=False, lock=True, allow=None, verbose=False):
    """Deploy the jobs of an earlier commit again (their artifacts are still stored): plan, then apply."""
    commands.rollback(
        env, _config(c, verbose), to, remove_newer=remove_newer, plan_only=plan_only, lock=lock, allow=allow or []
    )


@task(help={"env": ENV_HELP, "verbose": VERBOSE_HELP})
def bootstrap(c, env="local", verbose=False):
    """Create what must exist before the main plan: state and artifacts buckets (once per account)."""
    commands.bootstrap(env, _config(c, verbose))


@task(help={"env": ENV_HELP, "yes": "do not ask for confirmation (for scripts)"})
def unlock(c, env="local", yes=False):
    """Remove a stale Terraform state lock (left by a killed run): shows it, refuses while its holder runs."""
    commands.unlock(env, c.config, yes=yes)


@task(
    iterable=["job_name"],
    help={
        "env": ENV_HELP,
        "job_name": "the Glue job's name in the account (repeatable)",
        "all": "every Glue job of the account not in jobs/ yet",
    },
)
def adopt(c, env="local", job_name=None, all=False):  # `all`: the flag is --all
    """Write jobs/NAME/ for Glue jobs made elsewhere; the next plan imports them instead of creating copies."""
    commands.adopt(env, c.config, job_name or [], all)


@task(help={"env": ENV_HELP, "job": "the job to start"})
def run(c, job, env="local"):
    """Start a deployed job on AWS; a chained job starts its workflow, so downstream jobs run too."""
    commands.run(env, c.config, job)


@task(help={"env": ENV_HELP})
def status(c, env="local"):
    """What is deployed: commit, each job's artifact and the commit that built it, last runs, changes not applied."""
    commands.status(env, c.config)


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


@task(name="env")
def local_env(c):
    """Print export lines (endpoint, CA bundle, admin keys, region) for the AWS CLI: eval "$(invoke local.env)"."""
    commands.local_env(c.config)


ns = Collection(
    test,
    lint,
    validate,
    run_local,
    new_job,
    package,
    upload,
    plan,
    apply,
    deploy,
    smoke,
    drift,
    rollback,
    adopt,
    run,
    bootstrap,
    status,
    unlock,
)
ns.add_collection(Collection("local", local_up, local_down, local_status, local_env))
