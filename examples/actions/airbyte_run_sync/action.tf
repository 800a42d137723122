# Sync a connection after every change to it. Run it by hand too with
# terraform apply -invoke=action.airbyte_run_sync.example
action "airbyte_run_sync" "example" {
  config {
    connection_id = airbyte_connection.example.connection_id
    timeout       = "45m"
  }
}

resource "airbyte_connection" "example" {
  source_id      = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
  destination_id = "4e7a1e0b-7f3c-4a8e-9d1b-2f6c8a5e3b21"

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.airbyte_run_sync.example]
    }
  }
}
