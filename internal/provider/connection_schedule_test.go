package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// airbyteSchedule checks the schedule Airbyte holds for the connection in
// state, as its public API reads it: "<expression> <zone>".
func (e *accEmulator) airbyteSchedule(name, want string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s is not in state", name)
		}
		conn, err := e.apiClient().GetConnection(context.Background(), rs.Primary.Attributes["connection_id"])
		if err != nil {
			return err
		}
		if got := conn.Schedule.CronExpression; got != want {
			return fmt.Errorf("Airbyte holds the schedule %q, want %q", got, want)
		}
		return nil
	}
}

// TestAccConnection_timeZoneKept is a connection whose schedule is moved
// to another time zone in the Airbyte UI: a configuration that does not
// name a zone plans no change, and a later change of the expression keeps
// the zone instead of moving the schedule back to UTC.
func TestAccConnection_timeZoneKept(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 63})
	const res = "airbyte_connection.zoned"
	config := func(expr string) string {
		return e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "zoned" {
  source_id      = %q
  destination_id = %q
  schedule = {
    schedule_type   = "cron"
    cron_expression = %q
  }
}
`, e.Source(0, 1).SourceID, e.Destination(0, 0).DestinationID, expr)
	}
	zone := tfjsonpath.New("schedule").AtMapKey("cron_time_zone")
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config:            config("0 0 6 * * ?"),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(res, zone, knownvalue.StringExact("UTC"))},
				Check:             e.airbyteSchedule(res, "0 0 6 * * ? UTC"),
			},
			{
				// Moved to Toronto in the Airbyte UI: nothing to change.
				PreConfig: func() {
					id := e.liveConnections()[0].ConnectionID
					if err := e.apiClient().SetCronSchedule(context.Background(), id, "0 0 6 * * ?", "America/Toronto"); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config("0 0 6 * * ?"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, zone, knownvalue.StringExact("America/Toronto")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("schedule").AtMapKey("cron_expression"), knownvalue.StringExact("0 0 6 * * ?")),
				},
			},
			{
				// A new expression keeps the zone.
				Config: config("0 30 7 * * ?"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(res, zone, knownvalue.StringExact("America/Toronto")),
				}},
				Check: e.airbyteSchedule(res, "0 30 7 * * ? America/Toronto"),
			},
		},
	})
}

// TestAccConnection_timeZoneConfigured sets cron_time_zone: Airbyte runs
// the schedule in that zone from the create on; a change to UTC goes
// through the public API; an Etc/ zone, which Airbyte refuses, fails at
// plan.
func TestAccConnection_timeZoneConfigured(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 64})
	const res = "airbyte_connection.paris"
	config := func(zone string) string {
		return e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "paris" {
  source_id      = %q
  destination_id = %q
  schedule = {
    schedule_type   = "cron"
    cron_expression = "0 0 2 * * ?"
    cron_time_zone  = %q
  }
}
`, e.Source(0, 1).SourceID, e.Destination(0, 0).DestinationID, zone)
	}
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: config("Europe/Paris"), Check: e.airbyteSchedule(res, "0 0 2 * * ? Europe/Paris")},
			{Config: config("Europe/Paris"), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{Config: config("UTC"), Check: e.airbyteSchedule(res, "0 0 2 * * ? UTC")},
			{Config: config("Asia/Kolkata"), Check: e.airbyteSchedule(res, "0 0 2 * * ? Asia/Kolkata")},
			{
				Config:      config("Etc/GMT+5"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Time Zone.*Etc/.*America/Toronto`),
			},
			{
				Config:      config("america/toronto"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Time Zone.*case-sensitive`),
			},
			{Config: config("Asia/Kolkata"), Check: e.airbyteSchedule(res, "0 0 2 * * ? Asia/Kolkata")},
		},
	})
}

// TestAccConnection_generateConfigOfZonedSchedule imports a connection
// whose schedule runs outside UTC with -generate-config-out: the written
// configuration names the zone and plans no change.
func TestAccConnection_generateConfigOfZonedSchedule(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 65})
	conn := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	if err := e.apiClient().SetCronSchedule(context.Background(), conn.ConnectionID, "0 15 3 * * ?", "America/Toronto"); err != nil {
		t.Fatal(err)
	}
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config:          e.ProviderConfig(),
				ResourceName:    "airbyte_connection.generated",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   conn.ConnectionID,
				GenerateConfig:  true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("airbyte_connection.generated", tfjsonpath.New("schedule").AtMapKey("cron_time_zone"),
						knownvalue.StringExact("America/Toronto")),
					plancheck.ExpectKnownValue("airbyte_connection.generated", tfjsonpath.New("schedule").AtMapKey("cron_expression"),
						knownvalue.StringExact("0 15 3 * * ?")),
				}},
			},
		},
	})
	if got, err := e.apiClient().GetConnection(context.Background(), conn.ConnectionID); err != nil ||
		got.Schedule.CronExpression != "0 15 3 * * ? America/Toronto" || got.Schedule.ScheduleType != client.ScheduleTypeCron {
		t.Errorf("after the import Airbyte holds %+v (%v)", got, err)
	}
}
