# A CI pipeline pattern: create the connection, sync it once it exists, and
# sync it again whenever its streams change. The apply waits for the sync
# and fails if the sync fails; the failed sync is then tainted, so the next
# apply runs a new one.
resource "airbyte_connection" "example" {
  source_id      = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
  destination_id = "4e7a1e0b-7f3c-4a8e-9d1b-2f6c8a5e3b21"

  configurations = {
    streams = [
      { name = "users", sync_mode = "incremental_deduped_history" },
      { name = "orders", sync_mode = "incremental_append" },
    ]
  }
}

resource "airbyte_run_sync" "example" {
  connection_id = airbyte_connection.example.connection_id

  # Any change of these values runs a new sync.
  triggers = {
    config = sha1(jsonencode(airbyte_connection.example.configurations))
  }

  timeout    = "1h" # cancel the sync if it takes longer
  if_running = "wait"
}

output "sync_status" {
  value = airbyte_run_sync.example.status
}

output "sync_rows" {
  value = airbyte_run_sync.example.rows_synced
}

output "sync_job_url" {
  value = airbyte_run_sync.example.job_url
}
