package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// Environment variables of the acceptance test against a real Airbyte.
const (
	envAccReal          = "AIRBYTE_ACC_REAL"
	envAccSourceID      = "AIRBYTE_ACC_SOURCE_ID"
	envAccDestinationID = "AIRBYTE_ACC_DESTINATION_ID"
)

// realAirbyteEnv holds the provider's AIRBYTE_* settings as the test process
// received them. It is read when the package is initialised, before TestMain
// clears them so that no other test reaches a real Airbyte by accident.
var realAirbyteEnv = func() map[string]string {
	env := map[string]string{}
	for _, name := range []string{envServerURL, envConfigAPIURL, envWorkspaceID, envClientID, envClientSecret,
		envTokenURL, envBearerToken, envUsername, envPassword, envAccReal, envAccSourceID, envAccDestinationID} {
		if v, ok := os.LookupEnv(name); ok {
			env[name] = v
		}
	}
	return env
}()

// TestAccRealAirbyteConnection runs the life of a connection against a real
// Airbyte instead of the emulator: create, update, import, destroy. It runs
// only when AIRBYTE_ACC_REAL=1 and TF_ACC=1 are set, with the provider's usual
// AIRBYTE_* settings (credentials, and AIRBYTE_SERVER_URL for self-managed
// Airbyte) and the ids of an existing source and destination of that Airbyte in
// AIRBYTE_ACC_SOURCE_ID and AIRBYTE_ACC_DESTINATION_ID.
//
// The connection is created inactive with a manual schedule, so it never
// syncs, and its name ends in a random suffix; destroying it leaves the
// source and destination alone.
func TestAccRealAirbyteConnection(t *testing.T) {
	if realAirbyteEnv[envAccReal] != "1" {
		t.Skipf("acceptance test against a real Airbyte skipped: set %s=1, the provider's AIRBYTE_* settings, %s and %s to run it",
			envAccReal, envAccSourceID, envAccDestinationID)
	}
	var missing []string
	for _, name := range []string{envAccSourceID, envAccDestinationID} {
		if realAirbyteEnv[name] == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		verb := "is"
		if len(missing) > 1 {
			verb = "are"
		}
		t.Fatalf("%s=1 asks for the test against a real Airbyte, but %s %s not set. Set %s and %s to the ids of an "+
			"existing source and destination of that Airbyte; the test creates a connection between them and deletes it again.",
			envAccReal, strings.Join(missing, " and "), verb, envAccSourceID, envAccDestinationID)
	}
	requireTerraform(t)

	// The provider reads its settings from the environment, as a user's would.
	for name, v := range realAirbyteEnv {
		t.Setenv(name, v)
	}
	apiClient := realAirbyteClient(t)

	sourceID, destinationID := realAirbyteEnv[envAccSourceID], realAirbyteEnv[envAccDestinationID]
	name := "terraform-acc-" + uuid.NewString()[:8]
	const res = "airbyte_connection.acc"
	config := func(name, prefix string) string {
		return fmt.Sprintf(`
provider "airbyte" {}

resource "airbyte_connection" "acc" {
  name           = %s
  source_id      = %s
  destination_id = %s
  status         = "inactive"
  prefix         = %s
  schedule = {
    schedule_type = "manual"
  }
}
`, hclString(name), hclString(sourceID), hclString(destinationID), hclString(prefix))
	}

	t.Logf("creating the connection %q from source %s to destination %s", name, sourceID, destinationID)
	accTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config(name, "tfacc_"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("status"), knownvalue.StringExact("inactive")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("source_id"), knownvalue.StringExact(sourceID)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("destination_id"), knownvalue.StringExact(destinationID)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("schedule").AtMapKey("schedule_type"), knownvalue.StringExact("manual")),
				},
				Check: realConnectionHas(apiClient, res, name, "tfacc_"),
			},
			{
				Config: config(name+"-renamed", "tfacc2_"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("name"), knownvalue.StringExact(name+"-renamed")),
				},
				Check: realConnectionHas(apiClient, res, name+"-renamed", "tfacc2_"),
			},
			{
				ResourceName:      res,
				ImportState:       true,
				ImportStateVerify: true,
			},
		},
		CheckDestroy: func(s *terraform.State) error {
			for _, rs := range s.RootModule().Resources {
				if rs.Type != "airbyte_connection" {
					continue
				}
				c, err := apiClient.GetConnection(context.Background(), rs.Primary.ID)
				switch {
				case client.IsNotFound(err), client.IsForbidden(err):
					continue
				case err != nil:
					return fmt.Errorf("reading the connection %s after destroy: %w", rs.Primary.ID, err)
				case c.Status != client.ConnectionStatusDeprecated:
					return fmt.Errorf("after destroy the connection %s still exists with status %q", rs.Primary.ID, c.Status)
				}
			}
			return nil
		},
	})
}

// realAirbyteClient returns an API client with the provider's settings from
// the environment, merged and checked as the provider does.
func realAirbyteClient(t *testing.T) *client.Client {
	t.Helper()
	s := settingsFromConfig(airbyteProviderModel{RequestTimeout: types.StringNull(), MaxRetries: types.Int64Null()}, os.Getenv)
	if diags := s.validate(true); diags.HasError() {
		t.Fatalf("the AIRBYTE_* settings do not configure the provider: %v", diags)
	}
	cfg := s.client
	cfg.RequestTimeout = time.Minute
	c, err := client.New(cfg)
	if err != nil {
		t.Fatalf("creating an API client from the AIRBYTE_* settings: %v", err)
	}
	return c
}

// realConnectionHas checks, through the API rather than the state, that the
// connection in res has the given name and prefix.
func realConnectionHas(c *client.Client, res, name, prefix string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[res]
		if !ok {
			return fmt.Errorf("%s is not in the state", res)
		}
		conn, err := c.GetConnection(context.Background(), rs.Primary.ID)
		if err != nil {
			return fmt.Errorf("reading the connection %s from Airbyte: %w", rs.Primary.ID, err)
		}
		if conn.Name != name || conn.Prefix != prefix {
			return fmt.Errorf("Airbyte holds the connection %s with name %q and prefix %q, want %q and %q",
				rs.Primary.ID, conn.Name, conn.Prefix, name, prefix)
		}
		return nil
	}
}
