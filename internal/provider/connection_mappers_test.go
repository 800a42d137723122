package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// connectionMapper reads the mappers of one stream of the connection in
// state through the API, as Airbyte shows them.
func (e *accEmulator) connectionMappers(s *terraform.State, name, stream string) ([]map[string]any, error) {
	rs, ok := s.RootModule().Resources[name]
	if !ok {
		return nil, fmt.Errorf("%s is not in state", name)
	}
	conn, err := e.apiClient().GetConnection(context.Background(), rs.Primary.Attributes["connection_id"])
	if err != nil {
		return nil, err
	}
	for _, st := range conn.Configurations.Streams {
		if st.Name != stream {
			continue
		}
		out := []map[string]any{}
		for _, m := range st.Mappers {
			var cfg map[string]any
			if err := json.Unmarshal(m.MapperConfiguration, &cfg); err != nil {
				return nil, err
			}
			out = append(out, map[string]any{"id": m.ID, "type": string(m.Type), "config": cfg})
		}
		return out, nil
	}
	return nil, fmt.Errorf("the connection has no stream %q", stream)
}

// TestAccConnection_rowFilterAsLiteralJSON writes a row filter as literal
// JSON with its keys in the writer's order, not jsonencode's: Airbyte
// returns the same filter with its keys in another order, which must be
// neither an error after apply nor a change in the next plan.
func TestAccConnection_rowFilterAsLiteralJSON(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 61})
	const res = "airbyte_connection.filtered"
	const conditions = `{"type":"EQUAL","fieldName":"email","comparisonValue":"vip@example.com"}`
	config := e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "filtered" {
  source_id      = %q
  destination_id = %q
  configurations = {
    streams = [{
      name = "customers"
      mappers = [{
        type = "row-filtering"
        mapper_configuration = {
          row_filtering = {
            conditions = %q
          }
        }
      }]
    }]
  }
}
`, e.Source(0, 1).SourceID, e.Destination(0, 0).DestinationID, conditions)
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckTypeSetElemNestedAttrs(res, "configurations.streams.*", map[string]string{
						"name": "customers", "mappers.0.mapper_configuration.row_filtering.conditions": conditions}),
					resource.TestCheckTypeSetElemAttrPair(res, "configurations.streams.*.mappers.0.id", res, "configurations.streams.0.mappers.0.id"),
					func(s *terraform.State) error {
						mappers, err := e.connectionMappers(s, res, "customers")
						if err != nil {
							return err
						}
						if len(mappers) != 1 || mappers[0]["id"] == "" {
							return fmt.Errorf("Airbyte holds mappers %v, want one row filter with an id", mappers)
						}
						got, _ := json.Marshal(mappers[0]["config"].(map[string]any)["conditions"])
						if string(got) != `{"comparisonValue":"vip@example.com","fieldName":"email","type":"EQUAL"}` {
							return fmt.Errorf("Airbyte holds the filter %s", got)
						}
						return nil
					},
				),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccConnection_encryptionKeyKept encrypts a field with an AES key,
// which Airbyte reads back masked: the state keeps the configured key, the
// next plan is empty, and a later change of the stream sends the key again,
// never the mask (which Airbyte refuses).
func TestAccConnection_encryptionKeyKept(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 62})
	const res = "airbyte_connection.encrypted"
	const key = "00112233445566778899aabbccddeeff"
	config := func(syncMode, key string) string {
		return e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "encrypted" {
  source_id      = %q
  destination_id = %q
  configurations = {
    streams = [{
      name      = "customers"
      sync_mode = %q
      mappers = [{
        type = "encryption"
        mapper_configuration = {
          encryption = {
            aes = {
              algorithm         = "AES"
              target_field      = "email"
              field_name_suffix = "_encrypted"
              mode              = "CBC"
              padding           = "PKCS5Padding"
              key               = %q
            }
          }
        }
      }]
    }]
  }
}
`, e.Source(0, 1).SourceID, e.Destination(0, 0).DestinationID, syncMode, key)
	}
	keyInState := func(key string) resource.TestCheckFunc {
		return resource.TestCheckTypeSetElemNestedAttrs(res, "configurations.streams.*", map[string]string{
			"name": "customers", "mappers.0.mapper_configuration.encryption.aes.key": key})
	}
	var mapperID string
	sameMapper := func(s *terraform.State) error {
		mappers, err := e.connectionMappers(s, res, "customers")
		if err != nil || len(mappers) != 1 {
			return fmt.Errorf("reading the mappers: %v %v", mappers, err)
		}
		id, _ := mappers[0]["id"].(string)
		if mapperID == "" {
			mapperID = id
		}
		if id == "" || id != mapperID {
			return fmt.Errorf("the mapper's id is %q, want the one Airbyte gave it, %q", id, mapperID)
		}
		return nil
	}
	const newKey = "ffeeddccbbaa99887766554433221100"
	maskedInAirbyte := func(s *terraform.State) error {
		mappers, err := e.connectionMappers(s, res, "customers")
		if err != nil {
			return err
		}
		if len(mappers) != 1 {
			return fmt.Errorf("Airbyte holds mappers %v, want one", mappers)
		}
		if k := mappers[0]["config"].(map[string]any)["key"]; k != "**********" || strings.Contains(fmt.Sprint(mappers), key) ||
			strings.Contains(fmt.Sprint(mappers), newKey) {
			return fmt.Errorf("Airbyte shows the key as %v, want it masked", k)
		}
		return nil
	}
	accParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: config("full_refresh_overwrite", key), Check: resource.ComposeAggregateTestCheckFunc(keyInState(key), maskedInAirbyte, sameMapper)},
			{
				Config:           config("full_refresh_overwrite", key),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A change of the stream sends its mappers again, with their ids.
				Config: config("full_refresh_append", key),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate)}},
				Check: resource.ComposeAggregateTestCheckFunc(keyInState(key), maskedInAirbyte, sameMapper,
					e.checkEmulator(res, func(c emulator.SnapshotConnection) error {
						return expect("streams", streamSummary(c), "customers:full_refresh_append")
					})),
			},
			{
				// A new key is a change, sent and kept.
				Config: config("full_refresh_append", newKey),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate)}},
				Check: resource.ComposeAggregateTestCheckFunc(keyInState(newKey), maskedInAirbyte, sameMapper),
			},
		},
	})
}
