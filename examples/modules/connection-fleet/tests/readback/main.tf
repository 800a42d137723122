# Reads back, through the Airbyte API, what the module's connections hold, so that the tests check what Airbyte
# stored rather than what Terraform planned.

terraform {
  required_providers {
    airbyte = {
      source = "registry.terraform.io/airbyte-terraform/airbyte"
    }
  }
}

variable "connection_ids" {
  description = "The connections to read, by source name."
  type        = map(string)
}

data "airbyte_connection" "this" {
  for_each      = var.connection_ids
  connection_id = each.value
}

# Every connection of the provider's workspace, to see that nothing was created twice.
data "airbyte_connections" "all" {}

data "airbyte_sync_history" "this" {
  for_each      = var.connection_ids
  connection_id = each.value
  job_type      = "sync"
}

output "names" {
  value = { for source, c in data.airbyte_connection.this : source => c.name }
}

output "streams" {
  description = "\"<stream>:<sync mode>\" of each connection's streams, by source name."
  value = {
    for source, c in data.airbyte_connection.this :
    source => toset([for s in c.configurations.streams : "${s.name}:${s.sync_mode}"])
  }
}

output "schedules" {
  value = { for source, c in data.airbyte_connection.this : source => c.schedule }
}

output "workspace_connection_names" {
  value = sort([for c in data.airbyte_connections.all.data : c.name])
}

output "sync_jobs" {
  description = "\"<job id>:<status>\" of each connection's sync jobs, newest first, by source name."
  value = {
    for source, h in data.airbyte_sync_history.this :
    source => [for j in h.jobs : "${j.job_id}:${j.status}"]
  }
}
