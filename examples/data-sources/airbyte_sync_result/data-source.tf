# The latest sync of a connection; found is false until it has synced once.
data "airbyte_sync_result" "latest" {
  connection_id = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
}

output "last_sync" {
  value = data.airbyte_sync_result.latest.found ? {
    job_id   = data.airbyte_sync_result.latest.job_id
    status   = data.airbyte_sync_result.latest.status
    rows     = data.airbyte_sync_result.latest.rows_synced
    bytes    = data.airbyte_sync_result.latest.bytes_synced
    duration = data.airbyte_sync_result.latest.duration
    url      = data.airbyte_sync_result.latest.job_url
  } : null
}

# One job by its id; it must be a job of this connection.
data "airbyte_sync_result" "job" {
  connection_id = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
  job_id        = 1234
}

output "job_status" {
  value = data.airbyte_sync_result.job.status
}
