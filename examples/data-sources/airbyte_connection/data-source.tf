# Read a connection made in the Airbyte UI, by its id.
data "airbyte_connection" "example" {
  connection_id = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
}

output "synced_streams" {
  description = "The streams the connection syncs."
  value       = data.airbyte_connection.example.stream_names
}

output "connection_url" {
  description = "The connection's page in the Airbyte UI."
  value       = data.airbyte_connection.example.connection_url
}
