# Read the state Airbyte keeps for a connection between syncs.
data "airbyte_connection_state" "example" {
  connection_id = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
}

output "state_type" {
  description = "stream, global (CDC sources), legacy, or not_set before the first successful sync."
  value       = data.airbyte_connection_state.example.state_type
}

# The cursor of each stream, decoded from JSON.
output "stream_cursors" {
  value = {
    for s in data.airbyte_connection_state.example.streams :
    s.name => try(jsondecode(s.state_json).cursor, null)
  }
}

# For a CDC source, the state shared by every stream, such as the log position.
output "shared_state" {
  value = try(jsondecode(data.airbyte_connection_state.example.global_state_json), null)
}
