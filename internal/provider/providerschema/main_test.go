package main

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
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
	p, ok := schemas.Schemas[providerKey]
	if !ok {
		t.Fatalf("no provider %q in the schema", providerKey)
	}
	for member, want := range map[string][]string{
		"resource_schemas":          {"airbyte_connection", "airbyte_run_sync"},
		"data_source_schemas":       {"airbyte_connection", "airbyte_connection_catalog", "airbyte_connection_state", "airbyte_connections", "airbyte_sync_history", "airbyte_sync_result"},
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
	if !attr.Required || attr.DescriptionKind != "markdown" || attr.Description == "" || string(attr.Type) != `"string"` {
		t.Errorf("airbyte_connection.source_id = %+v, want a required string with a Markdown description", attr)
	}
	streams := p.ResourceSchemas["airbyte_connection"].Block.Attributes["configurations"].NestedType.Attributes["streams"]
	if streams == nil || streams.NestedType == nil || streams.NestedType.NestingMode == "" {
		t.Errorf("airbyte_connection.configurations.streams has no nested type: %+v", streams)
	}
	if id := p.ResourceIdentitySchemas["airbyte_connection"].Attributes["connection_id"]; id == nil || !id.RequiredForImport {
		t.Errorf("the identity of airbyte_connection has no required connection_id: %+v", id)
	}
	if timeouts := p.ResourceSchemas["airbyte_connection"].Block.BlockTypes["timeouts"]; timeouts == nil || timeouts.NestingMode != "single" {
		t.Errorf("airbyte_connection has no single timeouts block: %+v", timeouts)
	}
}
