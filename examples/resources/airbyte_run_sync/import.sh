# A sync job is imported by its job id, the number in the connection's job
# history in the Airbyte UI. Importing starts no sync.
terraform import airbyte_run_sync.example 1234
