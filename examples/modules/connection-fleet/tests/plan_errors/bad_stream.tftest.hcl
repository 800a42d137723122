# A stream the source does not have fails the plan with the provider's error, before anything is created.
#
# This file is expected to FAIL: `terraform test` cannot expect a provider's error (expect_failures covers only
# the conditions of variables, outputs, check blocks and resources), so it lives outside tests/ and the
# repository's own test (internal/moduletest) runs it with `terraform test -test-directory=tests/plan_errors`
# and checks that its only error is the provider's "Unknown Stream".

variables {
  destination_id = "e2f8a6b4-9c17-4d03-b5e1-7a4c3f0d9b62"
  source_ids = {
    "Orders DB" = "5a0e9c2d-7b31-4f86-a4d2-91c3e8b6f017"
  }
  streams = {
    "Orders DB" = ["orders", "invoices"]
  }
}

run "unknown_stream" {
  command = plan
}
