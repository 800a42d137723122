package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// These tests drive resource identity and the list resource through the
// plugin protocol, in-process, because they need Terraform 1.12 (identity)
// and 1.14 (`terraform query`). The CLI tests at the end run them for real
// when the terraform CLI is new enough, and skip otherwise.

const connectionType = "airbyte_connection"

// protocolTypes holds the types of the values the tests exchange with the server.
type protocolTypes struct {
	resource, identity, listConfig tftypes.Object
}

func readProtocolTypes(t *testing.T, server tfprotov6.ProviderServer) protocolTypes {
	t.Helper()
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrors(t, "GetProviderSchema", schemas.Diagnostics)
	identities, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrors(t, "GetResourceIdentitySchemas", identities.Diagnostics)
	res, ok := schemas.ResourceSchemas[connectionType]
	if !ok {
		t.Fatalf("the provider has no %s resource schema", connectionType)
	}
	id, ok := identities.IdentitySchemas[connectionType]
	if !ok {
		t.Fatalf("the provider has no %s identity schema", connectionType)
	}
	list, ok := schemas.ListResourceSchemas[connectionType]
	if !ok {
		t.Fatalf("the provider has no %s list resource schema", connectionType)
	}
	return protocolTypes{
		resource:   res.ValueType().(tftypes.Object),
		identity:   id.ValueType().(tftypes.Object),
		listConfig: list.ValueType().(tftypes.Object),
	}
}

// objectValue returns a dynamic value of typ with the given string
// attributes (and bool attributes, for values of type bool); every other
// attribute is null.
func objectValue(t *testing.T, typ tftypes.Object, values map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		if v, ok := values[name]; ok {
			if tv, isValue := v.(tftypes.Value); isValue {
				vals[name] = tv // a nested value, built by the caller
				continue
			}
			vals[name] = tftypes.NewValue(at, v)
			continue
		}
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name := range values {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("the object type has no attribute %q", name)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// attributes decodes a dynamic value of typ into its attributes.
func attributes(t *testing.T, typ tftypes.Object, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	t.Helper()
	if dv == nil {
		t.Fatal("no value")
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]tftypes.Value
	if err := v.As(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// stringAt returns the string at the path of attribute names, or "<null>".
func stringAt(t *testing.T, attrs map[string]tftypes.Value, names ...string) string {
	t.Helper()
	v := attrs[names[0]]
	for _, n := range names[1:] {
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			t.Fatalf("%s: %v", strings.Join(names, "."), err)
		}
		v = m[n]
	}
	if v.IsNull() {
		return "<null>"
	}
	var s string
	if err := v.As(&s); err != nil {
		t.Fatalf("%s: %v", strings.Join(names, "."), err)
	}
	return s
}

// diagnosticsText joins the diagnostics' summaries and details.
func diagnosticsText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "[%s] %s: %s\n", d.Severity, d.Summary, d.Detail)
	}
	return b.String()
}

// readConnection runs ReadResource on state (and identity, when not nil).
func readConnection(t *testing.T, server tfprotov6.ProviderServer, state *tfprotov6.DynamicValue, identity *tfprotov6.ResourceIdentityData) *tfprotov6.ReadResourceResponse {
	t.Helper()
	resp, err := server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: connectionType, CurrentState: state, CurrentIdentity: identity,
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// importConnection runs ImportResourceState with an id or an identity and,
// when it succeeds, the ReadResource that Terraform runs next, as `terraform
// import` and import blocks do. It returns the diagnostics of both.
func importConnection(t *testing.T, server tfprotov6.ProviderServer, id string, identity *tfprotov6.ResourceIdentityData) (*tfprotov6.ImportResourceStateResponse, *tfprotov6.ReadResourceResponse, []*tfprotov6.Diagnostic) {
	t.Helper()
	imported, err := server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{
		TypeName: connectionType, ID: id, Identity: identity,
	})
	if err != nil {
		t.Fatal(err)
	}
	diags := imported.Diagnostics
	if hasError(diags) {
		return imported, nil, diags
	}
	if len(imported.ImportedResources) != 1 {
		t.Fatalf("imported %d resources, want 1", len(imported.ImportedResources))
	}
	r := imported.ImportedResources[0]
	read := readConnection(t, server, r.State, r.Identity)
	return imported, read, append(diags, read.Diagnostics...)
}

// TestProtocolConnection_readReturnsIdentity: reading a connection returns
// its identity, {connection_id}, with the full state.
func TestProtocolConnection_readReturnsIdentity(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 51})
	conn := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	server := newProtocolServer(t, e)
	types := readProtocolTypes(t, server)

	// A state that holds only the id, as after an import.
	resp := readConnection(t, server, objectValue(t, types.resource, map[string]any{"id": conn.ConnectionID, "connection_id": conn.ConnectionID}), nil)
	failOnErrors(t, "ReadResource", resp.Diagnostics)
	if resp.NewIdentity == nil {
		t.Fatal("ReadResource returned no identity")
	}
	identity := attributes(t, types.identity, resp.NewIdentity.IdentityData)
	if len(identity) != 1 || stringAt(t, identity, "connection_id") != conn.ConnectionID {
		t.Fatalf("identity %v, want {connection_id = %q}", identity, conn.ConnectionID)
	}
	state := attributes(t, types.resource, resp.NewState)
	if got := stringAt(t, state, "name"); got != "Made in the UI" {
		t.Errorf("name %q, want the connection's", got)
	}
}

// TestProtocolConnection_importByIdentityAndID imports a connection by
// identity and by id: both give the same state and identity.
func TestProtocolConnection_importByIdentityAndID(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 52})
	conn := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	server := newProtocolServer(t, e)
	types := readProtocolTypes(t, server)

	byIdentity := &tfprotov6.ResourceIdentityData{IdentityData: objectValue(t, types.identity, map[string]any{"connection_id": conn.ConnectionID})}
	for _, tc := range []struct {
		name     string
		id       string
		identity *tfprotov6.ResourceIdentityData
	}{
		{"identity", "", byIdentity},
		{"id", conn.ConnectionID, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imported, read, diags := importConnection(t, server, tc.id, tc.identity)
			failOnErrors(t, "import", diags)
			r := imported.ImportedResources[0]
			// Imported by identity, the identity comes back as given. Imported by id, the framework's
			// passthrough leaves it null and the Read that follows sets it, as checked below.
			if tc.identity != nil {
				if r.Identity == nil {
					t.Fatal("ImportResourceState returned no identity")
				}
				if got := stringAt(t, attributes(t, types.identity, r.Identity.IdentityData), "connection_id"); got != conn.ConnectionID {
					t.Errorf("imported identity %q, want %q", got, conn.ConnectionID)
				}
			}
			if got := stringAt(t, attributes(t, types.resource, r.State), "connection_id"); got != conn.ConnectionID {
				t.Errorf("imported state connection_id %q, want %q", got, conn.ConnectionID)
			}
			state := attributes(t, types.resource, read.NewState)
			for _, c := range []struct{ path, want string }{
				{"name", "Made in the UI"}, {"prefix", "ui_"}, {"workspace_id", e.Workspace(0).WorkspaceID},
				{"namespace_definition", "source"}, {"schedule.cron_expression", "0 15 3 * * ?"},
			} {
				if got := stringAt(t, state, strings.Split(c.path, ".")...); got != c.want {
					t.Errorf("%s = %q after import, want %q", c.path, got, c.want)
				}
			}
			if got := stringAt(t, attributes(t, types.identity, read.NewIdentity.IdentityData), "connection_id"); got != conn.ConnectionID {
				t.Errorf("identity after the read %q, want %q", got, conn.ConnectionID)
			}
		})
	}

	t.Run("malformed id", func(t *testing.T) {
		_, _, diags := importConnection(t, server, "not-a-uuid", nil)
		if !strings.Contains(diagnosticsText(diags), `Invalid Import ID: "not-a-uuid" is not a connection id`) {
			t.Fatalf("want an Invalid Import ID error, got:\n%s", diagnosticsText(diags))
		}
	})
}

// TestProtocolConnection_importOtherWorkspace: importing, by identity, a
// connection of another workspace fails with the workspace mismatch that
// names both workspaces.
func TestProtocolConnection_importOtherWorkspace(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 53})
	foreign := e.createOutsideTerraform(t, e.Source(1, 1).SourceID, e.Destination(1, 0).DestinationID, client.StreamConfiguration{Name: "issues"})
	server := newProtocolServer(t, e)
	types := readProtocolTypes(t, server)
	_, _, diags := importConnection(t, server, "", &tfprotov6.ResourceIdentityData{
		IdentityData: objectValue(t, types.identity, map[string]any{"connection_id": foreign.ConnectionID}),
	})
	want := fmt.Sprintf(`Workspace Mismatch: The connection %q belongs to workspace %q, but the provider is configured for workspace %q`,
		foreign.ConnectionID, e.Workspace(1).WorkspaceID, e.Workspace(0).WorkspaceID)
	if !hasError(diags) || !strings.Contains(diagnosticsText(diags), want) {
		t.Fatalf("want %q, got:\n%s", want, diagnosticsText(diags))
	}
}

// listConnections runs the ListResource RPC and collects every event.
func listConnections(t *testing.T, server tfprotov6.ProviderServer, cfg *tfprotov6.DynamicValue, includeResource bool, limit int64) []tfprotov6.ListResourceResult {
	t.Helper()
	lister, ok := server.(tfprotov6.ListResourceServer)
	if !ok {
		t.Fatal("the provider server does not serve list resources")
	}
	stream, err := lister.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: connectionType, Config: cfg, IncludeResource: includeResource, Limit: limit,
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []tfprotov6.ListResourceResult
	for r := range stream.Results {
		out = append(out, r)
	}
	return out
}

// TestProtocolConnectionList lists the connections of a workspace through
// the ListResource RPC, with each filter, with and without resource objects.
func TestProtocolConnectionList(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 54, SeedConnections: 5})
	ctx := context.Background()
	api := e.apiClient()
	ws0, ws1 := e.Workspace(0).WorkspaceID, e.Workspace(1).WorkspaceID
	ui := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	e.createOutsideTerraform(t, e.Source(1, 1).SourceID, e.Destination(1, 0).DestinationID, client.StreamConfiguration{Name: "issues"})
	ids := map[string]string{} // name → id
	all, err := api.ListConnections(ctx, client.ListConnectionsParams{WorkspaceIDs: []string{ws0}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		ids[c.Name] = c.ConnectionID
	}
	inactive := client.ConnectionStatusInactive
	if _, err := api.PatchConnection(ctx, ids["seeded-connection-0002"], client.ConnectionPatchRequest{Status: &inactive}); err != nil {
		t.Fatal(err)
	}
	if err := api.DeleteConnection(ctx, ids["seeded-connection-0003"]); err != nil {
		t.Fatal(err)
	}

	server := newProtocolServer(t, e)
	types := readProtocolTypes(t, server)

	// names checks that results hold exactly the named connections, in
	// order, each with its identity and its name as display name.
	names := func(t *testing.T, results []tfprotov6.ListResourceResult, want ...string) {
		t.Helper()
		var got []string
		for _, r := range results {
			if hasError(r.Diagnostics) {
				t.Fatalf("an error event:\n%s", diagnosticsText(r.Diagnostics))
			}
			if r.Identity == nil {
				t.Fatalf("the result %q has no identity", r.DisplayName)
			}
			id := stringAt(t, attributes(t, types.identity, r.Identity.IdentityData), "connection_id")
			if id != ids[r.DisplayName] {
				t.Errorf("the result %q has identity %q, want %q", r.DisplayName, id, ids[r.DisplayName])
			}
			got = append(got, r.DisplayName)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("listed %q, want %q", got, want)
		}
	}
	live := []string{"seeded-connection-0001", "seeded-connection-0002", "seeded-connection-0004", "seeded-connection-0005", "Made in the UI"}
	cfg := func(values map[string]any) *tfprotov6.DynamicValue { return objectValue(t, types.listConfig, values) }

	t.Run("workspace of the provider", func(t *testing.T) {
		results := listConnections(t, server, cfg(nil), false, 0)
		names(t, results, live...)
		for _, r := range results {
			if r.Resource != nil {
				t.Errorf("the result %q holds a resource object that was not asked for", r.DisplayName)
			}
		}
	})
	t.Run("workspace named", func(t *testing.T) {
		names(t, listConnections(t, server, cfg(map[string]any{"workspace_id": ws0}), false, 0), live...)
	})
	t.Run("name", func(t *testing.T) {
		names(t, listConnections(t, server, cfg(map[string]any{"name": "seeded-connection-0004"}), false, 0), "seeded-connection-0004")
	})
	t.Run("name_regex", func(t *testing.T) {
		names(t, listConnections(t, server, cfg(map[string]any{"name_regex": "^seeded-connection-000[1-4]$"}), false, 0),
			"seeded-connection-0001", "seeded-connection-0002", "seeded-connection-0004")
	})
	t.Run("status inactive", func(t *testing.T) {
		names(t, listConnections(t, server, cfg(map[string]any{"status": "inactive"}), false, 0), "seeded-connection-0002")
	})
	t.Run("status active", func(t *testing.T) {
		names(t, listConnections(t, server, cfg(map[string]any{"status": "active"}), false, 0),
			"seeded-connection-0001", "seeded-connection-0004", "seeded-connection-0005", "Made in the UI")
	})
	t.Run("include_deleted", func(t *testing.T) {
		names(t, listConnections(t, server, cfg(map[string]any{"include_deleted": true}), false, 0),
			"seeded-connection-0001", "seeded-connection-0002", "seeded-connection-0003", "seeded-connection-0004",
			"seeded-connection-0005", "Made in the UI")
	})
	t.Run("limit", func(t *testing.T) {
		names(t, listConnections(t, server, cfg(nil), false, 2), "seeded-connection-0001", "seeded-connection-0002")
	})
	t.Run("resource objects", func(t *testing.T) {
		results := listConnections(t, server, cfg(map[string]any{"name": "Made in the UI"}), true, 0)
		names(t, results, "Made in the UI")
		if results[0].Resource == nil {
			t.Fatal("no resource object although IncludeResource is true")
		}
		state := attributes(t, types.resource, results[0].Resource)
		for _, c := range []struct{ path, want string }{
			{"id", ui.ConnectionID}, {"connection_id", ui.ConnectionID}, {"name", "Made in the UI"}, {"prefix", "ui_"},
			{"workspace_id", ws0}, {"schedule.schedule_type", "cron"}, {"schedule.cron_expression", "0 15 3 * * ?"},
			{"non_breaking_schema_updates_behavior", "propagate_columns"}, {"data_residency", "<null>"},
		} {
			if got := stringAt(t, state, strings.Split(c.path, ".")...); got != c.want {
				t.Errorf("resource %s = %q, want %q", c.path, got, c.want)
			}
		}
		for _, name := range []string{"delete_source_on_destroy", "delete_destination_on_destroy"} {
			if !state[name].Equal(tftypes.NewValue(tftypes.Bool, false)) {
				t.Errorf("resource %s = %s, want false", name, state[name])
			}
		}
		if !state["timeouts"].IsNull() {
			t.Errorf("resource timeouts = %s, want null", state["timeouts"])
		}
		// The object is what ReadResource writes for the same connection, bar the attributes Read keeps from prior state.
		read := readConnection(t, server, objectValue(t, types.resource, map[string]any{"connection_id": ui.ConnectionID}), nil)
		failOnErrors(t, "ReadResource", read.Diagnostics)
		readState := attributes(t, types.resource, read.NewState)
		for name, v := range readState {
			if name == "delete_source_on_destroy" || name == "delete_destination_on_destroy" {
				continue
			}
			if !v.Equal(state[name]) {
				t.Errorf("%s: listed %s, read %s", name, state[name], v)
			}
		}
	})
	t.Run("other workspace", func(t *testing.T) {
		results := listConnections(t, server, cfg(map[string]any{"workspace_id": ws1}), false, 0)
		want := fmt.Sprintf("Workspace Mismatch: The listing asks for workspace %q, but the provider is configured for workspace %q", ws1, ws0)
		if len(results) != 1 || !hasError(results[0].Diagnostics) || !strings.Contains(diagnosticsText(results[0].Diagnostics), want) {
			t.Fatalf("want one error event containing %q, got %d events:\n%v", want, len(results), results)
		}
	})
}

// TestProtocolConnectionList_apiError: when the API fails, the listing ends
// with an error event that carries the API's answer, instead of an empty list.
func TestProtocolConnectionList_apiError(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 55, FailRate: 1})
	server := newProtocolServer(t, e, map[string]any{"max_retries": 0})
	types := readProtocolTypes(t, server)
	results := listConnections(t, server, objectValue(t, types.listConfig, nil), false, 0)
	if len(results) != 1 || !hasError(results[0].Diagnostics) {
		t.Fatalf("want one error event, got %d events: %v", len(results), results)
	}
	text := diagnosticsText(results[0].Diagnostics)
	for _, want := range []string{"Cannot List Connections", e.Workspace(0).WorkspaceID, "503 Service Unavailable"} {
		if !strings.Contains(text, want) {
			t.Errorf("the error event lacks %q:\n%s", want, text)
		}
	}
}

// TestProtocolConnectionList_validate checks the list block's arguments
// before anything is listed.
func TestProtocolConnectionList_validate(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 56})
	server := newProtocolServer(t, e)
	types := readProtocolTypes(t, server)
	lister := server.(tfprotov6.ListResourceServer)
	for _, tc := range []struct {
		values map[string]any
		want   string
	}{
		{map[string]any{"name_regex": "seeded-(connection"}, `Invalid Regular Expression: "seeded-(connection" is not a valid regular expression`},
		{map[string]any{"status": "paused"}, `value must be one of`},
		{map[string]any{"workspace_id": "ws-1"}, `Invalid Airbyte ID: "ws-1" is not a UUID`},
		{map[string]any{"name_regex": "^ok$", "status": "active"}, ""},
	} {
		resp, err := lister.ValidateListResourceConfig(context.Background(), &tfprotov6.ValidateListResourceConfigRequest{
			TypeName: connectionType, Config: objectValue(t, types.listConfig, tc.values),
		})
		if err != nil {
			t.Fatal(err)
		}
		text := diagnosticsText(resp.Diagnostics)
		if tc.want == "" {
			if hasError(resp.Diagnostics) {
				t.Errorf("%v: unexpected errors:\n%s", tc.values, text)
			}
			continue
		}
		if !strings.Contains(text, tc.want) {
			t.Errorf("%v: want an error containing %q, got:\n%s", tc.values, tc.want, text)
		}
	}
}

// TestProtocolSchemas: the provider announces the resource's identity
// schema, the list resource and both data sources.
func TestProtocolSchemas(t *testing.T) {
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	identities, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	id := identities.IdentitySchemas[connectionType]
	if id == nil || len(id.IdentityAttributes) != 1 || id.IdentityAttributes[0].Name != "connection_id" ||
		!id.IdentityAttributes[0].RequiredForImport || !id.IdentityAttributes[0].Type.Is(tftypes.String) {
		t.Fatalf("identity schema of %s: %+v, want a required string connection_id", connectionType, id)
	}

	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	failOnErrors(t, "GetProviderSchema", schemas.Diagnostics)
	list := schemas.ListResourceSchemas[connectionType]
	if list == nil {
		t.Fatalf("no list resource schema for %s; list resources: %v", connectionType, schemas.ListResourceSchemas)
	}
	var got []string
	for _, a := range list.Block.Attributes {
		got = append(got, a.Name)
		if !a.Optional || a.Required || a.Computed {
			t.Errorf("list argument %s must be optional only", a.Name)
		}
		if strings.TrimSpace(a.Description) == "" {
			t.Errorf("list argument %s has no description", a.Name)
		}
	}
	slices.Sort(got)
	if want := []string{"include_deleted", "name", "name_regex", "status", "workspace_id"}; !slices.Equal(got, want) {
		t.Errorf("list arguments %v, want %v", got, want)
	}
	for _, name := range []string{"airbyte_connection", "airbyte_connections"} {
		if schemas.DataSourceSchemas[name] == nil {
			t.Errorf("no data source %s", name)
		}
	}

	meta, err := server.GetMetadata(ctx, &tfprotov6.GetMetadataRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(meta.ListResources, func(m tfprotov6.ListResourceMetadata) bool { return m.TypeName == connectionType }) {
		t.Errorf("GetMetadata lists list resources %v, without %s", meta.ListResources, connectionType)
	}
}

// TestAccConnection_importByIdentity imports with an import block that gives
// the identity; it needs Terraform 1.12.
func TestAccConnection_importByIdentity(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 57})
	src, dst := e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID
	config := e.ProviderConfig() + fmt.Sprintf(`
resource "airbyte_connection" "c" {
  name           = "imported by identity"
  source_id      = %q
  destination_id = %q
}
`, src, dst)
	accParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("airbyte_connection.c", map[string]knownvalue.Check{
						"connection_id": knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`)),
					}),
					statecheck.ExpectIdentityValueMatchesState("airbyte_connection.c", tfjsonpath.New("connection_id")),
				},
			},
			{
				Config:          config,
				ResourceName:    "airbyte_connection.c",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// TestAccConnectionList_query runs `terraform query`; it needs Terraform 1.14.
//
// terraform-plugin-testing v1.16 runs Query steps without -generate-config-out
// (its GenerateConfig field is only read by ImportState steps), so the step
// checks the results themselves.
func TestAccConnectionList_query(t *testing.T) {
	e := newAccEmulator(t, emulator.Options{Seed: 58, SeedConnections: 3})
	ui := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	// Its schedule runs in Toronto, set in the Airbyte UI.
	if err := e.apiClient().SetCronSchedule(context.Background(), ui.ConnectionID, "0 15 3 * * ?", "America/Toronto"); err != nil {
		t.Fatal(err)
	}
	accParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{Config: e.ProviderConfig()},
			{
				Query: true,
				// The provider is configured by the previous step's configuration,
				// which stays beside the query file; Terraform 1.15 refuses a
				// second default provider block.
				Config: `
list "airbyte_connection" "all" {
  provider = airbyte
}

list "airbyte_connection" "ui" {
  provider         = airbyte
  include_resource = true
  config {
    name_regex = "UI$"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("airbyte_connection.all", 4),
					querycheck.ExpectIdentity("airbyte_connection.all", map[string]knownvalue.Check{
						"connection_id": knownvalue.StringExact(ui.ConnectionID),
					}),
					querycheck.ExpectLength("airbyte_connection.ui", 1),
					querycheck.ExpectResourceDisplayName("airbyte_connection.ui",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"connection_id": knownvalue.StringExact(ui.ConnectionID)}),
						knownvalue.StringExact("Made in the UI")),
					querycheck.ExpectResourceKnownValues("airbyte_connection.ui",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"connection_id": knownvalue.StringExact(ui.ConnectionID)}),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("prefix"), KnownValue: knownvalue.StringExact("ui_")},
							{Path: tfjsonpath.New("delete_source_on_destroy"), KnownValue: knownvalue.Bool(false)},
							{Path: tfjsonpath.New("schedule").AtMapKey("cron_expression"), KnownValue: knownvalue.StringExact("0 15 3 * * ?")},
							{Path: tfjsonpath.New("schedule").AtMapKey("cron_time_zone"), KnownValue: knownvalue.StringExact("America/Toronto")},
						}),
				},
			},
		},
	})
}
