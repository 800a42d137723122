# Read every stream a connection's source offers, selected or not.
data "airbyte_connection_catalog" "example" {
  connection_id = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
}

output "selected_streams" {
  description = "The streams the connection syncs, with their sync modes."
  value = {
    for s in data.airbyte_connection_catalog.example.streams :
    s.name => s.sync_mode if s.selected
  }
}

output "unselected_streams" {
  description = "Streams the source offers that the connection does not sync."
  value       = [for s in data.airbyte_connection_catalog.example.streams : s.name if !s.selected]
}

# Rediscover the source's schema first, to see streams and fields added since
# the last discovery.
data "airbyte_connection_catalog" "fresh" {
  connection_id          = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
  with_refreshed_catalog = true
}

output "discovered_stream_count" {
  value = length(data.airbyte_connection_catalog.fresh.streams)
}
