# Sync three streams of a Postgres source to Snowflake every day at 06:00 in Toronto,
# into tables prefixed with raw_ in a schema named after the source's schema.
resource "airbyte_connection" "example" {
  name           = "Postgres to Snowflake"
  source_id      = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
  destination_id = "4e7a1e0b-7f3c-4a8e-9d1b-2f6c8a5e3b21"
  status         = "active"
  prefix         = "raw_"

  namespace_definition                 = "custom_format"
  namespace_format                     = "$${SOURCE_NAMESPACE}_airbyte"
  non_breaking_schema_updates_behavior = "propagate_columns"

  schedule = {
    schedule_type   = "cron"
    cron_expression = "0 0 6 * * ?" # Quartz syntax, seconds first
    cron_time_zone  = "America/Toronto"
  }

  # Tags of the connection's workspace, by id; name, color and workspace_id
  # are read from each tag. Make a tag first, for example in the Airbyte UI.
  tags = [
    { tag_id = "5f1b5c4e-0d7e-4a43-9d57-3f0c1b2a9e10" },
  ]

  configurations = {
    streams = [
      {
        name         = "users"
        sync_mode    = "incremental_deduped_history"
        cursor_field = ["updated_at"]
        primary_key  = [["id"]]
      },
      {
        name         = "orders"
        sync_mode    = "incremental_append"
        cursor_field = ["created_at"]
      },
      {
        name      = "countries"
        sync_mode = "full_refresh_overwrite"
      },
    ]
  }
}
