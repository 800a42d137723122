# Where a connection's syncs stand, and whether its data is older than a day.
data "airbyte_connection_status" "orders" {
  connection_id = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
  max_age       = "24h"
}

output "orders_sync" {
  value = {
    status               = data.airbyte_connection_status.orders.sync_status
    last_successful_sync = data.airbyte_connection_status.orders.last_successful_sync
    running_job          = data.airbyte_connection_status.orders.active_job_id
    failure              = data.airbyte_connection_status.orders.failure_message
    stale                = data.airbyte_connection_status.orders.is_stale
  }
}

# Warn at every plan and apply when the data is older than a day; the
# freshness checks guide explains how to make CI fail on it.
check "orders_fresh" {
  data "airbyte_connection_status" "orders_fresh" {
    connection_id = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
    max_age       = "24h"
  }

  assert {
    condition     = !data.airbyte_connection_status.orders_fresh.is_stale
    error_message = "The orders connection has not synced successfully for a day (status ${data.airbyte_connection_status.orders_fresh.sync_status})."
  }
}
