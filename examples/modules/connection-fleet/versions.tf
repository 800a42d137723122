terraform {
  # Cross-variable validation (var.streams checked against var.source_ids) needs Terraform 1.9.
  required_version = ">= 1.9"

  required_providers {
    airbyte = {
      source = "registry.terraform.io/airbyte-terraform/airbyte"
    }
  }
}
