"""moto's server, plus the two Glue calls Terraform needs to change a deployed job and moto 5.2 lacks.

Without UpdateJob a redeploy of changed job code fails against the emulator
(moto answers NotImplementedError and the provider retries for minutes);
without UpdateTrigger so does a changed schedule or upstream. Both follow AWS:
the update replaces the whole definition with what the request carries.

Run as ``python -m glue_release.emulator_server [moto_server arguments]``.
"""

from __future__ import annotations

import sys
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.glue.responses import GlueResponse
from moto.glue.utils import Action, Predicate
from moto.server import main as moto_main

from glue_release.iam import moto_patches

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


def install() -> None:
    for name, handler in (("update_job", update_job), ("update_trigger", update_trigger)):
        if not hasattr(GlueResponse, name):  # a moto that has its own wins
            setattr(GlueResponse, name, handler)


if __name__ == "__main__":
    install()
    moto_patches.install()  # IAM evaluation closer to AWS (glue_release/iam/moto_patches.py)
    moto_main(sys.argv[1:])
