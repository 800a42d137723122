output "connection_ids" {
  description = "The id of each connection, by source name."
  value       = { for source, connection in airbyte_connection.this : source => connection.id }
}

output "connection_urls" {
  description = "Each connection's page in the Airbyte web app, by source name."
  value       = { for source, connection in airbyte_connection.this : source => connection.connection_url }
}

output "sync_job_ids" {
  description = "The id of the last sync job each connection ran on change, by source name; empty unless sync_on_change is true."
  value       = { for source, sync in airbyte_run_sync.this : source => sync.job_id }
}

output "sync_statuses" {
  description = "How each connection's last sync on change ended, by source name; empty unless sync_on_change is true."
  value       = { for source, sync in airbyte_run_sync.this : source => sync.status }
}
