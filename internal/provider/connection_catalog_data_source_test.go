package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/types"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestCombinedSyncMode is the mapping from the Config API's source and
// destination sync modes to the public API's sync mode (airbytehq/airbyte-platform@310e6cb:
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/mappers/ConnectionReadMapper.kt):
// the nine documented pairs, a missing mode read as full_refresh_overwrite,
// and pairs the public API has no name for.
func TestCombinedSyncMode(t *testing.T) {
	tests := []struct {
		source, destination string
		want                client.SyncMode // "" for no name
	}{
		{"full_refresh", "overwrite", "full_refresh_overwrite"},
		{"full_refresh", "append", "full_refresh_append"},
		{"full_refresh", "overwrite_dedup", "full_refresh_overwrite_deduped"},
		{"full_refresh", "update", "full_refresh_update"},
		{"full_refresh", "soft_delete", "full_refresh_soft_delete"},
		{"incremental", "append", "incremental_append"},
		{"incremental", "append_dedup", "incremental_deduped_history"},
		{"incremental", "update", "incremental_update"},
		{"incremental", "soft_delete", "incremental_soft_delete"},
		// A missing mode reads as the server's default.
		{"", "", "full_refresh_overwrite"},
		{"incremental", "", "full_refresh_overwrite"},
		{"", "append_dedup", "full_refresh_overwrite"},
		// No public name.
		{"incremental", "overwrite", ""},
		{"incremental", "overwrite_dedup", ""},
		{"full_refresh", "append_dedup", ""},
		{"future_mode", "append", ""},
	}
	for _, tt := range tests {
		got, ok := combinedSyncMode(tt.source, tt.destination)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("combinedSyncMode(%q, %q) = %q, %t; want %q", tt.source, tt.destination, got, ok, tt.want)
		}
	}
	// Every public sync mode comes from exactly one pair.
	seen := map[client.SyncMode]int{}
	for _, m := range combinedSyncModes {
		seen[m]++
	}
	for _, m := range client.SyncModes() {
		if seen[m] != 1 {
			t.Errorf("sync mode %s comes from %d pairs, want 1", m, seen[m])
		}
	}
	if len(seen) != len(client.SyncModes()) {
		t.Errorf("the table yields %d sync modes, the API has %d", len(seen), len(client.SyncModes()))
	}
}

// TestCatalogStreams converts a catalog: streams sorted by namespace (none
// first) and then name; absent lists empty rather than null; selected
// fields only with field selection on; a stream without configuration is
// unselected; the JSON schema canonical.
// sampleCatalogJSON is a catalog with a stream of every kind catalogStreams
// meets: selected with field selection, unselected, without config, without
// stream, and out of order. The fuzz test seeds from it too.
const sampleCatalogJSON = `{"streams": [
	  {"stream": {"name": "users", "namespace": "public", "jsonSchema": {"type": "object", "properties": {"id": {"type": "integer"}}},
	              "supportedSyncModes": ["full_refresh", "incremental"], "sourceDefinedCursor": true,
	              "defaultCursorField": ["updated_at"], "sourceDefinedPrimaryKey": [["id"]]},
	   "config": {"syncMode": "incremental", "destinationSyncMode": "append_dedup", "cursorField": ["updated_at"],
	              "primaryKey": [["id"]], "selected": true, "fieldSelectionEnabled": true,
	              "selectedFields": [{"fieldPath": ["id"]}, {"fieldPath": ["updated_at"]}]}},
	  {"stream": {"name": "accounts", "namespace": "public"},
	   "config": {"syncMode": "incremental", "destinationSyncMode": "overwrite", "selectedFields": [{"fieldPath": ["x"]}]}},
	  {"stream": {"name": "zeta"}},
	  {"config": {"syncMode": "full_refresh", "destinationSyncMode": "append"}},
	  {"stream": {"name": "alpha"}, "config": {"syncMode": "full_refresh", "destinationSyncMode": "append", "selected": true}}
	]}`

func TestCatalogStreams(t *testing.T) {
	var catalog client.AirbyteCatalog
	err := json.Unmarshal([]byte(sampleCatalogJSON), &catalog)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	list, diags := catalogStreams(ctx, catalog)
	if diags.HasError() {
		t.Fatal(diags)
	}
	var got []catalogStreamModel
	if diags := list.ElementsAs(ctx, &got, false); diags.HasError() {
		t.Fatal(diags)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.Namespace.ValueString()+"."+s.Name.ValueString())
	}
	if want := ".alpha .zeta public.accounts public.users"; strings.Join(names, " ") != want {
		t.Fatalf("streams in order %v, want %s (the entry without a stream is left out)", names, want)
	}
	alpha, zeta, accounts, users := got[0], got[1], got[2], got[3]

	if !alpha.Namespace.IsNull() || !alpha.Selected.ValueBool() || alpha.SyncMode.ValueString() != "full_refresh_append" {
		t.Errorf("alpha = %+v", alpha)
	}
	if zeta.Selected.ValueBool() || zeta.SyncMode.ValueString() != "full_refresh_overwrite" || !zeta.DestinationSyncMode.IsNull() ||
		!zeta.JSONSchema.IsNull() {
		t.Errorf("zeta, without configuration, = %+v", zeta)
	}
	for _, l := range []types.List{zeta.CursorField, zeta.PrimaryKey, zeta.SourceDefinedPrimaryKey, zeta.DefaultCursorField, zeta.SupportedSyncModes} {
		if l.IsNull() || len(l.Elements()) != 0 {
			t.Errorf("zeta has %s; absent lists must be empty, not null", l)
		}
	}
	if !accounts.SyncMode.IsNull() || accounts.DestinationSyncMode.ValueString() != "overwrite" {
		t.Errorf("accounts (incremental + overwrite, no public name) sync_mode = %s, destination_sync_mode = %s",
			accounts.SyncMode, accounts.DestinationSyncMode)
	}
	if !accounts.SelectedFields.IsNull() {
		t.Errorf("accounts has field selection off, selected_fields = %s, want null", accounts.SelectedFields)
	}

	want := map[string]string{
		"sync_mode":                  `"incremental_deduped_history"`,
		"destination_sync_mode":      `"append_dedup"`,
		"cursor_field":               `["updated_at"]`,
		"primary_key":                `[["id"]]`,
		"source_defined_cursor":      `true`,
		"source_defined_primary_key": `[["id"]]`,
		"default_cursor_field":       `["updated_at"]`,
		"supported_sync_modes":       `["full_refresh","incremental"]`,
		"selected_fields":            `[["id"],["updated_at"]]`,
		"json_schema":                `"{\"properties\":{\"id\":{\"type\":\"integer\"}},\"type\":\"object\"}"`,
	}
	for attr, value := range map[string]any{
		"sync_mode": users.SyncMode, "destination_sync_mode": users.DestinationSyncMode, "cursor_field": users.CursorField,
		"primary_key": users.PrimaryKey, "source_defined_cursor": users.SourceDefinedCursor,
		"source_defined_primary_key": users.SourceDefinedPrimaryKey, "default_cursor_field": users.DefaultCursorField,
		"supported_sync_modes": users.SupportedSyncModes, "selected_fields": users.SelectedFields, "json_schema": users.JSONSchema,
	} {
		if got := terraformValueJSON(t, value); got != want[attr] {
			t.Errorf("users.%s = %s, want %s", attr, got, want[attr])
		}
	}
}

// terraformValueJSON renders a framework value as JSON, for comparisons.
func terraformValueJSON(t *testing.T, v any) string {
	t.Helper()
	var native any
	switch v := v.(type) {
	case types.String:
		native = v.ValueString()
	case jsontypes.Normalized:
		native = v.ValueString()
	case types.Bool:
		native = v.ValueBool()
	case types.List:
		var out []any
		for _, e := range v.Elements() {
			out = append(out, json.RawMessage(terraformValueJSON(t, e)))
		}
		native = out
	default:
		t.Fatalf("terraformValueJSON: unexpected %T", v)
	}
	b, err := json.Marshal(native)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// refreshRecorder sits in front of the emulator and records the
// withRefreshedCatalog flag of every web_backend/connections/get request.
type refreshRecorder struct {
	mu    sync.Mutex
	flags []bool
}

func (r *refreshRecorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.HasSuffix(req.URL.Path, "/web_backend/connections/get") {
			body, _ := io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(body))
			var parsed struct {
				WithRefreshedCatalog bool `json:"withRefreshedCatalog"`
			}
			_ = json.Unmarshal(body, &parsed)
			r.mu.Lock()
			r.flags = append(r.flags, parsed.WithRefreshedCatalog)
			r.mu.Unlock()
		}
		next.ServeHTTP(w, req)
	})
}

// seen returns the flags recorded so far.
func (r *refreshRecorder) seen() []bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.flags)
}

// TestAccConnectionCatalogDataSource reads the catalog of a connection that
// selects two of its source's four streams: all four are shown, sorted,
// two selected, with their sync modes, keys, cursors, selected fields and
// JSON schemas. with_refreshed_catalog defaults to false and, set, asks
// Airbyte to rediscover.
func TestAccConnectionCatalogDataSource(t *testing.T) {
	rec := &refreshRecorder{}
	e := newAccEmulatorBehind(t, emulator.Options{Seed: 62}, rec.wrap)
	conn := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID,
		client.StreamConfiguration{Name: "users", SyncMode: client.SyncModeIncrementalDedupedHistory},
		client.StreamConfiguration{Name: "events", SyncMode: client.SyncModeIncrementalAppend,
			SelectedFields: []client.SelectedField{{FieldPath: []string{"event_id"}}, {FieldPath: []string{"occurred_at"}}}})
	const ds, refreshed = "data.airbyte_connection_catalog.c", "data.airbyte_connection_catalog.refreshed"
	str := knownvalue.StringExact
	strs := func(v ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(v))
		for i, s := range v {
			checks[i] = str(s)
		}
		return knownvalue.ListExact(checks)
	}
	paths := func(v ...[]string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(v))
		for i, p := range v {
			checks[i] = strs(p...)
		}
		return knownvalue.ListExact(checks)
	}
	accParallelTest(t, tfresource.TestCase{
		Steps: []tfresource.TestStep{{
			Config: e.ProviderConfig() + fmt.Sprintf(`
data "airbyte_connection_catalog" "c" {
  connection_id = %[1]q
}

data "airbyte_connection_catalog" "refreshed" {
  connection_id          = %[1]q
  with_refreshed_catalog = true
}

output "selected" {
  value = [for s in data.airbyte_connection_catalog.c.streams : s.name if s.selected]
}

output "users_id_type" {
  value = jsondecode(data.airbyte_connection_catalog.c.streams[3].json_schema).properties.id.type
}
`, conn.ConnectionID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("with_refreshed_catalog"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("streams"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": str("audit_log"), "namespace": str("public"), "selected": knownvalue.Bool(false),
						"sync_mode": str("full_refresh_overwrite"), "destination_sync_mode": str("overwrite"),
						"cursor_field": strs(), "primary_key": paths(), "source_defined_cursor": knownvalue.Bool(false),
						"source_defined_primary_key": paths(), "default_cursor_field": strs(),
						"supported_sync_modes": strs("full_refresh"), "selected_fields": knownvalue.Null(),
						"json_schema": str(`{"properties":{"action":{"type":"string"},"at":{"type":"string"},"id":{"type":"integer"}},"type":"object"}`),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": str("events"), "namespace": str("public"), "selected": knownvalue.Bool(true),
						"sync_mode": str("incremental_append"), "destination_sync_mode": str("append"),
						"cursor_field": strs("occurred_at"), "primary_key": paths([]string{"event_id"}),
						"source_defined_cursor": knownvalue.Bool(true), "source_defined_primary_key": paths([]string{"event_id"}),
						"default_cursor_field": strs("occurred_at"), "supported_sync_modes": strs("full_refresh", "incremental"),
						"selected_fields": paths([]string{"event_id"}, []string{"occurred_at"}),
						"json_schema":     knownvalue.StringRegexp(regexp.MustCompile(`^\{"properties":\{"event_id":\{"type":"string"\},"occurred_at":`)),
					}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name": str("orders"), "selected": knownvalue.Bool(false), "sync_mode": str("full_refresh_overwrite"),
						"source_defined_primary_key": paths(), "supported_sync_modes": strs("full_refresh", "incremental"),
					}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name": str("users"), "selected": knownvalue.Bool(true),
						"sync_mode": str("incremental_deduped_history"), "destination_sync_mode": str("append_dedup"),
						"cursor_field": strs("updated_at"), "primary_key": paths([]string{"id"}),
						"source_defined_cursor": knownvalue.Bool(false), "source_defined_primary_key": paths([]string{"id"}),
						"default_cursor_field": strs("updated_at"), "selected_fields": knownvalue.Null(),
					}),
				})),
				statecheck.ExpectKnownOutputValue("selected", strs("events", "users")),
				statecheck.ExpectKnownOutputValue("users_id_type", str("integer")),

				statecheck.ExpectKnownValue(refreshed, tfjsonpath.New("with_refreshed_catalog"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(refreshed, tfjsonpath.New("streams"), knownvalue.ListSizeExact(4)),
			},
			Check: func(*terraform.State) error {
				if flags := rec.seen(); !slices.Contains(flags, false) || !slices.Contains(flags, true) {
					return fmt.Errorf("web_backend/connections/get was called with withRefreshedCatalog %v; want both false and true", flags)
				}
				return nil
			},
		}},
	})
}
