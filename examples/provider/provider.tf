terraform {
  required_providers {
    airbyte = {
      source = "airbyte-terraform/airbyte"
    }
  }
}

# Airbyte Cloud, with the credentials of an application made under Settings → Applications.
# Every argument can come from the environment instead: AIRBYTE_WORKSPACE_ID,
# AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET, AIRBYTE_SERVER_URL and so on.
provider "airbyte" {
  workspace_id  = "871d9b60-11d1-44cb-8c92-c246d53bf87e"
  client_id     = var.airbyte_client_id
  client_secret = var.airbyte_client_secret
}

# Self-managed Airbyte takes the address of its public API and, without an
# application, basic authentication:
#
#   provider "airbyte" {
#     server_url = "http://localhost:8000/api/public/v1"
#     username   = "airbyte"
#     password   = var.airbyte_password
#   }

variable "airbyte_client_id" {
  description = "The client id of the Airbyte application."
  type        = string
}

variable "airbyte_client_secret" {
  description = "The client secret of the Airbyte application."
  type        = string
  sensitive   = true
}
