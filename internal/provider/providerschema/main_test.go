package main

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
)

// TestProviderSchemas checks that the printed schema holds every kind of
// type the provider declares, in the members tfplugindocs reads.
func TestProviderSchemas(t *testing.T) {
	schemas, err := providerSchemas(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(schemas)
	if err != nil {
		t.Fatal(err)
	}
	var printed struct {
		FormatVersion string                                `json:"format_version"`
		Schemas       map[string]map[string]json.RawMessage `json:"provider_schemas"`
	}
	if err := json.Unmarshal(data, &printed); err != nil {
		t.Fatal(err)
	}
	// terraform-json reads it back, checking its format version, as tfplugindocs does.
	var read tfjson.ProviderSchemas
	if err := json.Unmarshal(data, &read); err != nil {
		t.Fatalf("terraform-json does not read the printed schema: %v", err)
	}
	p, ok := schemas.Schemas[providerKey]
	if !ok {
		t.Fatalf("no provider %q in the schema", providerKey)
	}
	for member, want := range map[string][]string{
		"resource_schemas":          {"airbyte_connection", "airbyte_run_sync"},
		"data_source_schemas":       {"airbyte_connection", "airbyte_connection_catalog", "airbyte_connection_state", "airbyte_connection_status", "airbyte_connections", "airbyte_sync_history", "airbyte_sync_result"},
		"action_schemas":            {"airbyte_run_sync"},
		"list_resource_schemas":     {"airbyte_connection"},
		"resource_identity_schemas": {"airbyte_connection"},
	} {
		var names map[string]json.RawMessage
		if err := json.Unmarshal(printed.Schemas[providerKey][member], &names); err != nil {
			t.Fatalf("%s: %v", member, err)
		}
		var got []string
		for name := range names {
			got = append(got, name)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", member, got, want)
		}
	}
	if printed.FormatVersion != "1.0" {
		t.Errorf("format_version = %q, want 1.0", printed.FormatVersion)
	}

	// Attributes carry their Markdown descriptions and types in Terraform's notation.
	attr := p.ResourceSchemas["airbyte_connection"].Block.Attributes["source_id"]
	attrType, err := attr.AttributeType.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !attr.Required || attr.DescriptionKind != "markdown" || attr.Description == "" || string(attrType) != `"string"` {
		t.Errorf("airbyte_connection.source_id = %+v, want a required string with a Markdown description", attr)
	}
	streams := p.ResourceSchemas["airbyte_connection"].Block.Attributes["configurations"].AttributeNestedType.Attributes["streams"]
	if streams == nil || streams.AttributeNestedType == nil || streams.AttributeNestedType.NestingMode == "" {
		t.Errorf("airbyte_connection.configurations.streams has no nested type: %+v", streams)
	}
	if id := p.ResourceIdentitySchemas["airbyte_connection"].Attributes["connection_id"]; id == nil || !id.RequiredForImport {
		t.Errorf("the identity of airbyte_connection has no required connection_id: %+v", id)
	}
	if timeouts := p.ResourceSchemas["airbyte_connection"].Block.NestedBlocks["timeouts"]; timeouts == nil || timeouts.NestingMode != "single" {
		t.Errorf("airbyte_connection has no single timeouts block: %+v", timeouts)
	}
}

func TestCtyType(t *testing.T) {
	for _, tc := range []struct {
		in   tftypes.Type
		want cty.Type
	}{
		{tftypes.String, cty.String},
		{tftypes.Number, cty.Number},
		{tftypes.Bool, cty.Bool},
		{tftypes.DynamicPseudoType, cty.DynamicPseudoType},
		{tftypes.List{ElementType: tftypes.String}, cty.List(cty.String)},
		{tftypes.Set{ElementType: tftypes.Number}, cty.Set(cty.Number)},
		{tftypes.Map{ElementType: tftypes.List{ElementType: tftypes.Bool}}, cty.Map(cty.List(cty.Bool))},
		{tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Number}}, cty.Tuple([]cty.Type{cty.String, cty.Number})},
		{tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.String}}, cty.Object(map[string]cty.Type{"a": cty.String})},
		{
			tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.String, "b": tftypes.Number}, OptionalAttributes: map[string]struct{}{"b": {}}},
			cty.ObjectWithOptionalAttrs(map[string]cty.Type{"a": cty.String, "b": cty.Number}, []string{"b"}),
		},
	} {
		if got := ctyType(tc.in); !got.Equals(tc.want) {
			t.Errorf("ctyType(%s) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
}
