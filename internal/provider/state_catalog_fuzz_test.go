package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/airbyte-terraform/terraform-provider-airbyte/internal/client"
)

// FuzzConnectionStateFill checks that any body that decodes as a ConnectionState converts
// without error; that every JSON attribute is valid, canonical JSON holding the same value as
// the API sent; that the streams are sorted; and that state_json, which the documentation offers
// for saving the state elsewhere, decodes back into a state that converts to the same attributes.
func FuzzConnectionStateFill(f *testing.F) {
	for _, body := range []string{
		`{"stateType": "not_set", "connectionId": "c1"}`,
		`{"stateType": "stream", "connectionId": "c1", "streamState": [
			{"streamDescriptor": {"name": "users", "namespace": "public"}, "streamState": {"cursor": "2024-01-01", "a": 1}},
			{"streamDescriptor": {"name": "orders"}, "streamState": {"cursor": "2024-06-01"}},
			{"streamDescriptor": {"name": "empty"}}]}`,
		`{"stateType": "global", "connectionId": "c1", "streamState": null,
			"globalState": {"shared_state": {"lsn": 5, "cdc": true},
			"streamStates": [{"streamDescriptor": {"name": "users", "namespace": "public"}, "streamState": {"cursor": "x"}}]}}`,
		`{"stateType": "legacy", "connectionId": "c1", "state": {"users": {"cursor": "2024-01-01"}}}`,
		`{"stateType": "global"}`,
		`{"stateType": "global", "globalState": {"shared_state": null, "streamStates": null}}`,
		`{"stateType": "stream", "streamState": [{"streamDescriptor": {"name": "b", "namespace": "x"}, "streamState": null},
			{"streamDescriptor": {"name": "a", "namespace": "x"}, "streamState": [1, "<&>", {"z": {}, "y": []}]}]}`,
		`{"stateType": "stream", "streamState": [{"streamDescriptor": {"name": ""}, "streamState": 1e400}]}`,
		`{"stateType": "something_new", "state": "x"}`,
		`{}`,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var st client.ConnectionState
		if json.Unmarshal(body, &st) != nil {
			return
		}
		ctx := context.Background()
		var m connectionStateModel
		if diags := m.fill(ctx, &st); diags.HasError() {
			t.Fatalf("fill: %v", diags)
		}
		if want := string(orDefault(st.StateType, client.StateTypeNotSet)); m.StateType.ValueString() != want {
			t.Errorf("state_type = %s, want %q", m.StateType, want)
		}
		validUTF8 := utf8.Valid(body)
		checkJSONAttribute(t, "state_json", m.StateJSON, nil, validUTF8)
		if m.StateJSON.IsNull() {
			t.Error("state_json is null")
		}

		var sources []client.StreamState
		var shared json.RawMessage
		switch {
		case st.StateType == client.StateTypeStream:
			sources = st.StreamState
		case st.StateType == client.StateTypeGlobal && st.GlobalState != nil:
			sources, shared = st.GlobalState.StreamStates, st.GlobalState.SharedState
		}
		checkJSONAttribute(t, "global_state_json", m.GlobalStateJSON, shared, validUTF8)

		var streams []streamStateModel
		if diags := m.Streams.ElementsAs(ctx, &streams, false); diags.HasError() || m.Streams.IsNull() {
			t.Fatalf("streams = %s: %v", m.Streams, diags)
		}
		if len(streams) != len(sources) {
			t.Fatalf("%d streams from %d stream states", len(streams), len(sources))
		}
		// The conversion sorts stably, so the stream states in the same order pair up with the streams.
		sources = slices.Clone(sources)
		slices.SortStableFunc(sources, func(a, b client.StreamState) int {
			return cmp.Or(cmp.Compare(a.StreamDescriptor.Namespace, b.StreamDescriptor.Namespace),
				cmp.Compare(a.StreamDescriptor.Name, b.StreamDescriptor.Name))
		})
		for i, s := range streams {
			src := sources[i]
			if s.Name.ValueString() != src.StreamDescriptor.Name || s.Namespace.ValueString() != src.StreamDescriptor.Namespace ||
				s.Name.IsNull() || s.Namespace.IsNull() != (src.StreamDescriptor.Namespace == "") {
				t.Errorf("stream %d is %s.%s, want %q.%q in sorted order", i, s.Namespace, s.Name,
					src.StreamDescriptor.Namespace, src.StreamDescriptor.Name)
			}
			checkJSONAttribute(t, "streams.state_json", s.StateJSON, src.StreamState, validUTF8)
		}

		var back client.ConnectionState
		if err := json.Unmarshal([]byte(m.StateJSON.ValueString()), &back); err != nil {
			t.Fatalf("state_json %s does not decode as a ConnectionState: %v", m.StateJSON, err)
		}
		var again connectionStateModel
		if diags := again.fill(ctx, &back); diags.HasError() {
			t.Fatalf("fill of the decoded state_json: %v", diags)
		}
		if !again.StateType.Equal(m.StateType) || !again.StateJSON.Equal(m.StateJSON) ||
			!again.GlobalStateJSON.Equal(m.GlobalStateJSON) || !again.Streams.Equal(m.Streams) {
			t.Errorf("state_json does not round-trip:\nfirst  %+v\nsecond %+v", m, again)
		}
	})
}

// FuzzCatalogStreams checks that any body that decodes as a catalog converts without error
// into one stream per entry that has a stream, sorted, with lists that are empty rather than
// null, the sync mode named only for pairs the public API knows, and the JSON schema as valid,
// canonical JSON holding the same value as the source sent.
func FuzzCatalogStreams(f *testing.F) {
	for _, body := range []string{
		sampleCatalogJSON,
		`{"streams": null}`,
		`{"streams": [{"stream": {"name": "a", "jsonSchema": null}, "config": {"fieldSelectionEnabled": true, "selectedFields": [{}]}}]}`,
		`{"streams": [{"stream": {"name": "a", "jsonSchema": "<&>", "sourceDefinedPrimaryKey": [[], null]},
		  "config": {"syncMode": "incremental", "destinationSyncMode": "soft_delete", "primaryKey": [null]}}]}`,
		`{"streams": [{"stream": {"name": "b", "jsonSchema": 1e400}}, {"stream": {"name": "a", "jsonSchema": [1.0, 1e2, -0]}}]}`,
		`{}`,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var catalog client.AirbyteCatalog
		if json.Unmarshal(body, &catalog) != nil {
			return
		}
		ctx := context.Background()
		list, diags := catalogStreams(ctx, catalog)
		if diags.HasError() {
			t.Fatalf("catalogStreams: %v", diags)
		}
		var streams []catalogStreamModel
		if diags := list.ElementsAs(ctx, &streams, false); diags.HasError() || list.IsNull() {
			t.Fatalf("streams = %s: %v", list, diags)
		}
		var sources []client.AirbyteStreamAndConfiguration
		for _, e := range catalog.Streams {
			if e.Stream != nil {
				sources = append(sources, e)
			}
		}
		if len(streams) != len(sources) {
			t.Fatalf("%d streams from %d entries with a stream", len(streams), len(sources))
		}
		slices.SortStableFunc(sources, func(a, b client.AirbyteStreamAndConfiguration) int {
			return cmp.Or(cmp.Compare(a.Stream.Namespace, b.Stream.Namespace), cmp.Compare(a.Stream.Name, b.Stream.Name))
		})
		validUTF8 := utf8.Valid(body)
		for i, s := range streams {
			src, cfg := sources[i].Stream, sources[i].Config
			if cfg == nil {
				cfg = &client.AirbyteStreamConfiguration{}
			}
			if s.Name.ValueString() != src.Name || s.Namespace.ValueString() != src.Namespace ||
				s.Namespace.IsNull() != (src.Namespace == "") {
				t.Errorf("stream %d is %s.%s, want %q.%q in sorted order", i, s.Namespace, s.Name, src.Namespace, src.Name)
			}
			if s.Selected.ValueBool() != cfg.Selected || s.SourceDefinedCursor.ValueBool() != src.SourceDefinedCursor {
				t.Errorf("stream %q: selected = %s, source_defined_cursor = %s", src.Name, s.Selected, s.SourceDefinedCursor)
			}
			mode, named := combinedSyncMode(cfg.SyncMode, cfg.DestinationSyncMode)
			if s.SyncMode.IsNull() == named || (named && s.SyncMode.ValueString() != string(mode)) ||
				(named && !slices.Contains(client.SyncModes(), mode)) {
				t.Errorf("stream %q: sync_mode = %s for %q and %q", src.Name, s.SyncMode, cfg.SyncMode, cfg.DestinationSyncMode)
			}
			for name, l := range map[string]types.List{
				"cursor_field": s.CursorField, "primary_key": s.PrimaryKey, "source_defined_primary_key": s.SourceDefinedPrimaryKey,
				"default_cursor_field": s.DefaultCursorField, "supported_sync_modes": s.SupportedSyncModes,
			} {
				if l.IsNull() || l.IsUnknown() {
					t.Errorf("stream %q: %s is %s; absent lists must be empty", src.Name, name, l)
				}
			}
			if got, want := len(s.PrimaryKey.Elements()), len(cfg.PrimaryKey); got != want {
				t.Errorf("stream %q: primary_key has %d paths, want %d", src.Name, got, want)
			}
			wantSelected := cfg.FieldSelectionEnabled && len(cfg.SelectedFields) > 0
			if s.SelectedFields.IsNull() == wantSelected ||
				(wantSelected && len(s.SelectedFields.Elements()) != len(cfg.SelectedFields)) {
				t.Errorf("stream %q: selected_fields = %s with field selection %t and %d selected fields",
					src.Name, s.SelectedFields, cfg.FieldSelectionEnabled, len(cfg.SelectedFields))
			}
			checkJSONAttribute(t, "json_schema", s.JSONSchema, src.JSONSchema, validUTF8)
		}
	})
}

// checkJSONAttribute checks that a JSON attribute is null or valid, canonical JSON and, when
// source is not nil, that it is null exactly when source is absent or the literal null, and that
// it otherwise holds the same value. Canonical JSON goes through float64, so the comparison does
// too. Output that is not valid UTF-8 is an error only when the API's body was.
func checkJSONAttribute(t *testing.T, name string, attr jsontypes.Normalized, source json.RawMessage, validUTF8 bool) {
	t.Helper()
	if attr.IsUnknown() {
		t.Fatalf("%s is unknown", name)
	}
	if source != nil || attr.IsNull() {
		var v any
		absent := len(source) == 0 || (json.Unmarshal(source, &v) == nil && v == nil)
		if attr.IsNull() != absent {
			t.Errorf("%s = %s for the source %q", name, attr, source)
		}
	}
	if attr.IsNull() {
		return
	}
	s := attr.ValueString()
	if !json.Valid([]byte(s)) {
		t.Fatalf("%s = %q, which is not valid JSON", name, s)
	}
	if validUTF8 && !utf8.ValidString(s) {
		t.Errorf("%s = %q, which is not valid UTF-8", name, s)
	}
	if again := canonicalJSON(json.RawMessage(s)); again != s {
		t.Errorf("%s = %q is not canonical: it becomes %q", name, s, again)
	}
	var want, got any
	if source == nil || json.Unmarshal(source, &want) != nil {
		return
	}
	if err := json.Unmarshal([]byte(s), &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %q does not hold the value of %q", name, s, source)
	}
}
