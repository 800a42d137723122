package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestAccConnection_createWithoutStreams creates connections without
// configurations: the state records exactly the streams Airbyte selected
// (the connector's suggested streams, or none for a source that suggests
// none and has several) and the next plan is empty.
func TestAccConnection_createWithoutStreams(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 66})
	config := e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "stripe" {
  source_id      = %q
  destination_id = %q
}

resource "airbyte_connection" "postgres" {
  source_id      = %q
  destination_id = %q
}
`, e.Source(0, 1).SourceID, e.Destination(0, 0).DestinationID, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	str := knownvalue.StringExact
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					// Stripe's connector suggests these three streams, of its four.
					statecheck.ExpectKnownValue("airbyte_connection.stripe", tfjsonpath.New("stream_names"),
						knownvalue.ListExact([]knownvalue.Check{str("charges"), str("customers"), str("invoices")})),
					statecheck.ExpectKnownValue("airbyte_connection.stripe", tfjsonpath.New("configurations").AtMapKey("streams"),
						knownvalue.SetPartial([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": str("customers"), "sync_mode": str("full_refresh_overwrite"),
							"primary_key": knownvalue.ListSizeExact(0)})})),
					statecheck.ExpectKnownValue("airbyte_connection.stripe", tfjsonpath.New("name"), str("Stripe Billing <> Snowflake Warehouse")),
					// The Postgres connector suggests none: nothing is selected.
					statecheck.ExpectKnownValue("airbyte_connection.postgres", tfjsonpath.New("stream_names"), knownvalue.ListSizeExact(0)),
				},
				Check: e.checkEmulator("airbyte_connection.stripe", func(c emulator.SnapshotConnection) error {
					return expect("streams", streamSummary(c), "charges:full_refresh_overwrite,customers:full_refresh_overwrite,invoices:full_refresh_overwrite")
				}),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
