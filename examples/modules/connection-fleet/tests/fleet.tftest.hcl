# Runs against the Airbyte emulator started with examples/emulator/workspace.json as its seed file, whose fixed
# ids are used below; the provider reads its settings from the AIRBYTE_* environment variables.

variables {
  destination_id = "e2f8a6b4-9c17-4d03-b5e1-7a4c3f0d9b62" # Warehouse
  source_ids = {
    "Orders DB" = "5a0e9c2d-7b31-4f86-a4d2-91c3e8b6f017"
    "Payments"  = "c47b1f90-0d2e-4a3b-8f6c-5e9a2d1b7e38"
  }
  streams = {
    "Orders DB" = ["orders", "customers"]
    "Payments"  = ["charges"]
  }
  sync_modes = {
    "Orders DB" = { orders = "incremental_deduped_history" }
    "Payments"  = { charges = "incremental_append" }
  }
  name_format     = "%s to Warehouse"
  table_prefix    = "raw_"
  cron_expression = "0 0 6 * * ?"
}

run "create" {
  assert {
    condition     = length(output.connection_ids) == 2
    error_message = "Expected one connection per source, got ${jsonencode(output.connection_ids)}."
  }

  assert {
    condition = toset([for s in airbyte_connection.this["Orders DB"].configurations.streams : "${s.name}:${s.sync_mode}"]) == toset([
      "orders:incremental_deduped_history",
      "customers:full_refresh_overwrite",
    ])
    error_message = "The Orders DB connection has the wrong streams or sync modes."
  }

  assert {
    condition     = airbyte_connection.this["Payments"].stream_names == tolist(["charges"])
    error_message = "The Payments connection should sync only charges, not ${jsonencode(airbyte_connection.this["Payments"].stream_names)}."
  }

  assert {
    condition     = airbyte_connection.this["Orders DB"].schedule.schedule_type == "cron" && airbyte_connection.this["Orders DB"].schedule.cron_expression == "0 0 6 * * ?"
    error_message = "The Orders DB connection should sync every day at 06:00."
  }

  assert {
    condition     = output.sync_job_ids == {}
    error_message = "No sync should run unless sync_on_change is true."
  }
}

# What Airbyte itself holds for the connections just made.
run "read_back" {
  module {
    source = "./tests/readback"
  }

  variables {
    connection_ids = run.create.connection_ids
  }

  assert {
    condition = output.streams == {
      "Orders DB" = toset(["orders:incremental_deduped_history", "customers:full_refresh_overwrite"])
      "Payments"  = toset(["charges:incremental_append"])
    }
    error_message = "Airbyte holds other streams than the module asked for: ${jsonencode(output.streams)}."
  }

  assert {
    condition     = output.names == { "Orders DB" = "Orders DB to Warehouse", "Payments" = "Payments to Warehouse" }
    error_message = "Unexpected connection names: ${jsonencode(output.names)}."
  }

  assert {
    condition     = output.workspace_connection_names == tolist(["Orders DB to Warehouse", "Payments to Warehouse"])
    error_message = "The workspace should hold exactly the two connections: ${jsonencode(output.workspace_connection_names)}."
  }

  assert {
    condition     = alltrue([for s in values(output.schedules) : s.schedule_type == "cron" && s.cron_expression == "0 0 6 * * ?" && s.cron_time_zone == "UTC"])
    error_message = "Unexpected schedules: ${jsonencode(output.schedules)}."
  }
}

# A new schedule updates the connections in place: the same ids, the new schedule, the same streams.
run "schedule_change_plans_an_update" {
  command = plan

  variables {
    cron_expression = "0 30 7 ? * MON-FRI"
    cron_time_zone  = "Europe/Paris"
  }

  assert {
    condition     = alltrue([for source, id in run.create.connection_ids : airbyte_connection.this[source].id == id])
    error_message = "A schedule change must not replace a connection."
  }

  assert {
    condition = alltrue([for c in airbyte_connection.this :
    c.schedule.schedule_type == "cron" && c.schedule.cron_expression == "0 30 7 ? * MON-FRI" && c.schedule.cron_time_zone == "Europe/Paris"])
    error_message = "The plan should move every connection to 07:30 on weekdays, Paris time."
  }

  assert {
    condition = toset([for s in airbyte_connection.this["Orders DB"].configurations.streams : "${s.name}:${s.sync_mode}"]) == toset([
      "orders:incremental_deduped_history",
      "customers:full_refresh_overwrite",
    ])
    error_message = "A schedule change must leave the streams alone."
  }

  assert {
    condition     = alltrue([for source, c in airbyte_connection.this : c.name == "${source} to Warehouse" && c.prefix == "raw_"])
    error_message = "A schedule change must leave names and prefixes alone."
  }
}

# A manual schedule: no cron at all.
run "manual_schedule_plans_an_update" {
  command = plan

  variables {
    cron_expression = null
  }

  assert {
    condition     = alltrue([for source, id in run.create.connection_ids : airbyte_connection.this[source].id == id && airbyte_connection.this[source].schedule.schedule_type == "manual"])
    error_message = "Leaving out cron_expression should make every connection manual, in place."
  }
}

run "source_without_id_is_refused" {
  command = plan

  variables {
    streams = { "Orders DB" = ["orders"], "Billing" = ["invoices"] }
  }

  expect_failures = [var.streams]
}

run "time_zone_without_cron_is_refused" {
  command = plan

  variables {
    cron_expression = null
    cron_time_zone  = "Europe/Paris"
  }

  expect_failures = [var.cron_time_zone]
}

# Turning on sync_on_change syncs each connection once and waits for the syncs.
run "sync_on_change" {
  variables {
    sync_on_change = true
    sync_timeout   = "2m"
  }

  assert {
    condition     = output.sync_statuses == { "Orders DB" = "succeeded", "Payments" = "succeeded" }
    error_message = "Both syncs should have succeeded: ${jsonencode(output.sync_statuses)}."
  }

  assert {
    condition     = alltrue([for source, id in run.create.connection_ids : airbyte_connection.this[source].id == id])
    error_message = "Turning on syncs must not replace a connection."
  }
}

# With syncs on, a schedule change still runs no sync: the planned sync jobs are the ones that ran.
run "schedule_change_runs_no_sync" {
  command = plan

  variables {
    sync_on_change  = true
    cron_expression = "0 0 18 * * ?"
  }

  assert {
    condition     = alltrue([for source, job in run.sync_on_change.sync_job_ids : airbyte_run_sync.this[source].job_id == job])
    error_message = "A schedule change must not run a new sync."
  }
}

# A change of streams runs a new sync of that connection only.
run "stream_change_syncs_again" {
  variables {
    sync_on_change = true
    streams = {
      "Orders DB" = ["orders", "customers", "countries"]
      "Payments"  = ["charges"]
    }
  }

  assert {
    condition     = output.sync_job_ids["Orders DB"] != run.sync_on_change.sync_job_ids["Orders DB"] && output.sync_statuses["Orders DB"] == "succeeded"
    error_message = "Adding a stream to Orders DB should have run a new sync of it."
  }

  assert {
    condition     = output.sync_job_ids["Payments"] == run.sync_on_change.sync_job_ids["Payments"]
    error_message = "Payments did not change and should not sync again."
  }
}

run "read_back_syncs" {
  module {
    source = "./tests/readback"
  }

  variables {
    connection_ids = run.create.connection_ids
  }

  assert {
    condition     = length(output.sync_jobs["Orders DB"]) == 2 && length(output.sync_jobs["Payments"]) == 1
    error_message = "Airbyte should list two syncs of Orders DB and one of Payments: ${jsonencode(output.sync_jobs)}."
  }

  assert {
    condition     = output.streams["Orders DB"] == toset(["orders:incremental_deduped_history", "customers:full_refresh_overwrite", "countries:full_refresh_overwrite"])
    error_message = "Airbyte should hold the three Orders DB streams: ${jsonencode(output.streams)}."
  }
}
