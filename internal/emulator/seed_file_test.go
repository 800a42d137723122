package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// minimalSeed is the smallest good seed file: names and nothing else.
const minimalSeed = `{"workspaces": [{"name": "W", "sources": [{"name": "S", "streams": [{"name": "t"}]}], "destinations": [{"name": "D"}]}]}`

// seedWith is a one-source seed file whose first stream is stream.
func seedWith(stream string) string {
	return `{"workspaces": [{"name": "W", "sources": [{"name": "S", "type": "postgres", "streams": [` + stream + `]}]}]}`
}

const usersSchema = `"json_schema": {"type": "object", "properties": {"id": {"type": "integer"}, "updated_at": {"type": "string"},
	"address": {"type": "object", "properties": {"city": {"type": "string"}}}}}`

func TestParseSeedFileGood(t *testing.T) {
	for name, tc := range map[string]struct {
		file  string
		check func(t *testing.T, f *SeedFile)
	}{
		"minimal": {minimalSeed, func(t *testing.T, f *SeedFile) {
			ds, err := f.Workspaces[0].Sources[0].Streams[0].discovered("")
			if err != nil || !slices.Equal(ds.supportedSyncModes, []string{syncFullRefresh}) || ds.sourceDefinedCursor ||
				ds.defaultCursorField != nil || ds.sourceDefinedPK != nil || len(ds.fields) != 0 || ds.suggested {
				t.Errorf("defaults: %+v, %v", ds, err)
			}
			if got := ds.jsonSchema(); !reflect.DeepEqual(got, map[string]any{"type": "object", "properties": map[string]any{}}) {
				t.Errorf("default json_schema = %v", got)
			}
		}},
		"brief example": {`{"workspaces": [{"name": "Analytics",
			"sources": [{"name": "Orders DB", "type": "postgres",
			  "streams": [{"name": "orders", "namespace": "public", "sync_modes": ["full_refresh", "incremental"],
			               "source_defined_cursor": false, "default_cursor_field": ["updated_at"],
			               "source_defined_primary_key": [["id"]], "json_schema": {"type": "object",
			               "properties": {"id": {"type": "integer"}, "updated_at": {"type": "string"}}}}]}],
			"destinations": [{"name": "Warehouse", "type": "snowflake"}]}]}`, nil},
		"nested key and cursor, fixed ids, suggested": {`{"workspaces": [{"id": "8D3C6A1E-2F4B-4C7A-9E15-3B6D0F2A7C41", "name": "W",
			"sources": [{"id": "5a0e9c2d-7b31-4f86-a4d2-91c3e8b6f017", "name": "S", "streams": [{"name": "users", "suggested": true,
			  "sync_modes": ["incremental", "full_refresh"], "source_defined_cursor": true, "default_cursor_field": ["address", "city"],
			  "source_defined_primary_key": [["id"], ["address", "city"]], ` + usersSchema + `}]}],
			"destinations": [{"id": "e2f8a6b4-9c17-4d03-b5e1-7a4c3f0d9b62", "name": "D", "sync_modes": ["append"]}]}]}`,
			func(t *testing.T, f *SeedFile) {
				ds, err := f.Workspaces[0].Sources[0].Streams[0].discovered("")
				if err != nil || !ds.suggested {
					t.Fatalf("%+v, %v", ds, err)
				}
				want := [][]string{{"id"}, {"updated_at"}, {"address"}, {"address", "city"}}
				if got := ds.propertyPaths(); !reflect.DeepEqual(got, want) {
					t.Errorf("property paths %v, want %v (the file's order)", got, want)
				}
			}},
		"same stream name in two namespaces": {seedWith(`{"name": "t", "namespace": "a"}, {"name": "t", "namespace": "b"}, {"name": "t"}`), nil},
	} {
		t.Run(name, func(t *testing.T) {
			f, err := ParseSeedFile(strings.NewReader(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, f)
			}
			New(Options{SeedFile: f, SeedConnections: 2}) // seeds without panicking
		})
	}
}

func TestParseSeedFileBad(t *testing.T) {
	for name, tc := range map[string]struct{ file, want string }{
		"syntax error":            {"{\"workspaces\": [\n  {\"name\": \"W\",,}\n]}", `line 2, column 16: invalid character ','`},
		"truncated":               {`{"workspaces": [`, `unexpected end of JSON input`},
		"unknown top-level field": {`{"workspace": []}`, `workspace: unknown field "workspace"; known fields are workspaces`},
		"unknown stream field": {seedWith(`{"name": "t", "cursor": ["x"]}`),
			`workspaces[0].sources[0].streams[0].cursor: unknown field "cursor"`},
		"wrong type": {seedWith(`{"name": "t", "sync_modes": "incremental"}`),
			`workspaces[0].sources[0].streams[0].sync_modes: must be an array, not the string "incremental"`},
		"wrong element type": {seedWith(`{"name": "t", "source_defined_primary_key": [["id", 1]]}`),
			`workspaces[0].sources[0].streams[0].source_defined_primary_key[0][1]: must be a string, not the number 1`},
		"not an object":       {`[]`, `the file: must be an object, not an array`},
		"no workspaces":       {`{"workspaces": []}`, `workspaces: at least one workspace is required`},
		"no name":             {`{"workspaces": [{"sources": []}]}`, `workspaces[0].name: a non-empty name is required`},
		"blank source":        {`{"workspaces": [{"name": "W", "sources": [{"name": " "}]}]}`, `workspaces[0].sources[0].name: a non-empty name is required`},
		"no stream name":      {seedWith(`{"name": "a"}, {"namespace": "x"}`), `workspaces[0].sources[0].streams[1].name: a non-empty name is required`},
		"no destination name": {`{"workspaces": [{"name": "W", "destinations": [{"type": "s3"}]}]}`, `workspaces[0].destinations[0].name: a non-empty name is required`},
		"id not a UUID":       {`{"workspaces": [{"name": "W", "id": "ws-1"}]}`, `workspaces[0].id: "ws-1" is not a UUID`},
		"duplicate id": {`{"workspaces": [{"name": "W", "id": "8d3c6a1e-2f4b-4c7a-9e15-3b6d0f2a7c41",
			"destinations": [{"name": "D", "id": "8D3C6A1E-2F4B-4C7A-9E15-3B6D0F2A7C41"}]}]}`,
			`workspaces[0].destinations[0].id: "8D3C6A1E-2F4B-4C7A-9E15-3B6D0F2A7C41" is already the id of workspaces[0]; ids must be unique`},
		"duplicate stream": {seedWith(`{"name": "t", "namespace": "a"}, {"name": "u"}, {"name": "t", "namespace": "a"}`),
			`workspaces[0].sources[0].streams[2].name: stream "t" is already streams[0] of this source in namespace "a"`},
		"bad sync mode": {seedWith(`{"name": "t", "sync_modes": ["incremental_append"]}`),
			`workspaces[0].sources[0].streams[0].sync_modes[0]: "incremental_append" is not a sync mode; use "full_refresh" or "incremental"`},
		"repeated sync mode": {seedWith(`{"name": "t", "sync_modes": ["incremental", "incremental"]}`),
			`workspaces[0].sources[0].streams[0].sync_modes[1]: "incremental" is listed twice`},
		"bad destination sync mode": {`{"workspaces": [{"name": "W", "destinations": [{"name": "D", "sync_modes": ["append", "dedup"]}]}]}`,
			`workspaces[0].destinations[0].sync_modes[1]: "dedup" is not a destination sync mode; use "overwrite", "append", "append_dedup", "overwrite_dedup", "update" or "soft_delete"`},
		"cursor not in schema": {seedWith(`{"name": "t", "default_cursor_field": ["updated"], ` + usersSchema + `}`),
			`workspaces[0].sources[0].streams[0].default_cursor_field: [updated] is not a property of json_schema; its properties are [[id], [updated_at], [address], [address, city]]`},
		"cursor without schema": {seedWith(`{"name": "t", "default_cursor_field": ["updated_at"]}`),
			`default_cursor_field: [updated_at] is not a property of json_schema`},
		"source-defined cursor without default": {seedWith(`{"name": "t", "source_defined_cursor": true}`),
			`workspaces[0].sources[0].streams[0].default_cursor_field: a source-defined cursor needs a default cursor field`},
		"key not in schema": {seedWith(`{"name": "t", "source_defined_primary_key": [["id"], ["address", "zip"]], ` + usersSchema + `}`),
			`workspaces[0].sources[0].streams[0].source_defined_primary_key[1]: [address, zip] is not a property of json_schema`},
		"empty key": {seedWith(`{"name": "t", "source_defined_primary_key": [[]], ` + usersSchema + `}`),
			`source_defined_primary_key[0]: [] is not a property of json_schema`},
		"schema not an object": {seedWith(`{"name": "t", "json_schema": "object"}`),
			`workspaces[0].sources[0].streams[0].json_schema: must be a JSON schema object`},
		"property not an object": {seedWith(`{"name": "t", "json_schema": {"type": "object", "properties": {"id": "integer"}}}`),
			`workspaces[0].sources[0].streams[0].json_schema.properties.id: must be a JSON schema object`},
		"bad definition id": {`{"workspaces": [{"name": "W", "sources": [{"name": "S", "definition_id": "postgres"}]}]}`,
			`workspaces[0].sources[0].definition_id: "postgres" is not a UUID`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseSeedFile(strings.NewReader(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestSeedFileReplacesBuiltInSeed loads the example seed file: its fixed ids
// and connectors are served, cursors and keys are checked against its
// schemas, and ids it leaves out derive from Options.Seed.
func TestSeedFileReplacesBuiltInSeed(t *testing.T) {
	r, err := os.Open(filepath.Join("..", "..", "examples", "emulator", "workspace.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := ParseSeedFile(r)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Options{Seed: 5, SeedFile: f, SeedConnections: 3})
	const wsID, pgID, stripeID, dstID = "8d3c6a1e-2f4b-4c7a-9e15-3b6d0f2a7c41", "5a0e9c2d-7b31-4f86-a4d2-91c3e8b6f017",
		"c47b1f90-0d2e-4a3b-8f6c-5e9a2d1b7e38", "e2f8a6b4-9c17-4d03-b5e1-7a4c3f0d9b62"
	want := []WorkspaceInfo{{WorkspaceID: wsID, Name: "Analytics",
		Sources: []SourceInfo{{SourceID: pgID, Name: "Orders DB", Streams: []string{"customers", "orders", "countries"}},
			{SourceID: stripeID, Name: "Payments", Streams: []string{"charges", "refunds"}}},
		Destinations: []DestinationInfo{{DestinationID: dstID, Name: "Warehouse"}}}}
	if !reflect.DeepEqual(e.info.Workspaces, want) {
		t.Fatalf("info workspaces\n got %+v\nwant %+v", e.info.Workspaces, want)
	}

	pg := e.expect(e.call("GET", "/sources/"+pgID, nil), 200).json(t)
	if pg["sourceType"] != "postgres" || pg["definitionId"] != definitionIDs["postgres"] || pg["workspaceId"] != wsID ||
		pg["configuration"].(map[string]any)["host"] != "orders-db.internal" {
		t.Errorf("postgres source: %v", pg)
	}
	dst := e.expect(e.call("GET", "/destinations/"+dstID, nil), 200).json(t)
	if dst["destinationType"] != "snowflake" || dst["definitionId"] != definitionIDs["snowflake"] {
		t.Errorf("destination: %v", dst)
	}
	if got := len(e.expect(e.call("GET", "/connections?workspaceIds="+wsID, nil), 200).json(t)["data"].([]any)); got != 3 {
		t.Errorf("%d seeded connections, want 3", got)
	}

	streams := e.expect(e.call("GET", "/streams?sourceId="+pgID+"&destinationId="+dstID, nil), 200)
	var orders map[string]any
	for _, s := range streams.list(t) {
		if s.(map[string]any)["streamName"] == "orders" {
			orders = s.(map[string]any)
		}
	}
	if fmt.Sprint(orders["propertyFields"]) != "[[id] [customer_id] [total] [shipping] [shipping city] [shipping postcode] [updated_at]]" ||
		fmt.Sprint(orders["defaultCursorField"]) != "[updated_at]" || orders["streamnamespace"] != "public" {
		t.Errorf("orders stream: %v", orders)
	}

	create := func(stream map[string]any) response {
		return e.call("POST", "/connections", map[string]any{"sourceId": pgID, "destinationId": dstID,
			"configurations": map[string]any{"streams": []any{stream}}})
	}
	e.expect(create(map[string]any{"name": "orders", "syncMode": "incremental_deduped_history", "cursorField": []string{"shipping", "city"}}), 200)
	bad := e.expect(create(map[string]any{"name": "orders", "syncMode": "incremental_append", "cursorField": []string{"created_at"}}), 400)
	if msg := bad.message(t); !strings.Contains(msg, "Invalid cursor field for stream: orders") {
		t.Errorf("unknown cursor: %s", msg)
	}
	e.expect(create(map[string]any{"name": "countries", "syncMode": "incremental_append"}), 400)

	again := New(Options{Seed: 5, SeedFile: f}).Info("http://x")
	other := New(Options{Seed: 6, SeedFile: f}).Info("http://x")
	if again.ClientID != e.info.ClientID || other.ClientID == e.info.ClientID || other.Workspaces[0].WorkspaceID != wsID {
		t.Errorf("ids: seed 5 %s and %s, seed 6 %s", e.info.ClientID, again.ClientID, other.ClientID)
	}
}

// TestSeedFileDefaults: connectors of a type the built-in seed knows take its
// sync modes and names; other types get all destination sync modes and a
// derived definition id; ids left out are drawn from the seed.
func TestSeedFileDefaults(t *testing.T) {
	f, err := ParseSeedFile(strings.NewReader(`{"workspaces": [{"name": "W",
		"sources": [{"name": "Sheets", "type": "google-sheets", "streams": [{"name": "t"}]}],
		"destinations": [{"name": "Lake", "type": "s3"}, {"name": "Other", "type": "bigquery"}, {"name": "Untyped"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	emu := New(Options{Seed: 1, SeedFile: f, SeedConnections: 1})
	emu.mu.Lock()
	defer emu.mu.Unlock()
	s := emu.sources[0]
	if s.sourceType != "google-sheets" || s.displayName != "Google Sheets" || s.definitionID != definitionID("source", "google-sheets") ||
		s.definitionID == definitionID("destination", "google-sheets") || s.configuration == nil {
		t.Errorf("source: %+v", s)
	}
	modes := func(i int) []string { return emu.destinations[i].syncModes }
	if !slices.Equal(modes(0), []string{destOverwrite, destAppend, destAppendDedup}) || !slices.Equal(modes(1), allDestinationSyncModes) ||
		emu.destinations[2].destinationType != customType || emu.destinations[0].displayName != "S3" {
		t.Errorf("destinations: %v %v %+v", modes(0), modes(1), emu.destinations[2])
	}
	if len(emu.connections) != 1 {
		t.Errorf("%d connections, want 1", len(emu.connections))
	}
}
