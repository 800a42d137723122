# The ten most recent jobs of a connection, newest first.
data "airbyte_sync_history" "recent" {
  connection_id = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
  limit         = 10
}

output "recent_jobs" {
  value = [
    for j in data.airbyte_sync_history.recent.jobs :
    "${j.job_id} ${j.job_type} ${j.status} ${j.start_time} rows=${j.rows_synced}"
  ]
}

# Failed syncs, oldest first, skipping the first five.
data "airbyte_sync_history" "failures" {
  connection_id = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
  job_type      = "sync"
  status        = "failed"
  from_tail     = false
  offset        = 5
}

output "failed_job_urls" {
  value = [for j in data.airbyte_sync_history.failures.jobs : j.job_url]
}
