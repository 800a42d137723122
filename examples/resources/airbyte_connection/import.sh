# A connection is imported by its id, the last part of its URL in the Airbyte UI:
# https://cloud.airbyte.com/workspaces/<workspace_id>/connections/<connection_id>
terraform import airbyte_connection.example 9924bcd0-99be-453d-ba47-c2c9766f7da5
