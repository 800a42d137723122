package provider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// TestEveryMapperSettingRoundTrips reads, for each kind of mapper (and each
// variant of a kind), a configuration with every one of its settings set,
// and checks that each lands in its own attribute and is sent back as read:
// a setting added to mapperKinds is converted both ways with no other edit.
func TestEveryMapperSettingRoundTrips(t *testing.T) {
	ctx := context.Background()
	for _, kind := range mapperKinds {
		blocks := []mapperBlock{kind}
		if len(kind.variants) > 0 {
			blocks = kind.variants
		}
		for _, block := range blocks {
			t.Run(block.name, func(t *testing.T) {
				cfg := map[string]any{}
				for _, s := range block.settings {
					cfg[s.json] = "value of " + s.name
					if s.jsonValue {
						cfg[s.json] = map[string]any{"setting": s.name}
					}
				}
				if block.selectedBy != "" {
					cfg[kind.variantKey] = block.selectedBy
				}
				raw, err := json.Marshal(cfg)
				if err != nil {
					t.Fatal(err)
				}
				v, diags := mapperValueFromAPI(client.StreamMapper{ID: "id-1", Type: kind.apiType, MapperConfiguration: raw})
				if diags.HasError() {
					t.Fatal(diags)
				}
				attrs := v.(types.Object).Attributes()["mapper_configuration"].(types.Object).Attributes()[kind.name].(types.Object).Attributes()
				if block.name != kind.name {
					attrs = attrs[block.name].(types.Object).Attributes()
				}
				for _, s := range block.settings {
					if a := attrs[s.name]; a == nil || !known(a) {
						t.Errorf("setting %s (%s) was not read into its attribute: %v", s.name, s.json, a)
					}
				}
				out, diags := mapperToAPI(ctx, v)
				if diags.HasError() {
					t.Fatal(diags)
				}
				if canonicalJSON(out.MapperConfiguration) != canonicalJSON(raw) {
					t.Errorf("sent %s, want %s", out.MapperConfiguration, raw)
				}
			})
		}
	}
}

// TestMapperVariantFollowsAlgorithm: an encryption mapper fills the block
// of its algorithm, whatever its case, and an algorithm of no variant the
// first (AES).
func TestMapperVariantFollowsAlgorithm(t *testing.T) {
	for algorithm, want := range map[string]string{"RSA": "rsa", "rsa": "rsa", "AES": "aes", "aes": "aes", "": "aes", "DES": "aes"} {
		raw, _ := json.Marshal(map[string]string{"algorithm": algorithm, "targetField": "card"})
		v, diags := mapperValueFromAPI(client.StreamMapper{Type: client.StreamMapperEncryption, MapperConfiguration: raw})
		if diags.HasError() {
			t.Fatal(diags)
		}
		enc := v.(types.Object).Attributes()["mapper_configuration"].(types.Object).Attributes()["encryption"].(types.Object).Attributes()
		for _, block := range []string{"aes", "rsa"} {
			if filled := !enc[block].IsNull(); filled != (block == want) {
				t.Errorf("algorithm %q: block %s filled %v, want the %s block filled", algorithm, block, filled, want)
			}
		}
	}
}
