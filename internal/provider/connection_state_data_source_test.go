package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/emulator"
)

// TestConnectionStateFill converts each kind of state the Config API
// returns: per-stream states come from streamState or from inside
// globalState, sorted; the shared state only for global state; every JSON
// value canonical, and the whole state kept in state_json.
func TestConnectionStateFill(t *testing.T) {
	type stream struct{ name, namespace, state string }
	tests := []struct {
		name       string
		body       string
		wantType   string
		wantGlobal string // "" for null
		wantWhole  string
		want       []stream
	}{
		{
			name:      "not set",
			body:      `{"stateType": "not_set", "connectionId": "c1"}`,
			wantType:  "not_set",
			wantWhole: `{"connectionId":"c1","stateType":"not_set"}`,
		},
		{
			name: "stream",
			body: `{"stateType": "stream", "connectionId": "c1", "streamState": [
				{"streamDescriptor": {"name": "users", "namespace": "public"}, "streamState": {"cursor": "2024-01-01", "a": 1}},
				{"streamDescriptor": {"name": "orders"}, "streamState": {"cursor": "2024-06-01"}},
				{"streamDescriptor": {"name": "empty"}}]}`,
			wantType: "stream",
			wantWhole: `{"connectionId":"c1","stateType":"stream","streamState":[` +
				`{"streamDescriptor":{"name":"users","namespace":"public"},"streamState":{"a":1,"cursor":"2024-01-01"}},` +
				`{"streamDescriptor":{"name":"orders"},"streamState":{"cursor":"2024-06-01"}},` +
				`{"streamDescriptor":{"name":"empty"}}]}`,
			want: []stream{{"empty", "", ""}, {"orders", "", `{"cursor":"2024-06-01"}`}, {"users", "public", `{"a":1,"cursor":"2024-01-01"}`}},
		},
		{
			name: "global",
			body: `{"stateType": "global", "connectionId": "c1", "streamState": null,
				"globalState": {"shared_state": {"lsn": 5, "cdc": true},
				"streamStates": [{"streamDescriptor": {"name": "users", "namespace": "public"}, "streamState": {"cursor": "x"}}]}}`,
			wantType:   "global",
			wantGlobal: `{"cdc":true,"lsn":5}`,
			wantWhole: `{"connectionId":"c1","globalState":{"shared_state":{"cdc":true,"lsn":5},"streamStates":[` +
				`{"streamDescriptor":{"name":"users","namespace":"public"},"streamState":{"cursor":"x"}}]},"stateType":"global"}`,
			want: []stream{{"users", "public", `{"cursor":"x"}`}},
		},
		{
			name:      "legacy",
			body:      `{"stateType": "legacy", "connectionId": "c1", "state": {"users": {"cursor": "2024-01-01"}}}`,
			wantType:  "legacy",
			wantWhole: `{"connectionId":"c1","state":{"users":{"cursor":"2024-01-01"}},"stateType":"legacy"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st client.ConnectionState
			if err := json.Unmarshal([]byte(tt.body), &st); err != nil {
				t.Fatal(err)
			}
			var m connectionStateModel
			if diags := m.fill(context.Background(), &st); diags.HasError() {
				t.Fatalf("fill: %v", diags)
			}
			if got := m.StateType.ValueString(); got != tt.wantType {
				t.Errorf("state_type = %q, want %q", got, tt.wantType)
			}
			if got := m.GlobalStateJSON; (tt.wantGlobal == "") != got.IsNull() || got.ValueString() != tt.wantGlobal {
				t.Errorf("global_state_json = %s, want %q", got, tt.wantGlobal)
			}
			if got := m.StateJSON.ValueString(); got != tt.wantWhole {
				t.Errorf("state_json =\n%s\nwant\n%s", got, tt.wantWhole)
			}
			var streams []streamStateModel
			if diags := m.Streams.ElementsAs(context.Background(), &streams, false); diags.HasError() {
				t.Fatal(diags)
			}
			if m.Streams.IsNull() {
				t.Error("streams is null; want a list, empty when there are no stream states")
			}
			var got []stream
			for _, s := range streams {
				got = append(got, stream{s.Name.ValueString(), s.Namespace.ValueString(), s.StateJSON.ValueString()})
				if (s.Namespace.ValueString() == "") != s.Namespace.IsNull() || (s.StateJSON.ValueString() == "") != s.StateJSON.IsNull() {
					t.Errorf("stream %s: an absent namespace or state must be null, not empty: %v %v", s.Name, s.Namespace, s.StateJSON)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("streams = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestJSONString checks that JSON is made canonical and that absent JSON
// and the literal null become null.
func TestJSONString(t *testing.T) {
	for in, want := range map[string]jsontypes.Normalized{
		"":     jsontypes.NewNormalizedNull(),
		"null": jsontypes.NewNormalizedNull(),
		` { "b": [1, 2], "a" : {"d": 1, "c": 2} } `: jsontypes.NewNormalizedValue(`{"a":{"c":2,"d":1},"b":[1,2]}`), //nolint:gocritic // the stray whitespace is the input under test
		`"x"`: jsontypes.NewNormalizedValue(`"x"`),
	} {
		if got := jsonString(json.RawMessage(in)); !got.Equal(want) {
			t.Errorf("jsonString(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestAccConnectionStateDataSource reads the state of two connections
// before and after a sync: not_set before; after it, the CDC Postgres
// source's connection has global state (shared state and one state per
// selected stream) and the Stripe source's connection stream state for its
// one incremental stream. Every JSON value decodes with jsondecode.
func TestAccConnectionStateDataSource(t *testing.T) {
	clk := newTestClock()
	e := newAccEmulator(t, emulator.Options{Seed: 61, Now: clk.Now})
	cdc := e.createOutsideTerraform(t, e.Source(0, 0).SourceID, e.Destination(0, 0).DestinationID)
	stripe := e.createOutsideTerraform(t, e.Source(0, 1).SourceID, e.Destination(0, 0).DestinationID,
		client.StreamConfiguration{Name: "customers", SyncMode: client.SyncModeIncrementalAppend},
		client.StreamConfiguration{Name: "balance_transactions", SyncMode: client.SyncModeFullRefreshOverwrite})
	if e.Source(0, 0).Name != "Postgres Production" || e.Source(0, 1).Name != "Stripe Billing" {
		t.Fatalf("seeded sources are %q and %q; this test needs the CDC Postgres source and the Stripe source",
			e.Source(0, 0).Name, e.Source(0, 1).Name)
	}
	data := e.ProviderConfig() + fmt.Sprintf(`
data "airbyte_connection_state" "cdc" {
  connection_id = %q
}

data "airbyte_connection_state" "stripe" {
  connection_id = %q
}

output "cdc_state_type" {
  value = jsondecode(data.airbyte_connection_state.cdc.state_json).stateType
}

output "stripe_connection_id" {
  value = jsondecode(data.airbyte_connection_state.stripe.state_json).connectionId
}
`, cdc.ConnectionID, stripe.ConnectionID)
	const cdcDS, stripeDS = "data.airbyte_connection_state.cdc", "data.airbyte_connection_state.stripe"
	str := knownvalue.StringExact

	// The emulator's jobs take DefaultJobDuration; a successful sync writes
	// its end time as the cursor.
	cursor := clk.Now().Add(emulator.DefaultJobDuration).UTC().Format(time.RFC3339)
	var cdcJob int64
	accParallelTest(t, tfresource.TestCase{
		Steps: []tfresource.TestStep{
			{
				Config: data,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(cdcDS, tfjsonpath.New("state_type"), str("not_set")),
					statecheck.ExpectKnownValue(cdcDS, tfjsonpath.New("streams"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(cdcDS, tfjsonpath.New("global_state_json"), knownvalue.Null()),
					statecheck.ExpectKnownValue(cdcDS, tfjsonpath.New("state_json"),
						str(fmt.Sprintf(`{"connectionId":%q,"stateType":"not_set"}`, cdc.ConnectionID))),
					statecheck.ExpectKnownValue(stripeDS, tfjsonpath.New("state_type"), str("not_set")),
					statecheck.ExpectKnownOutputValue("cdc_state_type", str("not_set")),
					statecheck.ExpectKnownOutputValue("stripe_connection_id", str(stripe.ConnectionID)),
				},
			},
			{
				PreConfig: func() {
					api := e.apiClient()
					for _, c := range []*client.Connection{cdc, stripe} {
						job, err := api.CreateJob(context.Background(), c.ConnectionID, client.JobTypeSync)
						if err != nil {
							t.Fatalf("starting a sync of %s: %v", c.ConnectionID, err)
						}
						if c == cdc {
							cdcJob = job.JobID
						}
					}
					clk.Advance(time.Hour)
				},
				Config: data + `
output "cdc_shared_state" {
  value = jsondecode(data.airbyte_connection_state.cdc.global_state_json)
}

output "stripe_cursor_field" {
  value = jsondecode(data.airbyte_connection_state.stripe.streams[0].state_json).cursor_field
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(cdcDS, tfjsonpath.New("state_type"), str("global")),
					statecheck.ExpectKnownValue(cdcDS, tfjsonpath.New("streams"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": str("events"), "namespace": str("public"), "state_json": str(`{"cursor":"` + cursor + `"}`)}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": str("users"), "namespace": str("public"), "state_json": str(`{"cursor":"` + cursor + `"}`)}),
					})),
					statecheck.ExpectKnownValue(cdcDS, tfjsonpath.New("global_state_json"), knownvalue.StringFunc(func(v string) error {
						want := fmt.Sprintf(`{"cdc":true,"lsn":%d,"updated_at":%q}`, cdcJob*1000, cursor)
						if v != want {
							return fmt.Errorf("global_state_json %s, want %s", v, want)
						}
						return nil
					})),
					statecheck.ExpectKnownOutputValue("cdc_state_type", str("global")),
					statecheck.ExpectKnownOutputValue("cdc_shared_state", knownvalue.MapPartial(map[string]knownvalue.Check{
						"cdc": knownvalue.Bool(true), "updated_at": str(cursor),
					})),

					statecheck.ExpectKnownValue(stripeDS, tfjsonpath.New("state_type"), str("stream")),
					statecheck.ExpectKnownValue(stripeDS, tfjsonpath.New("global_state_json"), knownvalue.Null()),
					statecheck.ExpectKnownValue(stripeDS, tfjsonpath.New("streams"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": str("customers"), "namespace": knownvalue.Null(),
							"state_json": str(`{"cursor":"` + cursor + `","cursor_field":["created"]}`)}),
					})),
					statecheck.ExpectKnownOutputValue("stripe_cursor_field", knownvalue.ListExact([]knownvalue.Check{str("created")})),
				},
				Check: func(s *terraform.State) error {
					// state_json is the whole ConnectionState: decode it as the API's own type.
					var st client.ConnectionState
					raw := s.RootModule().Resources[stripeDS].Primary.Attributes["state_json"]
					if err := json.Unmarshal([]byte(raw), &st); err != nil {
						return fmt.Errorf("state_json does not decode: %v\n%s", err, raw)
					}
					if st.StateType != client.StateTypeStream || st.ConnectionID != stripe.ConnectionID ||
						len(st.StreamState) != 1 || st.StreamState[0].StreamDescriptor.Name != "customers" {
						return fmt.Errorf("state_json decodes to %+v", st)
					}
					return nil
				},
			},
		},
	})
}
