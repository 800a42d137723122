# Every connection of the provider's workspace whose name starts with "prod-".
# Without limit, all the pages are read.
data "airbyte_connections" "production" {
  name_regex = "^prod-"
}

# One page of 20 connections with a tag, as the official provider reads them;
# next holds the link to the following page.
data "airbyte_connections" "tagged" {
  tag_ids         = ["5f1b5c4e-0d7e-4a43-9d57-3f0c1b2a9e10"]
  include_deleted = false
  limit           = 20
  offset          = 0
}

output "paused_production_connections" {
  description = "The names of the production connections that do not sync on their schedule."
  value       = [for c in data.airbyte_connections.production.data : c.name if c.status == "inactive"]
}

output "tagged_connection_ids" {
  description = "The ids of the tagged connections on the first page."
  value       = data.airbyte_connections.tagged.data[*].connection_id
}
