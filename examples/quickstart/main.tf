# A connection from a Postgres source to a Snowflake destination that syncs two streams every day at noon,
# a first sync run as soon as it exists, and the connection's sync history.
# `make demo` applies this configuration to a local Airbyte emulator; to use it with Airbyte Cloud,
# set source_id and destination_id to your own and configure the provider as shown below.

terraform {
  required_providers {
    airbyte = {
      source = "airbyte-terraform/airbyte"
    }
  }
}

# Every setting comes from the environment here (AIRBYTE_SERVER_URL, AIRBYTE_CLIENT_ID,
# AIRBYTE_CLIENT_SECRET, AIRBYTE_WORKSPACE_ID, ...). For Airbyte Cloud you can instead write:
#
#   provider "airbyte" {
#     workspace_id = "871d9b60-11d1-44cb-8c92-c246d53bf87e"
#     # client_id and client_secret from AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET
#   }
provider "airbyte" {}

variable "source_id" {
  description = "The id of the Airbyte source to read from."
  type        = string
}

variable "destination_id" {
  description = "The id of the Airbyte destination to write to."
  type        = string
}

resource "airbyte_connection" "quickstart" {
  name           = "Postgres to Snowflake (quickstart)"
  source_id      = var.source_id
  destination_id = var.destination_id
  prefix         = "quickstart_"
  schedule = {
    schedule_type   = "cron"
    cron_expression = "0 0 12 * * ?" # Quartz syntax: seconds first; every day at 12:00 UTC
  }
  configurations = {
    streams = [
      { name = "users", sync_mode = "full_refresh_overwrite" },
      { name = "orders", sync_mode = "full_refresh_append" },
    ]
  }
}

output "connection_id" {
  description = "The id of the connection."
  value       = airbyte_connection.quickstart.id
}

output "connection_url" {
  description = "Where to see the connection in the Airbyte web app."
  value       = airbyte_connection.quickstart.connection_url
}

# Sync the connection once it exists, and again whenever its streams change.
# The apply waits for the sync and fails if it fails.
resource "airbyte_run_sync" "quickstart" {
  connection_id = airbyte_connection.quickstart.id
  timeout       = "10m"
  triggers = {
    streams = join(",", airbyte_connection.quickstart.stream_names)
  }
}

# The connection's most recent jobs, newest first.
data "airbyte_sync_history" "quickstart" {
  connection_id = airbyte_connection.quickstart.id
  limit         = 5
  depends_on    = [airbyte_run_sync.quickstart]
}

output "sync_status" {
  description = "How the sync ended."
  value       = airbyte_run_sync.quickstart.status
}

output "sync_rows" {
  description = "How many rows the sync wrote."
  value       = airbyte_run_sync.quickstart.rows_synced
}

output "sync_history" {
  description = "The connection's recent jobs, newest first."
  value = [
    for job in data.airbyte_sync_history.quickstart.jobs :
    "job ${job.job_id}: ${job.job_type} ${job.status}, ${job.rows_synced} rows, ${job.bytes_synced} bytes, started ${job.start_time}"
  ]
}
