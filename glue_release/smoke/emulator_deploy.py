"""Jobs deployed into a bare emulator with boto3, the way Terraform deploys them: for smoke tests and the bench.

``invoke deploy`` is the real path (Terraform against the emulator). Smoke
tests need deployed jobs without Terraform's minute of planning, so this
creates the same end state directly: the buckets, the uploaded artifacts, and
each Glue job with the default arguments terraform/modules/glue-job sets, and
each job's role with the S3 grants of terraform/modules/glue-job-role (exact
prefixes: ``dir`` and ``dir/*``), so that smoke runs work under the job's role.
Keep it in step with terraform/main.tf and terraform/modules/glue-job{,-role}/main.tf.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from glue_release import aws
from glue_release.artifacts import upload
from glue_release.artifacts.packaging import Manifest, package
from glue_release.declarations import JobDeclaration
from glue_release.emulator.control import ACCOUNT_ID, data_lake_bucket
from glue_release.paths import ENVIRONMENTS_DIR
from glue_release.settings import LOCAL, Settings
from glue_release.smoke.deployed import glue_job_name

DATA_ROLES = ("raw", "curated", "temp")


def emulator_settings(build_root: Path, port: int, name_prefix: str = "glue-etl-local") -> Settings:
    """Local settings with a build folder (and so an emulator state folder) and port of one's own."""
    return Settings(
        env=LOCAL,
        region="us-east-1",
        name_prefix=name_prefix,
        artifacts_bucket=f"{name_prefix}-artifacts",
        tfvars=ENVIRONMENTS_DIR / "local.tfvars",
        backend_config=ENVIRONMENTS_DIR / "local.s3.tfbackend",
        emulator_port=port,
        build_root=build_root,
    )


def bucket_name(settings: Settings, role: str) -> str:
    """The data lake bucket of a role in the emulator (terraform/main.tf's naming)."""
    return data_lake_bucket(settings.name_prefix, role)


def deploy_jobs(settings: Settings, jobs: dict[str, JobDeclaration]) -> Manifest:
    """Package ``jobs`` into ``settings.build_dir``, upload the artifacts, create or update each Glue job."""
    s3 = aws.client(settings, "s3")
    glue = aws.client(settings, "glue")
    for bucket in [settings.artifacts_bucket, *(bucket_name(settings, role) for role in DATA_ROLES)]:
        try:
            s3.head_bucket(Bucket=bucket)
        except ClientError:
            s3.create_bucket(Bucket=bucket)
    manifest = package(jobs, settings.build_dir)
    upload.upload(s3, settings.artifacts_bucket, manifest)
    iam = aws.client(settings, "iam")
    for job in jobs.values():
        put_job_role(iam, settings, job, manifest)
        definition = job_definition(settings, job, manifest)
        try:
            glue.get_job(JobName=definition["Name"])
        except ClientError:
            glue.create_job(**definition)
        else:
            glue.update_job(JobName=definition["Name"], JobUpdate={k: v for k, v in definition.items() if k != "Name"})
    return manifest


GLUE_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"},
    ],
}


def exact(prefix: str) -> list[str]:
    """A folder and what is under it, never its siblings: ``dir``, ``dir/*`` (``dir_$folder$`` markers aside)."""
    folder = prefix.rstrip("/")
    return [folder, f"{folder}/*"]


def job_role_policy(settings: Settings, job: JobDeclaration, manifest: Manifest) -> dict[str, Any]:
    """The S3 part of the job's role: artifacts, inputs and outputs with their ``_smoke/`` copies, temp."""
    keys = manifest.jobs[job.name]
    artifacts = f"arn:aws:s3:::{settings.artifacts_bucket}"

    def objects(locations: dict[str, Any]) -> list[str]:
        return [
            f"arn:aws:s3:::{bucket_name(settings, loc.bucket)}/{pattern}"
            for loc in locations.values()
            for smoke in ("", "_smoke/")
            for pattern in exact(smoke + loc.prefix)
        ]

    temp = [f"arn:aws:s3:::{bucket_name(settings, 'temp')}/{p}" for p in exact(f"{job.name}/")]
    locations = {**job.inputs, **job.outputs}.values()
    tables = catalog_reads(settings, job)
    buckets = sorted(
        {f"arn:aws:s3:::{bucket_name(settings, role)}" for role in [*(loc.bucket for loc in locations), "temp"]}
        | {f"arn:aws:s3:::{bucket}" for bucket, _ in tables.values()}
    )
    table_objects = [
        f"arn:aws:s3:::{bucket}/{pattern}"
        for bucket, prefix in tables.values()
        for smoke in ("", "_smoke/")
        for pattern in exact(smoke + prefix)
    ]
    statements: list[dict[str, Any]] = []
    if tables:  # terraform/modules/glue-job-role, ReadCatalogTables
        glue_arn = f"arn:aws:glue:{settings.region}:{ACCOUNT_ID}"
        statements.append(
            {
                "Sid": "ReadCatalogTables",
                "Effect": "Allow",
                "Action": ["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"],
                "Resource": [f"{glue_arn}:catalog"]
                + sorted({f"{glue_arn}:database/{ref.split('.')[0]}" for ref in tables})
                + [f"{glue_arn}:table/{ref.replace('.', '/')}" for ref in tables],
            }
        )
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadArtifacts",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": [
                    f"{artifacts}/{keys.script.key.rsplit('/', 2)[0]}/*",
                    f"{artifacts}/{manifest.library.key}",
                ],
            },
            {"Sid": "ListPrefixes", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": buckets},
            {
                "Sid": "ReadData",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": objects({**job.inputs, **job.outputs}) + table_objects + temp,
            },
            {
                "Sid": "WriteData",
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:DeleteObject"],
                "Resource": objects(job.outputs) + temp,
            },
            *statements,
        ],
    }


def catalog_reads(settings: Settings, job: JobDeclaration) -> dict[str, tuple[str, str]]:
    """The job's ``catalog_reads`` -> (bucket, prefix) of each table's location, as terraform/main.tf resolves it."""
    if not job.catalog_reads:
        return {}
    from glue_release.artifacts.packaging import catalog_dir
    from glue_release.catalog import load_catalog

    tables = load_catalog(catalog_dir({job.name: job}))
    return {
        ref: (bucket_name(settings, t.data_lake_bucket) if t.data_lake_bucket else str(t.bucket), t.prefix)
        for ref, t in ((ref, tables[ref]) for ref in job.catalog_reads)
    }


def put_job_role(iam: Any, settings: Settings, job: JobDeclaration, manifest: Manifest) -> str:
    name = glue_job_name(settings, job.name)
    try:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(GLUE_TRUST))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "EntityAlreadyExists":
            raise
    iam.put_role_policy(
        RoleName=name, PolicyName="glue-job", PolicyDocument=json.dumps(job_role_policy(settings, job, manifest))
    )
    return f"arn:aws:iam::{ACCOUNT_ID}:role/{name}"


def job_definition(settings: Settings, job: JobDeclaration, manifest: Manifest) -> dict[str, Any]:
    artifacts = settings.artifacts_bucket
    keys = manifest.jobs[job.name]
    log_prefix = f"/aws-glue/jobs/{settings.name_prefix}/{job.name}"
    locations = {
        f"--{arg}": f"s3://{bucket_name(settings, loc.bucket)}/{loc.prefix}"
        for arg, loc in {**job.inputs, **job.outputs}.items()
    }
    arguments = {
        **{f"--{k}": v for k, v in job.arguments.items()},
        **locations,
        "--environment": settings.env,
        "--catalog_database": settings.name_prefix.replace("-", "_"),
        "--job-language": "python",
        "--extra-py-files": f"s3://{artifacts}/{manifest.library.key},s3://{artifacts}/{keys.module.key}",
        "--TempDir": f"s3://{bucket_name(settings, 'temp')}/{job.name}/",
        "--job-bookmark-option": "job-bookmark-enable" if job.bookmarks else "job-bookmark-disable",
        "--enable-continuous-cloudwatch-log": "true",
        "--custom-logGroup-prefix": log_prefix,
    }
    return {
        "Name": glue_job_name(settings, job.name),
        "Description": job.description,
        "Role": f"arn:aws:iam::{ACCOUNT_ID}:role/{glue_job_name(settings, job.name)}",
        "Command": {"Name": "glueetl", "ScriptLocation": f"s3://{artifacts}/{keys.script.key}", "PythonVersion": "3"},
        "DefaultArguments": arguments,
        "GlueVersion": job.glue_version,
        "WorkerType": job.worker_type,
        "NumberOfWorkers": job.number_of_workers,
        "Timeout": job.timeout_minutes,
        "MaxRetries": job.max_retries,
        "ExecutionProperty": {"MaxConcurrentRuns": job.max_concurrent_runs},
    }
