################################################################################
# Jobs adopted from an account (`invoke adopt`)
################################################################################

# In the environment a job was adopted from, its existing job and triggers are imported
# rather than created a second time. Once in state, these blocks plan nothing.
locals {
  adopted = { for name, job in var.jobs : name => job.adopted if try(job.adopted.import, false) }
}

import {
  for_each = local.adopted
  to       = module.glue_job[each.key].aws_glue_job.this
  id       = each.value.job_name
}

import {
  for_each = { for name, a in local.adopted : name => a if a.schedule_trigger != null }
  to       = module.glue_job[each.key].aws_glue_trigger.schedule[0]
  id       = each.value.schedule_trigger
}

import {
  for_each = { for name, a in local.adopted : name => a if a.upstream_trigger != null }
  to       = aws_glue_trigger.upstream_succeeded[each.key]
  id       = each.value.upstream_trigger
}
