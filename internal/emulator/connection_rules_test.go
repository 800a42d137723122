package emulator

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func streamNames(t *testing.T, conn map[string]any) []string {
	t.Helper()
	names := []string{}
	for _, s := range conn["configurations"].(map[string]any)["streams"].([]any) {
		names = append(names, s.(map[string]any)["name"].(string))
	}
	return names
}

// TestCreateWithoutStreamsSelectsDefaultConfiguration: a create without
// configurations.streams keeps only the streams the discovered catalog's
// default configuration selects: the connector's suggested streams, or the
// only stream of a one-stream catalog; otherwise none. They sync
// full_refresh_overwrite with the default cursor and no primary key.
// airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/.../handlers/helpers/CatalogConverter.kt
// (generateDefaultConfiguration) and airbyte-server/.../publicapi/helpers/AirbyteCatalogHelper.kt
// (updateConfigDefaultFullRefreshOverwrite).
func TestCreateWithoutStreamsSelectsDefaultConfiguration(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	pg := e.createConnection(map[string]any{"sourceId": e.sourceID(postgres), "destinationId": e.destinationID(0, snowflake)})
	if got := streamNames(t, pg); len(got) != 0 {
		t.Errorf("Postgres (no suggested streams): streams %v, want none", got)
	}
	st := e.createConnection(map[string]any{"sourceId": e.sourceID(stripe), "destinationId": e.destinationID(0, snowflake),
		"configurations": map[string]any{"streams": []any{}}})
	if got, want := streamNames(t, st), []string{"customers", "invoices", "charges"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Stripe: streams %v, want the suggested %v", got, want)
	}
	customers := streamsOf(t, st)["customers"]
	if customers["syncMode"] != "full_refresh_overwrite" || !reflect.DeepEqual(customers["primaryKey"], []any{}) ||
		!reflect.DeepEqual(customers["cursorField"], []any{"created"}) {
		t.Errorf("customers: %v, want full_refresh_overwrite, default cursor, primaryKey []", customers)
	}

	// A one-stream catalog selects its stream.
	e.emu.mu.Lock()
	src := e.emu.sourceByID(e.sourceID(postgres))
	src.catalog = src.catalog[:1]
	e.emu.mu.Unlock()
	one := e.createConnection(map[string]any{"sourceId": src.id, "destinationId": e.destinationID(0, snowflake)})
	if got := streamNames(t, one); !reflect.DeepEqual(got, []string{"users"}) {
		t.Errorf("one-stream catalog: streams %v, want [users]", got)
	}
}

// TestStreamNamespaceIsTheDiscoveredOne: the request's namespace only picks
// the discovered stream; the stored and returned namespace is the catalog's.
// airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/.../handlers/helpers/CatalogConverter.kt (toConfiguredInternal).
func TestStreamNamespaceIsTheDiscoveredOne(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(postgres, map[string]any{"configurations": map[string]any{"streams": []any{
		map[string]any{"name": "users", "namespace": "elsewhere"}}}})
	got := e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t)
	if ns := streamsOf(t, got)["users"]["namespace"]; ns != "public" {
		t.Errorf("namespace %v, want the discovered public", ns)
	}
	got = e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"configurations": map[string]any{"streams": []any{
		map[string]any{"name": "orders", "namespace": "other"}}}}), 200).json(t)
	if ns := streamsOf(t, got)["orders"]["namespace"]; ns != "public" {
		t.Errorf("patched namespace %v, want public", ns)
	}
}

// TestConnectionNameDefault: a connection created without a name is named
// "<source> <> <destination>".
// airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/.../handlers/ConnectionsHandler.kt (createConnection).
func TestConnectionNameDefault(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	c := e.createConnection(map[string]any{"sourceId": e.sourceID(stripe), "destinationId": e.destinationID(0, lake)})
	if c["name"] != "Stripe Billing <> S3 Data Lake" {
		t.Errorf("name %q", c["name"])
	}
}

// TestCreateAcrossWorkspaces: a source and a destination of two workspaces
// give the pair no workspace, so the role check fails (403); an instance
// admin passes it and the handler's validateWorkspace fails (500).
// airbytehq/airbyte-platform@310e6cb: airbyte-data/.../helpers/WorkspaceHelper.kt (getWorkspaceForConnection),
// airbyte-commons-server/.../converters/ConnectionHelper.kt (validateWorkspace).
func TestCreateAcrossWorkspaces(t *testing.T) {
	for _, tc := range []struct {
		unknown, status int
		title           string
	}{{0, 403, "forbidden"}, {404, 500, "unexpected-problem"}} {
		e := newEnv(t, Options{Seed: 3, UnknownIDStatus: tc.unknown})
		r := e.expect(e.call("POST", "/connections", map[string]any{
			"sourceId": e.sourceID(postgres), "destinationId": e.destinationID(1, snowflake)}), tc.status)
		if got := r.json(t)["title"]; got != tc.title {
			t.Errorf("UnknownIDStatus %d: title %v, want %s", tc.unknown, got, tc.title)
		}
		if len(e.emu.Snapshot().Connections) != 0 {
			t.Errorf("UnknownIDStatus %d: a connection was stored", tc.unknown)
		}
	}
}

// TestRoleCheckBeforeValidation: the role check runs before the cron is
// validated, so an unknown id with a bad cron is 403, not 400.
// airbytehq/airbyte-platform@310e6cb: airbyte-server/.../publicapi/controllers/ConnectionsController.kt.
func TestRoleCheckBeforeValidation(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	bad := map[string]any{"scheduleType": "cron", "cronExpression": "not a cron"}
	e.expect(e.call("POST", "/connections", map[string]any{"sourceId": "00000000-0000-4000-8000-000000000001",
		"destinationId": e.destinationID(0, snowflake), "schedule": bad}), 403)
	e.expect(e.call("PATCH", "/connections/00000000-0000-4000-8000-000000000001", map[string]any{"schedule": bad}), 403)
}

// TestForbiddenMessages: requireRole(WORKSPACE_READER) names the role;
// requireOneOfRoles (PATCH and DELETE of connections, GET and DELETE of
// sources, DELETE of destinations) does not.
// airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/.../authorization/RoleResolver.kt,
// airbyte-server/.../publicapi/controllers/ConnectionsController.kt, SourcesController.kt, DestinationsController.kt.
func TestForbiddenMessages(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	const unknown = "00000000-0000-4000-8000-000000000001"
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/connections/" + unknown, readerDenied},
		{"PATCH", "/connections/" + unknown, editorsDenied},
		{"DELETE", "/connections/" + unknown, editorsDenied},
		{"GET", "/sources/" + unknown, editorsDenied},
		{"DELETE", "/sources/" + unknown, editorsDenied},
		{"GET", "/destinations/" + unknown, readerDenied},
		{"DELETE", "/destinations/" + unknown, editorsDenied},
		{"GET", "/workspaces/" + unknown, readerDenied},
	} {
		var body any
		if tc.method == "PATCH" {
			body = map[string]any{"name": "x"}
		}
		if got := e.expect(e.call(tc.method, tc.path, body), 403).message(t); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

// TestNotFoundResourceTypes: for an instance admin, unknown ids are 404
// resource-not-found naming the ConfigNotFoundType.
// airbytehq/airbyte-platform@310e6cb: airbyte-data/src/main/kotlin/io/airbyte/data/ConfigNotFoundType.kt,
// airbyte-server/.../publicapi/errorHandlers/ConfigClientErrorHandler.kt.
func TestNotFoundResourceTypes(t *testing.T) {
	e := newEnv(t, Options{Seed: 3, UnknownIDStatus: 404})
	const unknown = "00000000-0000-4000-8000-000000000001"
	for path, want := range map[string]string{
		"/connections/" + unknown:  "STANDARD_SYNC",
		"/sources/" + unknown:      "SOURCE_CONNECTION",
		"/destinations/" + unknown: "DESTINATION_CONNECTION",
		"/workspaces/" + unknown:   "STANDARD_WORKSPACE",
	} {
		data := e.expect(e.call("GET", path, nil), 404).json(t)["data"].(map[string]any)
		if data["resourceType"] != want || data["resourceId"] != unknown {
			t.Errorf("GET %s: data %v, want resourceType %s", path, data, want)
		}
	}
}

// TestStreamFieldsAlwaysSent: the public mapper omits only nulls, so empty
// cursorField, primaryKey and selectedFields are [], includeFiles is false,
// and statusReason, which the read mapper never fills, is never sent.
// airbytehq/airbyte-platform@310e6cb: airbyte-server/.../publicapi/mappers/ConnectionReadMapper.kt,
// airbyte-server/src/main/resources/application.yml (serialization-inclusion NON_ABSENT).
func TestStreamFieldsAlwaysSent(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	c := e.createConnection(map[string]any{"sourceId": e.sourceID(postgres), "destinationId": e.destinationID(0, snowflake),
		"configurations": map[string]any{"streams": []any{map[string]any{"name": "audit_log"}}}})
	s := streamsOf(t, c)["audit_log"]
	for k, want := range map[string]any{"cursorField": []any{}, "primaryKey": []any{}, "selectedFields": []any{},
		"includeFiles": false, "mappers": []any{}} {
		if got, ok := s[k]; !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v (present %v), want %#v", k, got, ok, want)
		}
	}
	if err := e.emu.OverrideConnection(c["connectionId"].(string), ConnectionOverride{Status: ptr("locked"), StatusReason: ptr("billing")}); err != nil {
		t.Fatal(err)
	}
	got := e.expect(e.call("GET", "/connections/"+c["connectionId"].(string), nil), 200).json(t)
	if _, ok := got["statusReason"]; ok {
		t.Errorf("statusReason sent: %v", got["statusReason"])
	}
	locked := e.expect(e.call("PATCH", "/connections/"+c["connectionId"].(string), map[string]any{"name": "x"}), 409).json(t)
	if data := locked["data"].(map[string]any); data["statusReason"] != nil {
		t.Errorf("locked problem carries statusReason %v", data["statusReason"])
	}
}

// TestTwoEntriesForOneStream: two request entries that resolve to one
// discovered stream pass the request's duplicate check but fail the
// handler's duplicate-name check with a 500.
// airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/.../converters/ConnectionHelper.kt
// (validateCatalogDoesntContainDuplicateStreamNames).
func TestTwoEntriesForOneStream(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	streams := map[string]any{"streams": []any{map[string]any{"name": "users"}, map[string]any{"name": "users", "namespace": "public"}}}
	r := e.expect(e.call("POST", "/connections", map[string]any{"sourceId": e.sourceID(postgres),
		"destinationId": e.destinationID(0, snowflake), "configurations": streams}), 500).json(t)
	if r["title"] != "unexpected-problem" || r["data"] != nil {
		t.Errorf("create: %v", r)
	}
	id := e.newConnection(postgres, nil)
	if got := e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"configurations": streams}), 500).message(t); got !=
		"Catalog contains duplicate stream names: public.users" {
		t.Errorf("patch message %q", got)
	}
}

// TestPaginationLinkEncoding: link values are URL-encoded (workspaceIds'
// commas read %2C), and previous repeats limit when next was built first,
// since both come from one UriBuilder whose queryParam appends.
// airbytehq/airbyte-platform@310e6cb: airbyte-server/.../publicapi/mappers/PaginationMapper.kt.
func TestPaginationLinkEncoding(t *testing.T) {
	e := newEnv(t, Options{Seed: 3, SeedConnections: 5})
	ws := e.ws(0).WorkspaceID + "," + e.ws(1).WorkspaceID
	r := e.expect(e.call("GET", "/connections?limit=2&offset=2&workspaceIds="+ws, nil), 200).json(t)
	enc := strings.ReplaceAll(ws, ",", "%2C")
	wantNext := e.info.ServerURL + "/connections?includeDeleted=false&workspaceIds=" + enc + "&limit=2&offset=4"
	wantPrev := e.info.ServerURL + "/connections?includeDeleted=false&workspaceIds=" + enc + "&limit=2&limit=2&offset=0"
	if r["next"] != wantNext || r["previous"] != wantPrev {
		t.Errorf("links:\n next %v\n want %v\n prev %v\n want %v", r["next"], wantNext, r["previous"], wantPrev)
	}
	r = e.expect(e.call("GET", "/connections?limit=2&offset=10", nil), 200).json(t)
	if r["next"] != "" || !strings.HasSuffix(r["previous"].(string), "includeDeleted=false&limit=2&offset=8") {
		t.Errorf("empty page links: next %q previous %q", r["next"], r["previous"])
	}
}

// TestPatchDropsStateOfStreamsWhoseSyncModeChanged: a stream that stays
// selected but moves between full_refresh and incremental loses its state;
// the others keep theirs.
// airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/.../handlers/ConnectionsHandler.kt
// (deleteStateForStreamsWithSyncModeChanged).
func TestPatchDropsStateOfStreamsWhoseSyncModeChanged(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []any{
		map[string]any{"name": "customers", "syncMode": "incremental_append"},
		map[string]any{"name": "charges", "syncMode": "incremental_append"},
	}}})
	e.startJob(id, "sync")
	e.clock.Add(time.Minute)
	st := e.expect(e.config("/state/get", map[string]any{"connectionId": id}), 200).json(t)
	if st["stateType"] != "stream" || len(st["streamState"].([]any)) != 2 {
		t.Fatalf("state after sync: %v", st)
	}
	e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"configurations": map[string]any{"streams": []any{
		map[string]any{"name": "customers", "syncMode": "full_refresh_overwrite"},
		map[string]any{"name": "charges", "syncMode": "incremental_append"},
	}}}), 200)
	st = e.expect(e.config("/state/get", map[string]any{"connectionId": id}), 200).json(t)
	left := st["streamState"].([]any)
	if len(left) != 1 || left[0].(map[string]any)["streamDescriptor"].(map[string]any)["name"] != "charges" {
		t.Errorf("state after the sync-mode change: %v, want charges only", st)
	}
	e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"configurations": map[string]any{"streams": []any{
		map[string]any{"name": "charges", "syncMode": "full_refresh_append"}}}}), 200)
	if st := e.expect(e.config("/state/get", map[string]any{"connectionId": id}), 200).json(t); st["stateType"] != "not_set" {
		t.Errorf("state after the last stream changed: %v, want not_set", st)
	}
}

// TestPatchKeepsStateOfDroppedStreams: a PATCH that leaves a stream out of
// configurations.streams keeps its state, and the stream resumes from it
// when listed again: the server deletes the state of deselected streams
// only under the reset-stream-state-on-disable feature flag, off by
// default. Cursor and primary key changes keep the state too.
// airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt
// (updateConnection, deleteStateForStreamsWithSyncModeChanged), airbyte-featureflag/src/main/kotlin/FlagDefinitions.kt
// (ResetStreamsStateWhenDisabled).
func TestPatchKeepsStateOfDroppedStreams(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []any{
		map[string]any{"name": "customers", "syncMode": "incremental_append"},
		map[string]any{"name": "charges", "syncMode": "incremental_append"},
	}}})
	e.startJob(id, "sync")
	e.clock.Add(time.Minute)
	before := e.expect(e.config("/state/get", map[string]any{"connectionId": id}), 200).json(t)
	if before["stateType"] != "stream" || len(before["streamState"].([]any)) != 2 {
		t.Fatalf("state after sync: %v", before)
	}
	e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"configurations": map[string]any{"streams": []any{
		map[string]any{"name": "charges", "syncMode": "incremental_deduped_history", "cursorField": []any{"amount"}, "primaryKey": []any{[]any{"id"}}},
	}}}), 200)
	e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"configurations": map[string]any{"streams": []any{
		map[string]any{"name": "customers", "syncMode": "incremental_append"},
		map[string]any{"name": "charges", "syncMode": "incremental_append"},
	}}}), 200)
	after := e.expect(e.config("/state/get", map[string]any{"connectionId": id}), 200).json(t)
	if !reflect.DeepEqual(after["streamState"], before["streamState"]) {
		t.Errorf("state after dropping customers, changing the cursor and key of charges, and listing customers again:\n%v\nwant it unchanged:\n%v",
			after, before)
	}
}

// TestDeletedActorsStayReadable: a deleted source or destination is
// tombstoned with a null configuration; GET still answers 200, a second
// DELETE 204, and lists show it only with includeDeleted.
// airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/.../handlers/SourceHandler.kt (deleteSource),
// DestinationHandler.kt (deleteDestination), airbyte-data/.../jooq/SourceServiceJooqImpl.kt (tombstoneSource).
func TestDeletedActorsStayReadable(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	for _, path := range []string{"/sources/" + e.sourceID(stripe), "/destinations/" + e.destinationID(0, lake)} {
		e.expect(e.call("DELETE", path, nil), http.StatusNoContent)
		got := e.expect(e.call("GET", path, nil), 200).json(t)
		if v, ok := got["configuration"]; !ok || v != nil {
			t.Errorf("GET %s after delete: configuration %v (present %v), want null", path, v, ok)
		}
		e.expect(e.call("DELETE", path, nil), http.StatusNoContent)
	}
	all := e.expect(e.call("GET", "/sources?includeDeleted=true", nil), 200).json(t)["data"].([]any)
	live := e.expect(e.call("GET", "/sources", nil), 200).json(t)["data"].([]any)
	if len(all) != len(live)+1 {
		t.Errorf("sources: %d with includeDeleted, %d without", len(all), len(live))
	}
}

// TestSeededActors: definition ids are the connectors' real ones, from which
// sourceType and destinationType derive; configurations hold every field
// their specs require, secrets masked; workspaces carry the default
// notification settings.
// airbytehq/airbyte-platform@310e6cb: airbyte-server/.../publicapi/mappers/NameToDefinitionMapper.kt,
// airbyte-config/config-models/.../helpers/NotificationSettingsHelpers.kt.
func TestSeededActors(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	pg := e.expect(e.call("GET", "/sources/"+e.sourceID(postgres), nil), 200).json(t)
	if pg["definitionId"] != "decd338e-5647-4c0b-adf4-da0e75f5a750" || pg["sourceType"] != "postgres" {
		t.Errorf("postgres: %v %v", pg["definitionId"], pg["sourceType"])
	}
	cdc := pg["configuration"].(map[string]any)["replication_method"].(map[string]any)
	if cdc["replication_slot"] == nil || cdc["publication"] == nil || pg["configuration"].(map[string]any)["password"] != maskedSecret {
		t.Errorf("postgres configuration lacks a required field or shows a secret: %v", pg["configuration"])
	}
	s3 := e.expect(e.call("GET", "/destinations/"+e.destinationID(0, lake), nil), 200).json(t)
	cfg := s3["configuration"].(map[string]any)
	if s3["definitionId"] != "4816b78f-1489-44c1-9060-4b19d5fa9362" || cfg["access_key_id"] != maskedSecret || cfg["format"] == nil {
		t.Errorf("s3: %v", s3)
	}
	ws := e.expect(e.call("GET", "/workspaces/"+e.ws(0).WorkspaceID, nil), 200).json(t)
	n := ws["notifications"].(map[string]any)
	for kind, want := range map[string]bool{"failure": true, "success": false, "connectionUpdate": true,
		"connectionUpdateActionRequired": true, "syncDisabled": true, "syncDisabledWarning": true} {
		if got := n[kind].(map[string]any)["email"].(map[string]any)["enabled"]; got != want {
			t.Errorf("notifications.%s.email.enabled = %v, want %v", kind, got, want)
		}
	}
}

// TestWebBackendStreamConfigs: selected streams come back with suggested
// false, no namespace and the discovered default cursor when none is
// stored; unselected ones with the default configuration's sync modes and
// suggested flag, without field selection or mappers.
// airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/.../handlers/WebBackendConnectionsHandler.kt,
// airbyte-commons-server/.../handlers/helpers/CatalogConverter.kt (configureDefaultSyncModesForNewStream,
// ensureCompatibleDestinationSyncMode).
func TestWebBackendStreamConfigs(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []any{
		map[string]any{"name": "customers"}}}})
	wb := e.expect(e.config("/web_backend/connections/get", map[string]any{"connectionId": id}), 200).json(t)
	if _, ok := wb["statusReason"]; ok || wb["backfillPreference"] != "disabled" {
		t.Errorf("statusReason present %v, backfillPreference %v", ok, wb["backfillPreference"])
	}
	cfgs := map[string]map[string]any{}
	for _, s := range wb["syncCatalog"].(map[string]any)["streams"].([]any) {
		m := s.(map[string]any)
		cfgs[m["stream"].(map[string]any)["name"].(string)] = m["config"].(map[string]any)
	}
	c := cfgs["customers"]
	if c["selected"] != true || c["suggested"] != false || c["namespace"] != nil || !reflect.DeepEqual(c["cursorField"], []any{"created"}) {
		t.Errorf("selected customers: %v", c)
	}
	inv := cfgs["invoices"] // source-defined cursor and key
	if inv["selected"] != false || inv["suggested"] != true || inv["syncMode"] != "incremental" || inv["destinationSyncMode"] != "append_dedup" {
		t.Errorf("unselected invoices: %v", inv)
	}
	if _, ok := inv["mappers"]; ok {
		t.Errorf("unselected stream carries mappers: %v", inv)
	}
	if bt := cfgs["balance_transactions"]; bt["suggested"] != false || bt["syncMode"] != "full_refresh" {
		t.Errorf("unselected balance_transactions: %v", bt)
	}
}

// TestConfigAPIUnknownConnection: the Config API's role check resolves the
// connection's workspace before any handler, so an unknown id is 403 for an
// ordinary caller; an instance admin gets not_set from state/get (the
// handler does not look the connection up) and 404 {"errorId"} from
// web_backend.
// airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/.../support/AuthenticationHeaderResolver.kt,
// airbyte-commons-server/.../handlers/StateHandler.kt.
func TestConfigAPIUnknownConnection(t *testing.T) {
	const unknown = "00000000-0000-4000-8000-000000000001"
	e := newEnv(t, Options{Seed: 3})
	e.expect(e.config("/state/get", map[string]any{"connectionId": unknown}), 403)
	e.expect(e.config("/web_backend/connections/get", map[string]any{"connectionId": unknown}), 403)
	admin := newEnv(t, Options{Seed: 3, UnknownIDStatus: 404})
	if st := admin.expect(admin.config("/state/get", map[string]any{"connectionId": unknown}), 200).json(t); st["stateType"] != "not_set" {
		t.Errorf("admin state/get: %v", st)
	}
	if body := admin.expect(admin.config("/web_backend/connections/get", map[string]any{"connectionId": unknown}), 404).json(t); body["errorId"] == nil {
		t.Errorf("admin web_backend: %v", body)
	}
}

func ptr[T any](v T) *T { return &v }
