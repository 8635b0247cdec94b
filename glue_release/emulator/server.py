"""moto's server, plus what Terraform needs from AWS and moto 5.2 answers differently.

Glue: without UpdateJob a redeploy of changed job code fails against the emulator
(moto answers NotImplementedError and the provider retries for minutes); without
UpdateTrigger so does a changed schedule or upstream. Both follow AWS: the update
replaces the whole definition with what the request carries.

S3 lifecycle: after a PutBucketLifecycleConfiguration the AWS provider (5.100.0)
reads the configuration back until it has seen exactly the rules and the
``x-amz-transition-default-minimum-object-size`` it sent 10 times in a row (5 s
apart, after 10 s: 55 s at best, on AWS too). S3 answers with what was put; moto
rebuilds the answer from what it parsed and drops what it does not model (object
size filters, NewerNoncurrentVersions, the minimum-size header, which it always
answers as all_storage_classes_128K), and then the provider polls until its 3-minute
timeout (moto issue #9729 was one such field). Here GetBucketLifecycleConfiguration
answers with the configuration as it was put, as S3 does.

Run as ``python -m glue_release.emulator.server [moto_server arguments]``.
"""

from __future__ import annotations

import sys
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.glue.responses import GlueResponse
from moto.glue.utils import Action, Predicate
from moto.s3.responses import S3Response
from moto.server import main as moto_main

from glue_release.emulator.iam import moto_patches

# JobUpdate field -> moto's FakeJob attribute, and the value AWS gives a field the update leaves out.
JOB_FIELDS: dict[str, tuple[str, Any]] = {
    "Description": ("description", None),
    "LogUri": ("log_uri", None),
    "Role": ("role", None),
    "ExecutionProperty": ("execution_property", {}),
    "Command": ("command", None),
    "DefaultArguments": ("default_arguments", {}),
    "NonOverridableArguments": ("non_overridable_arguments", None),
    "Connections": ("connections", None),
    "MaxRetries": ("max_retries", 0),
    "AllocatedCapacity": ("allocated_capacity", None),
    "Timeout": ("timeout", None),
    "MaxCapacity": ("max_capacity", None),
    "SecurityConfiguration": ("security_configuration", None),
    "NotificationProperty": ("notification_property", None),
    "GlueVersion": ("glue_version", None),
    "NumberOfWorkers": ("number_of_workers", None),
    "WorkerType": ("worker_type", None),
    "CodeGenConfigurationNodes": ("code_gen_configuration_nodes", None),
    "ExecutionClass": ("execution_class", "STANDARD"),
    "SourceControlDetails": ("source_control_details", None),
}


def update_job(self: GlueResponse) -> ActionResult:
    name = self._get_param("JobName")
    update = self._get_param("JobUpdate") or {}
    job = self.glue_backend.get_job(name)
    for field, (attribute, default) in JOB_FIELDS.items():
        setattr(job, attribute, update.get(field, default))
    job.last_modified_on = utcnow()
    return ActionResult({"JobName": name})


def update_trigger(self: GlueResponse) -> ActionResult:
    name = self._get_param("Name")
    update = self._get_param("TriggerUpdate") or {}
    trigger = self.glue_backend.get_trigger(name)
    trigger.description = update.get("Description")
    trigger.schedule = update.get("Schedule")
    trigger.actions = [Action(inputs) for inputs in update.get("Actions", [])]
    trigger.predicate = Predicate(update["Predicate"]) if update.get("Predicate") else None
    trigger.event_batching_condition = update.get("EventBatchingCondition")
    return ActionResult({"Trigger": trigger.as_dict()})


MIN_SIZE_HEADER = "x-amz-transition-default-minimum-object-size"
DEFAULT_MIN_SIZE = "all_storage_classes_128K"  # what S3 applies when a PUT does not say


def _bucket_response_put(original: Any) -> Any:
    def put(self: S3Response, request: Any, bucket_name: str, querystring: dict[str, Any]) -> Any:
        response = original(self, request, bucket_name, querystring)  # moto validates and stores the rules
        if "lifecycle" not in querystring:
            return response
        bucket = self.backend.get_bucket(bucket_name)
        size = request.headers.get(MIN_SIZE_HEADER) or DEFAULT_MIN_SIZE
        body = self.body.decode() if isinstance(self.body, bytes) else str(self.body)
        # Tied to this PUT's rule list: any other change of the rules (a delete, another PUT) outdates it.
        bucket.lifecycle_as_put = (bucket.rules, body, size)
        return 200, {MIN_SIZE_HEADER: size}, ""

    return put


def _get_bucket_lifecycle(original: Any) -> Any:
    def get(self: S3Response) -> Any:
        response = original(self)  # NoSuchLifecycleConfiguration, authorisation: as moto does
        bucket = self.backend.get_bucket(self.bucket_name)
        rules, body, size = getattr(bucket, "lifecycle_as_put", (None, "", ""))
        if rules is None or rules is not bucket.rules:  # rules set some other way: moto's own answer
            return response
        return 200, {"Content-Type": "application/xml", MIN_SIZE_HEADER: size}, body

    return get


def lifecycle_patches() -> list[tuple[type, str, Any]]:
    """(class, attribute, replacement) making S3 lifecycle reads answer what was put."""
    return [
        (S3Response, "_bucket_response_put", _bucket_response_put(S3Response._bucket_response_put)),
        (S3Response, "get_bucket_lifecycle", _get_bucket_lifecycle(S3Response.get_bucket_lifecycle)),
    ]


def install() -> None:
    for name, handler in (("update_job", update_job), ("update_trigger", update_trigger)):
        if not hasattr(GlueResponse, name):  # a moto that has its own wins
            setattr(GlueResponse, name, handler)
    for cls, name, replacement in lifecycle_patches():
        setattr(cls, name, replacement)


if __name__ == "__main__":
    install()
    moto_patches.install()  # IAM evaluation closer to AWS (glue_release/emulator/iam/moto_patches.py)
    moto_main(sys.argv[1:])
