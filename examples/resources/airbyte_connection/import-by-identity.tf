# Terraform 1.12 and later can import a connection by its identity.
import {
  to = airbyte_connection.example
  identity = {
    connection_id = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
  }
}
