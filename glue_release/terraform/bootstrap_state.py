"""Where bootstrap's own state lives: a local file for the first apply, then the state bucket.

``terraform/bootstrap`` creates the state bucket, so its very first apply cannot keep state
there. That apply runs in a copy of ``terraform/`` whose bootstrap module carries a
``backend "local"`` override (the checkout is never written to); the state file is then pushed
to ``s3://<state bucket>/bootstrap/<env>.tfstate`` with the environment's backend settings
(KMS key, lock file) and the local file is removed, so the bucket is the one copy. Every later
run uses the S3 backend directly. Neither release role may read or write ``bootstrap/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from botocore.exceptions import ClientError

from glue_release.errors import UserError
from glue_release.paths import TERRAFORM_DIR

LOCAL_BACKEND_OVERRIDE = 'terraform {\n  backend "local" {}\n}\n'


def state_key(env: str) -> str:
    return f"bootstrap/{env}.tfstate"


def s3_backend(backend_config: Path, env: str) -> list[str]:
    """The environment's .tfbackend (bucket, region, KMS key), with bootstrap's own key."""
    return [str(backend_config), f"key={state_key(env)}"]


def remote_state_exists(s3, bucket: str, env: str) -> bool:
    """Whether bootstrap's state is already in the state bucket (False while the bucket is missing)."""
    try:
        s3.head_object(Bucket=bucket, Key=state_key(env))
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in ("404", "NoSuchKey", "NoSuchBucket", "NotFound"):
            return False
        raise UserError(f"cannot read s3://{bucket}/{state_key(env)} ({code}); use administrator credentials") from None
    return True


def first_apply_copy(work_dir: Path, terraform_dir: Path = TERRAFORM_DIR) -> Path:
    """A fresh copy of terraform/ whose bootstrap module keeps state locally; its bootstrap dir."""
    copy = work_dir / "terraform"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(terraform_dir, copy, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    (copy / "bootstrap" / "local_backend_override.tf").write_text(LOCAL_BACKEND_OVERRIDE)
    return copy / "bootstrap"
