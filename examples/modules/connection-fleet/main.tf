locals {
  schedule = var.cron_expression == null ? {
    schedule_type   = "manual"
    cron_expression = null
    cron_time_zone  = null
    } : {
    schedule_type   = "cron"
    cron_expression = var.cron_expression
    cron_time_zone  = var.cron_time_zone
  }
}

# One connection per source, with exactly the streams listed for it.
resource "airbyte_connection" "this" {
  for_each = var.streams

  name           = format(var.name_format, each.key)
  source_id      = var.source_ids[each.key]
  destination_id = var.destination_id
  prefix         = var.table_prefix
  schedule       = local.schedule

  configurations = {
    streams = [
      for stream in each.value : {
        name      = stream
        sync_mode = lookup(lookup(var.sync_modes, each.key, {}), stream, var.sync_mode)
      }
    ]
  }
}

# A sync of each connection when it is created and whenever its streams or their sync modes change;
# a change of schedule or name does not sync.
resource "airbyte_run_sync" "this" {
  for_each = var.sync_on_change ? airbyte_connection.this : {}

  connection_id = each.value.id
  timeout       = var.sync_timeout
  triggers = {
    streams = sha1(jsonencode(each.value.configurations))
  }
}
