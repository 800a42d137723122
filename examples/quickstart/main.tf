# A connection from a Postgres source to a Snowflake destination that syncs two streams every day at noon.
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
