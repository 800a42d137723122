package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestConnectionDataSourceSchemaMatchesResource checks that the data
// source shows every attribute of connectionAPIModel, no other, each with the
// type the resource gives it, so that fill serves both.
func TestConnectionDataSourceSchemaMatchesResource(t *testing.T) {
	ctx := context.Background()
	var rresp resource.SchemaResponse
	NewConnectionResource().Schema(ctx, resource.SchemaRequest{}, &rresp)
	var dresp datasource.SchemaResponse
	NewConnectionDataSource().Schema(ctx, datasource.SchemaRequest{}, &dresp)
	if rresp.Diagnostics.HasError() || dresp.Diagnostics.HasError() {
		t.Fatalf("schema diagnostics: %v %v", rresp.Diagnostics, dresp.Diagnostics)
	}

	var modelNames []string
	mt := reflect.TypeOf(connectionAPIModel{})
	for i := range mt.NumField() {
		modelNames = append(modelNames, mt.Field(i).Tag.Get("tfsdk"))
	}
	var dsNames []string
	for name := range dresp.Schema.Attributes {
		dsNames = append(dsNames, name)
	}
	sort.Strings(modelNames)
	sort.Strings(dsNames)
	if !reflect.DeepEqual(modelNames, dsNames) {
		t.Fatalf("data source attributes %v, want those of connectionAPIModel %v", dsNames, modelNames)
	}
	for _, name := range modelNames {
		want := rresp.Schema.Attributes[name].GetType()
		got := dresp.Schema.Attributes[name].GetType()
		if !got.Equal(want) {
			t.Errorf("attribute %s: data source type %s, resource type %s", name, got, want)
		}
		if name != "connection_id" && !dresp.Schema.Attributes[name].IsComputed() {
			t.Errorf("attribute %s is not computed", name)
		}
	}
	if a := dresp.Schema.Attributes["connection_id"]; !a.IsRequired() {
		t.Error("connection_id is not required")
	}
	if !connectionObjectType().Equal(connectionListElementType(t)) {
		t.Errorf("connectionObjectType %s differs from the element type of airbyte_connections.data", connectionObjectType())
	}
}

// connectionListElementType is the element type of airbyte_connections' data.
func connectionListElementType(t *testing.T) attr.Type {
	t.Helper()
	var resp datasource.SchemaResponse
	NewConnectionsDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	return resp.Schema.Attributes["data"].(dschema.ListNestedAttribute).NestedObject.Type()
}

// TestConnectionDataSourceSchemaDescribedAndSensitive checks that every
// attribute, nested ones included, has a description in a full sentence, and
// that the secrets the resource hides are sensitive in both data sources too.
func TestConnectionDataSourceSchemaDescribedAndSensitive(t *testing.T) {
	ctx := context.Background()
	var rresp resource.SchemaResponse
	NewConnectionResource().Schema(ctx, resource.SchemaRequest{}, &rresp)
	resourceSensitive := map[string]bool{}
	walkResource("", rresp.Schema.Attributes, func(p string, a rschema.Attribute) {
		if a.IsSensitive() {
			resourceSensitive[p] = true
		}
	})
	if len(resourceSensitive) == 0 {
		t.Fatal("the resource has no sensitive attribute; the AES key should be one")
	}

	for _, ds := range []datasource.DataSource{NewConnectionDataSource(), NewConnectionsDataSource()} {
		var resp datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
		prefix := ""
		if _, ok := resp.Schema.Attributes["data"]; ok {
			prefix = "data."
		}
		sensitive := map[string]bool{}
		walkDataSource("", resp.Schema.Attributes, func(p string, a dschema.Attribute) {
			if !regexp.MustCompile(`^[A-Z].*\.$`).MatchString(a.GetMarkdownDescription()) {
				t.Errorf("%s: description %q is not a full sentence", p, a.GetMarkdownDescription())
			}
			if a.IsSensitive() {
				sensitive[p] = true
			}
		})
		for p := range resourceSensitive {
			if !sensitive[prefix+p] {
				t.Errorf("%s is sensitive in the resource but not in the data source", prefix+p)
			}
		}
	}
}

func walkDataSource(prefix string, attrs map[string]dschema.Attribute, f func(string, dschema.Attribute)) {
	for name, a := range attrs {
		p := prefix + name
		f(p, a)
		switch n := a.(type) {
		case dschema.SingleNestedAttribute:
			walkDataSource(p+".", n.Attributes, f)
		case dschema.ListNestedAttribute:
			walkDataSource(p+".", n.NestedObject.Attributes, f)
		case dschema.SetNestedAttribute:
			walkDataSource(p+".", n.NestedObject.Attributes, f)
		}
	}
}

func walkResource(prefix string, attrs map[string]rschema.Attribute, f func(string, rschema.Attribute)) {
	for name, a := range attrs {
		p := prefix + name
		f(p, a)
		switch n := a.(type) {
		case rschema.SingleNestedAttribute:
			walkResource(p+".", n.Attributes, f)
		case rschema.ListNestedAttribute:
			walkResource(p+".", n.NestedObject.Attributes, f)
		case rschema.SetNestedAttribute:
			walkResource(p+".", n.NestedObject.Attributes, f)
		}
	}
}

// TestAccConnectionDataSource_read reads a connection made outside Terraform:
// every attribute holds the connection's settings, and they equal what the
// resource shows for the same connection once imported.
func TestAccConnectionDataSource_read(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 41})
	src, dst := e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID
	conn := e.createOutsideTerraform(t, src, dst)
	// Its schedule runs in Toronto, set in the Airbyte UI.
	if err := e.apiClient().SetCronSchedule(context.Background(), conn.ConnectionID, "0 15 3 * * ?", "America/Toronto"); err != nil {
		t.Fatal(err)
	}
	const ds = "data.airbyte_connection.c"
	const res = "airbyte_connection.imported"
	str := knownvalue.StringExact
	accParallelTest(t, tfresource.TestCase{
		Steps: []tfresource.TestStep{{
			Config: e.ProviderConfig() + fmt.Sprintf(`
data "airbyte_connection" "c" {
  connection_id = %q
}

import {
  to = airbyte_connection.imported
  id = %q
}

resource "airbyte_connection" "imported" {
  source_id      = %q
  destination_id = %q
}
`, conn.ConnectionID, conn.ConnectionID, src, dst),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("id"), str(conn.ConnectionID)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("name"), str("Made in the UI")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("source_id"), str(src)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("destination_id"), str(dst)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("workspace_id"), str(e.Workspace(0).WorkspaceID)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("status"), str("active")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("prefix"), str("ui_")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("namespace_definition"), str("source")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("non_breaking_schema_updates_behavior"), str("propagate_columns")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("schedule"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"schedule_type": str("cron"), "cron_expression": str("0 15 3 * * ?"), "cron_time_zone": str("America/Toronto"),
					"basic_timing": knownvalue.Null(),
				})),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("stream_names"), knownvalue.ListExact([]knownvalue.Check{str("events"), str("users")})),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("configurations").AtMapKey("streams"), knownvalue.SetPartial([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": str("users"), "sync_mode": str("incremental_deduped_history")}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": str("events"), "sync_mode": str("incremental_append")}),
				})),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("tags"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("created_at"), knownvalue.Int64Func(func(v int64) error {
					if v != conn.CreatedAt {
						return fmt.Errorf("created_at %d, the API says %d", v, conn.CreatedAt)
					}
					return nil
				})),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("connection_url"),
					knownvalue.StringRegexp(regexp.MustCompile(`/workspaces/`+e.Workspace(0).WorkspaceID+`/connections/`+conn.ConnectionID+`$`))),
			},
			// The data source and the resource convert the API's connection the same way.
			Check: tfresource.ComposeAggregateTestCheckFunc(
				pairChecks(ds, res, "connection_id", "name", "source_id", "destination_id", "workspace_id", "status", "prefix",
					"namespace_definition", "non_breaking_schema_updates_behavior", "schedule.schedule_type", "schedule.cron_expression",
					"schedule.cron_time_zone",
					"configurations.streams.#", "stream_names.#", "stream_names.0", "stream_names.1", "tags.#", "created_at",
					"connection_url", "job_history_url")...,
			),
		}},
	})
}

func pairChecks(a, b string, attrs ...string) []tfresource.TestCheckFunc {
	var out []tfresource.TestCheckFunc
	for _, attr := range attrs {
		out = append(out, tfresource.TestCheckResourceAttrPair(a, attr, b, attr))
	}
	return out
}

// TestAccConnectionDataSource_errors: a connection of another workspace, an
// unknown id and a malformed id all fail with an error that says why; none
// silently returns nothing.
func TestAccConnectionDataSource_errors(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 42})
	foreign := e.createOutsideTerraform(t, e.Source(1, 1).SourceID, e.Destination(1, 0).DestinationID, client.StreamConfiguration{Name: "issues"})
	config := func(id string) string {
		return e.ProviderConfig() + fmt.Sprintf(`
data "airbyte_connection" "c" {
  connection_id = %q
}
`, id)
	}
	accParallelTest(t, tfresource.TestCase{
		Steps: []tfresource.TestStep{
			{
				Config: config(foreign.ConnectionID),
				ExpectError: regexp.MustCompile(`(?s)Workspace Mismatch.*"` + foreign.ConnectionID + `"\s+belongs\s+to\s+workspace\s+"` +
					e.Workspace(1).WorkspaceID + `",\s+but\s+the\s+provider\s+is\s+configured\s+for\s+workspace\s+"` + e.Workspace(0).WorkspaceID + `"`),
			},
			{
				Config: config("00000000-0000-4000-8000-000000000000"),
				// The emulator answers 403 for unknown ids, as Airbyte Cloud does.
				ExpectError: regexp.MustCompile(`(?s)Unknown Connection.*"00000000-0000-4000-8000-000000000000".*403`),
			},
			{
				Config:      config("not-a-uuid"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Airbyte ID.*"not-a-uuid" is not a UUID`),
			},
		},
	})
}

// TestAccConnectionDataSource_notFound404 reads an unknown id from a server
// that answers 404, as Airbyte does for instance admins.
func TestAccConnectionDataSource_notFound404(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 43, UnknownIDStatus: 404})
	accParallelTest(t, tfresource.TestCase{
		Steps: []tfresource.TestStep{{
			Config: e.ProviderConfig() + `
data "airbyte_connection" "c" {
  connection_id = "00000000-0000-4000-8000-000000000000"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Unknown Connection.*404`),
		}},
	})
}

// TestAccConnectionDataSource_deleted reads a deleted connection: its
// settings come back with status "deprecated".
func TestAccConnectionDataSource_deleted(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 44})
	conn := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	if err := e.apiClient().DeleteConnection(context.Background(), conn.ConnectionID); err != nil {
		t.Fatal(err)
	}
	accParallelTest(t, tfresource.TestCase{
		Steps: []tfresource.TestStep{{
			Config: e.ProviderConfig() + fmt.Sprintf(`
data "airbyte_connection" "c" {
  connection_id = %q
}
`, conn.ConnectionID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.airbyte_connection.c", tfjsonpath.New("status"), knownvalue.StringExact("deprecated")),
				statecheck.ExpectKnownValue("data.airbyte_connection.c", tfjsonpath.New("name"), knownvalue.StringExact("Made in the UI")),
			},
		}},
	})
}
