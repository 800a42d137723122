# Find the active connections of the provider's workspace whose name starts with
# "prod-" with `terraform query` (Terraform 1.14 and later). Run
# `terraform query -generate-config-out=generated.tf` to write import blocks and
# configuration for them.
list "airbyte_connection" "production" {
  provider         = airbyte
  include_resource = true

  config {
    name_regex = "^prod-"
    status     = "active"
  }
}
