package emulator

import (
	"reflect"
	"strings"
	"testing"
)

// update posts a ConnectionUpdate for id with the given fields.
func (e *env) update(id string, fields map[string]any) response {
	e.t.Helper()
	body := map[string]any{"connectionId": id}
	for k, v := range fields {
		body[k] = v
	}
	return e.config("/connections/update", body)
}

func cronSchedule(expr, tz any) map[string]any {
	return map[string]any{"cron": map[string]any{"cronExpression": expr, "cronTimeZone": tz}}
}

// TestConfigCronTimeZone checks that a cron time zone set through the
// Config API is stored verbatim and shows in every read: ConnectionRead and
// the web backend send it in scheduleData.cron, the public API appends it
// to the expression; a public PATCH with a cron sets UTC again
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/ConnectionScheduleHelper.kt,
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/mappers/ConnectionReadMapper.kt,
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/mappers/ConnectionUpdateMapper.kt).
func TestConfigCronTimeZone(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(stripe, nil)
	read := e.expect(e.update(id, map[string]any{"scheduleType": "cron", "scheduleData": cronSchedule("0 0 6 * * ?", "America/Toronto")}), 200).json(t)
	if read["scheduleType"] != "cron" || !reflect.DeepEqual(read["scheduleData"], cronSchedule("0 0 6 * * ?", "America/Toronto")) || read["schedule"] != nil {
		t.Fatalf("ConnectionRead schedule %v %v %v", read["scheduleType"], read["scheduleData"], read["schedule"])
	}
	pub := e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t)
	if !reflect.DeepEqual(pub["schedule"], map[string]any{"scheduleType": "cron", "cronExpression": "0 0 6 * * ? America/Toronto"}) {
		t.Fatalf("public schedule %v", pub["schedule"])
	}
	wb := e.expect(e.config("/web_backend/connections/get", map[string]any{"connectionId": id}), 200).json(t)
	if !reflect.DeepEqual(wb["scheduleData"], cronSchedule("0 0 6 * * ?", "America/Toronto")) {
		t.Fatalf("web backend scheduleData %v", wb["scheduleData"])
	}
	// The public read-back value is not stripped and fails as a year field.
	r := e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"schedule": map[string]any{"scheduleType": "cron", "cronExpression": "0 0 6 * * ? America/Toronto"}}), 400)
	if want := "The cron expression 0 0 6 * * ? America/Toronto is not valid. Error: Failed to parse cron expression. Invalid chars in expression! Expression: AMERICA Invalid chars: AMERICA" + cronHelp; r.message(t) != want {
		t.Fatalf("message %s", r.message(t))
	}
	e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"schedule": map[string]any{"scheduleType": "cron", "cronExpression": "0 0 7 * * ?"}}), 200)
	read = e.expect(e.config("/connections/get", map[string]any{"connectionId": id}), 200).json(t)
	if !reflect.DeepEqual(read["scheduleData"], cronSchedule("0 0 7 * * ?", "UTC")) {
		t.Fatalf("after public PATCH %v", read["scheduleData"])
	}
}

// TestConfigScheduleUpdates checks the schedule rules of connections/update:
// validateConnectionPatch's combinations (require: 500 {"errorId"}), then
// populateSyncFromScheduleTypeAndData's problems and messages
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt,
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/ConnectionScheduleHelper.kt).
func TestConfigScheduleUpdates(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(stripe, nil)
	invalidExpr := func(expr string) map[string]any {
		return map[string]any{"status": float64(400), "type": "error:cron-validation/invalid-expression", "title": "Invalid cron expression",
			"detail": "The cron expression is invalid", "documentationUrl": nil, "data": map[string]any{"cronExpression": expr, "validationErrorMessage": nil}}
	}
	invalidZone := func(tz string) map[string]any {
		return map[string]any{"status": float64(400), "type": "error:cron-validation/invalid-timezone", "title": "Invalid cron timezone",
			"detail": "The specified cron timezone is invalid", "documentationUrl": nil, "data": map[string]any{"connectionId": id, "cronTimezone": tz}}
	}
	cases := []struct {
		name   string
		fields map[string]any
		status int
		body   map[string]any // nil: not compared
	}{
		{"every minute is allowed", map[string]any{"scheduleType": "cron", "scheduleData": cronSchedule("0 * * * * ?", "UTC")}, 200, nil},
		{"fixed offset zone", map[string]any{"scheduleType": "cron", "scheduleData": cronSchedule("0 0 6 * * ?", "+05:30")}, 200, nil},
		{"zone link", map[string]any{"scheduleType": "cron", "scheduleData": cronSchedule("0 0 6 * * ?", "US/Eastern")}, 200, nil},
		{"missing cron", map[string]any{"scheduleType": "cron", "scheduleData": map[string]any{}}, 400,
			map[string]any{"status": float64(400), "type": "error:cron-validation/missing-cron-data", "title": "Cron data is missing",
				"detail": "If schedule type is cron, scheduleData.cron must be provided.", "documentationUrl": nil, "data": nil}},
		{"missing zone", map[string]any{"scheduleType": "cron", "scheduleData": map[string]any{"cron": map[string]any{"cronExpression": "0 0 6 * * ?"}}}, 400,
			map[string]any{"status": float64(400), "type": "error:cron-validation/missing-component", "title": "Cron is missing a component",
				"detail": "The cron must specify a cron expression and a timezone.", "documentationUrl": nil,
				"data": map[string]any{"connectionId": id, "cronExpression": "0 0 6 * * ?", "cronTimezone": nil}}},
		{"both day fields", map[string]any{"scheduleType": "cron", "scheduleData": cronSchedule("0 0 12 * * *", "UTC")}, 400, invalidExpr("0 0 12 * * *")},
		{"more than once a minute", map[string]any{"scheduleType": "cron", "scheduleData": cronSchedule("*/30 * * * * ?", "UTC")}, 400, invalidExpr("*/30 * * * * ?")},
		{"UTC suffix not stripped", map[string]any{"scheduleType": "cron", "scheduleData": cronSchedule("0 0 6 * * ? UTC", "UTC")}, 400, invalidExpr("0 0 6 * * ? UTC")},
		{"Etc zone", map[string]any{"scheduleType": "cron", "scheduleData": cronSchedule("0 0 6 * * ?", "Etc/UTC")}, 400, invalidZone("Etc/UTC")},
		{"lower-case zone", map[string]any{"scheduleType": "cron", "scheduleData": cronSchedule("0 0 6 * * ?", "utc")}, 400, invalidZone("utc")},
		{"unknown zone", map[string]any{"scheduleType": "cron", "scheduleData": cronSchedule("0 0 6 * * ?", "Mars/Base")}, 400, invalidZone("Mars/Base")},
		{"basic without basicSchedule", map[string]any{"scheduleType": "basic", "scheduleData": map[string]any{}}, 422, nil},
		{"basic under a minute", map[string]any{"scheduleType": "basic", "scheduleData": map[string]any{"basicSchedule": map[string]any{"timeUnit": "minutes", "units": 0}}}, 400,
			map[string]any{"status": float64(400), "type": "error:basic-schedule-validation/under-one-hour-not-allowed",
				"title": "Basic sync schedules more frequent than once per hour are not allowed", "detail": "Syncs more frequent than once per hour require an entitlement",
				"documentationUrl": nil, "data": map[string]any{"timeUnit": "minutes", "units": float64(0), "validationErrorMessage": "Basic schedules must be at least 1 minutes apart"}}},
		{"basic every 5 minutes", map[string]any{"scheduleType": "basic", "scheduleData": map[string]any{"basicSchedule": map[string]any{"timeUnit": "minutes", "units": 5}}}, 200, nil},
		{"manual with data", map[string]any{"scheduleType": "manual", "scheduleData": cronSchedule("0 0 6 * * ?", "UTC")}, 500, nil},
		{"cron without data", map[string]any{"scheduleType": "cron"}, 500, nil},
		{"data without type", map[string]any{"scheduleData": cronSchedule("0 0 6 * * ?", "UTC")}, 500, nil},
		{"legacy schedule", map[string]any{"schedule": map[string]any{"units": 24, "timeUnit": "hours"}}, 500, nil},
		{"enum is case-sensitive", map[string]any{"scheduleType": "MANUAL"}, 422, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.expect(e.update(id, tc.fields), tc.status)
			got := r.json(t)
			switch {
			case tc.body != nil && !reflect.DeepEqual(got, tc.body):
				t.Fatalf("body\n got %v\nwant %v", got, tc.body)
			case tc.status == 500 && (len(got) != 1 || got["errorId"] == nil):
				t.Fatalf("500 body %v", got)
			}
		})
	}
	r := e.expect(e.update(id, map[string]any{"scheduleType": "basic", "scheduleData": map[string]any{}}), 422).json(t)
	if r["message"] != "The provided configuration does not fulfill the specification. Errors: if schedule type is basic, then scheduleData.basic must be populated" || r["errorId"] == nil {
		t.Fatalf("422 body %v", r)
	}
	read := e.expect(e.update(id, map[string]any{"scheduleType": "basic", "scheduleData": map[string]any{"basicSchedule": map[string]any{"timeUnit": "hours", "units": 24}}}), 200).json(t)
	basic := map[string]any{"units": float64(24), "timeUnit": "hours"}
	if read["scheduleType"] != "basic" || !reflect.DeepEqual(read["schedule"], basic) || !reflect.DeepEqual(read["scheduleData"], map[string]any{"basicSchedule": basic}) {
		t.Fatalf("basic read %v %v %v", read["scheduleType"], read["schedule"], read["scheduleData"])
	}
	if got := e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t)["schedule"]; !reflect.DeepEqual(got, map[string]any{"scheduleType": "basic", "basicTiming": "Every 24 HOURS"}) {
		t.Fatalf("public basic %v", got)
	}
	read = e.expect(e.update(id, map[string]any{"scheduleType": "manual"}), 200).json(t)
	if read["scheduleType"] != "manual" || read["scheduleData"] != nil || read["schedule"] != nil {
		t.Fatalf("manual read %v", read)
	}
}

// TestConfigUpdateFields checks the patch semantics of connections/update:
// absent or null fields are kept, the Config API's enum spellings map onto
// the public ones, and ConnectionRead reports the defaults of what the
// connection does not set (airbytehq/airbyte-platform@310e6cb:
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt, applyPatchToStandardSync;
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/converters/ApiPojoConverters.kt, internalToConnectionRead).
func TestConfigUpdateFields(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(stripe, map[string]any{"name": "orig", "prefix": "raw_"})
	read := e.expect(e.update(id, map[string]any{"name": "renamed", "prefix": nil, "status": "inactive",
		"namespaceDefinition": "customformat", "namespaceFormat": "ns_${SOURCE_NAMESPACE}", "nonBreakingChangesPreference": "disable",
		"operationIds": []any{}}), 200).json(t)
	want := map[string]any{"connectionId": id, "name": "renamed", "prefix": "raw_", "status": "inactive", "namespaceDefinition": "customformat",
		"namespaceFormat": "ns_${SOURCE_NAMESPACE}", "nonBreakingChangesPreference": "disable", "operationIds": []any{}, "breakingChange": false,
		"notifySchemaChanges": false, "notifySchemaChangesByEmail": false, "backfillPreference": "disabled", "onDemandEnabled": false,
		"scheduleType": "manual", "tags": []any{}, "created_at": float64(e.clock.Now().Unix())}
	for k, v := range want {
		if !reflect.DeepEqual(read[k], v) {
			t.Errorf("%s = %#v, want %#v", k, read[k], v)
		}
	}
	for _, k := range []string{"createdAt", "statusReason", "workspaceId"} {
		if _, ok := read[k]; ok {
			t.Errorf("unexpected %s", k)
		}
	}
	pub := e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t)
	if pub["namespaceDefinition"] != "custom_format" || pub["nonBreakingSchemaUpdatesBehavior"] != "disable_connection" || pub["status"] != "inactive" {
		t.Fatalf("public read %v", pub)
	}
	if got := e.expect(e.config("/connections/get", map[string]any{"connectionId": id}), 200).json(t); !reflect.DeepEqual(got, read) {
		t.Fatalf("get differs from update:\n%v\n%v", got, read)
	}
	// A deleted connection can be read and updated, back to active too.
	e.expect(e.call("DELETE", "/connections/"+id, nil), 204)
	if st := e.expect(e.config("/connections/get", map[string]any{"connectionId": id}), 200).json(t)["status"]; st != "deprecated" {
		t.Fatalf("deleted status %v", st)
	}
	if st := e.expect(e.update(id, map[string]any{"status": "active"}), 200).json(t)["status"]; st != "active" {
		t.Fatalf("reactivated status %v", st)
	}
}

// TestConfigUpdateErrors checks connections/update's failures in the
// handler's order: binding (422), the role check (403) or
// ConfigNotFoundException (404 for an instance admin), the locked problem
// with the stored reason, the on-demand entitlement and the operation ids
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt,
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/ApiHelper.kt).
func TestConfigUpdateErrors(t *testing.T) {
	const missing = "00000000-0000-4000-8000-000000000000"
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(stripe, nil)
	for _, body := range []any{`{"connectionId":`, map[string]any{"connectionId": "nope"}, map[string]any{"name": "x"},
		map[string]any{"connectionId": id, "status": "paused"}, map[string]any{"connectionId": id, "name": 5}} {
		e.expect(e.config("/connections/update", body), 422)
	}
	r := e.expect(e.update(missing, map[string]any{"name": "x"}), 403).json(t)
	if r["message"] != "Forbidden" {
		t.Fatalf("403 body %v", r)
	}
	e.expect(e.config("/connections/get", map[string]any{"connectionId": missing}), 403)
	admin := newEnv(t, Options{Seed: 3, UnknownIDStatus: 404})
	for _, path := range []string{"/connections/update", "/connections/get"} {
		if r := admin.expect(admin.config(path, map[string]any{"connectionId": missing}), 404).json(t); len(r) != 1 || r["errorId"] == nil {
			t.Fatalf("%s 404 body %v", path, r)
		}
	}

	r = e.expect(e.update(id, map[string]any{"onDemandEnabled": true}), 403).json(t)
	if r["type"] != "error:license/entitlement" || !reflect.DeepEqual(r["data"], map[string]any{"entitlement": "feature-on-demand-capacity-enabled", "resourceId": nil}) {
		t.Fatalf("entitlement problem %v", r)
	}
	e.expect(e.update(id, map[string]any{"onDemandEnabled": false}), 200)
	e.expect(e.update(id, map[string]any{"operationIds": []string{"11111111-1111-4111-8111-111111111111"}}), 500)

	status, reason := "locked", "billing"
	if err := e.emu.OverrideConnection(id, ConnectionOverride{Status: &status, StatusReason: &reason}); err != nil {
		t.Fatal(err)
	}
	r = e.expect(e.update(id, map[string]any{"name": "x"}), 409).json(t)
	want := map[string]any{"status": float64(409), "type": "error:connection/locked", "title": "Connection is locked",
		"detail": "The connection is locked and cannot be modified.", "documentationUrl": nil,
		"data": map[string]any{"connectionId": id, "statusReason": "billing"}}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("locked problem\n got %v\nwant %v", r, want)
	}
	if name := e.expect(e.config("/connections/get", map[string]any{"connectionId": id}), 200).json(t)["name"]; name == "x" {
		t.Fatal("a locked connection was renamed")
	}
}

// catalogOf returns the syncCatalog streams of a Config API read, by name.
func catalogOf(t *testing.T, read map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, s := range read["syncCatalog"].(map[string]any)["streams"].([]any) {
		entry := s.(map[string]any)
		out[entry["stream"].(map[string]any)["name"].(string)] = entry
	}
	return out
}

// TestConfigUpdateSyncCatalog checks a syncCatalog update: the selected
// streams replace the catalog as sent, without checks against the source
// (CatalogConverter.toConfiguredInternal), field selection prunes the
// schema, and the errors are the handler's
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/CatalogConverter.kt,
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt).
func TestConfigUpdateSyncCatalog(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(postgres, map[string]any{"configurations": map[string]any{"streams": []map[string]any{{"name": "users"}, {"name": "orders"}}}})
	read := e.expect(e.config("/connections/get", map[string]any{"connectionId": id}), 200).json(t)
	streams := catalogOf(t, read)
	users := streams["users"]
	// Cursor and key are the stored ones, as the public read shows them.
	pubUsers := streamsOf(t, e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t))["users"]
	wantCfg := map[string]any{"syncMode": "full_refresh", "destinationSyncMode": "overwrite", "cursorField": pubUsers["cursorField"],
		"primaryKey": pubUsers["primaryKey"], "aliasName": "users", "selected": true, "suggested": false, "includeFiles": false,
		"fieldSelectionEnabled": false, "selectedFields": []any{}, "hashedFields": []any{}, "mappers": []any{}}
	if len(streams) != 2 || !reflect.DeepEqual(users["config"], wantCfg) || users["stream"].(map[string]any)["namespace"] != "public" {
		t.Fatalf("read catalog %v", streams)
	}
	cfg := users["config"].(map[string]any)
	cfg["syncMode"], cfg["destinationSyncMode"], cfg["primaryKey"] = "incremental", "append_dedup", []any{[]any{"id"}}
	cfg["fieldSelectionEnabled"], cfg["selectedFields"] = true, []any{map[string]any{"fieldPath": []any{"updated_at"}}, map[string]any{"fieldPath": []any{"id"}}, map[string]any{"fieldPath": []any{"nope"}}}
	streams["orders"]["config"].(map[string]any)["selected"] = false
	catalog := map[string]any{"streams": []any{users, streams["orders"]}}
	read = e.expect(e.update(id, map[string]any{"syncCatalog": catalog}), 200).json(t)
	got := catalogOf(t, read)
	if len(got) != 1 || got["users"] == nil {
		t.Fatalf("catalog not replaced: %v", got)
	}
	uc := got["users"]["config"].(map[string]any)
	if uc["syncMode"] != "incremental" || uc["destinationSyncMode"] != "append_dedup" || uc["fieldSelectionEnabled"] != true ||
		!reflect.DeepEqual(uc["selectedFields"], []any{map[string]any{"fieldPath": []any{"id"}}, map[string]any{"fieldPath": []any{"updated_at"}}}) {
		t.Fatalf("users config %v", uc)
	}
	if props := got["users"]["stream"].(map[string]any)["jsonSchema"].(map[string]any)["properties"].(map[string]any); len(props) != 2 {
		t.Fatalf("schema not pruned: %v", props)
	}
	pub := streamsOf(t, e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t))
	if len(pub) != 1 || pub["users"]["syncMode"] != "incremental_deduped_history" {
		t.Fatalf("public streams %v", pub)
	}

	withUsers := func(change func(cfg map[string]any)) map[string]any {
		cfg := map[string]any{}
		for k, v := range wantCfg {
			cfg[k] = v
		}
		change(cfg)
		return map[string]any{"streams": []any{map[string]any{"stream": users["stream"], "config": cfg}}}
	}
	r := e.expect(e.update(id, map[string]any{"syncCatalog": withUsers(func(c map[string]any) { c["includeFiles"] = true })}), 400).json(t)
	if r["type"] != "error:connection-validation/file-transfer/connection-unsupported" ||
		!reflect.DeepEqual(r["data"], map[string]any{"streams": []any{map[string]any{"streamName": "users", "streamNamespace": "public"}}}) {
		t.Fatalf("include files problem %v", r)
	}
	r = e.expect(e.update(id, map[string]any{"syncCatalog": withUsers(func(c map[string]any) {
		c["fieldSelectionEnabled"] = true
		delete(c, "selectedFields")
	})}), 422).json(t)
	if r["message"] != "The provided configuration does not fulfill the specification. Errors: Requested field selection but no selected fields provided" {
		t.Fatalf("field selection message %v", r)
	}
	r = e.expect(e.update(id, map[string]any{"syncCatalog": withUsers(func(c map[string]any) {
		c["syncMode"], c["fieldSelectionEnabled"], c["selectedFields"] = "incremental", true, []any{map[string]any{"fieldPath": []any{"id"}}}
	})}), 422).json(t)
	if !strings.HasSuffix(r["message"].(string), "Errors: Cursor field cannot be de-selected in INCREMENTAL syncs") {
		t.Fatalf("cursor message %v", r)
	}
	dup := withUsers(func(map[string]any) {})
	dup["streams"] = append(dup["streams"].([]any), dup["streams"].([]any)[0])
	e.expect(e.update(id, map[string]any{"syncCatalog": dup}), 500)
	e.expect(e.update(id, map[string]any{"syncCatalog": withUsers(func(c map[string]any) { delete(c, "selected") })}), 500)
	e.expect(e.update(id, map[string]any{"syncCatalog": withUsers(func(c map[string]any) { c["syncMode"] = "incremental_append" })}), 422)
	// An empty catalog is a catalog: every stream goes.
	if got := catalogOf(t, e.expect(e.update(id, map[string]any{"syncCatalog": map[string]any{"streams": []any{}}}), 200).json(t)); len(got) != 0 {
		t.Fatalf("streams after empty catalog %v", got)
	}
}

// TestWebBackendImportCatalog replays PyAirbyte's import_raw_catalog: the
// catalog read from web_backend/connections/get is sent back with
// skipReset, and the answer is WebBackendConnectionRead
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/WebBackendConnectionsHandler.kt,
// webBackendUpdateConnection).
func TestWebBackendImportCatalog(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(postgres, map[string]any{"configurations": map[string]any{"streams": []map[string]any{{"name": "users"}}}})
	wb := e.expect(e.config("/web_backend/connections/get", map[string]any{"connectionId": id, "withRefreshedCatalog": false}), 200).json(t)
	catalog := wb["syncCatalog"].(map[string]any)
	for _, s := range catalog["streams"].([]any) {
		entry := s.(map[string]any)
		entry["config"].(map[string]any)["selected"] = entry["stream"].(map[string]any)["name"] != "users"
	}
	out := e.expect(e.config("/web_backend/connections/update", map[string]any{"connectionId": id, "syncCatalog": catalog, "skipReset": true}), 200).json(t)
	if out["isSyncing"] != false || out["source"] == nil {
		t.Fatalf("not a web backend read: %v", out)
	}
	selected := map[string]bool{}
	for _, s := range out["syncCatalog"].(map[string]any)["streams"].([]any) {
		entry := s.(map[string]any)
		selected[entry["stream"].(map[string]any)["name"].(string)] = entry["config"].(map[string]any)["selected"].(bool)
	}
	if selected["users"] || !selected["orders"] || !selected["events"] || !selected["audit_log"] {
		t.Fatalf("selection after import %v", selected)
	}
	if n := len(streamsOf(t, e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t))); n != 3 {
		t.Fatalf("public streams after import: %d", n)
	}
	e.expect(e.config("/web_backend/connections/update", map[string]any{"connectionId": id, "scheduleType": "cron",
		"scheduleData": cronSchedule("0 0 6 * * ?", "Europe/Paris")}), 200)
	if got := e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t)["schedule"].(map[string]any)["cronExpression"]; got != "0 0 6 * * ? Europe/Paris" {
		t.Fatalf("cron after web backend update %v", got)
	}
	e.expect(e.config("/web_backend/connections/update", map[string]any{"connectionId": "00000000-0000-4000-8000-000000000000"}), 403)
}

// TestConfigUpdateDeletesStateFirst checks that a catalog update drops the
// state of streams whose sync mode changes before the schedule is checked,
// so a request refused for its cron still deletes that state; nothing else
// of the request is stored (airbytehq/airbyte-platform@310e6cb:
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt,
// updateConnection and deleteStateForStreamsWithSyncModeChanged).
func TestConfigUpdateDeletesStateFirst(t *testing.T) {
	e := newEnv(t, Options{Seed: 4})
	id := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{
		{"name": "customers", "syncMode": "incremental_append"}, {"name": "balance_transactions"},
	}}})
	e.startJob(id, "sync")
	e.clock.Add(DefaultJobDuration)
	if st := e.expect(e.config("/state/get", map[string]any{"connectionId": id}), 200).json(t)["stateType"]; st != "stream" {
		t.Fatalf("state after sync %v", st)
	}
	streams := catalogOf(t, e.expect(e.config("/connections/get", map[string]any{"connectionId": id}), 200).json(t))
	streams["customers"]["config"].(map[string]any)["syncMode"] = "full_refresh"
	catalog := map[string]any{"streams": []any{streams["customers"], streams["balance_transactions"]}}
	e.expect(e.update(id, map[string]any{"syncCatalog": catalog, "scheduleType": "cron", "scheduleData": cronSchedule("0 0 12 * * *", "UTC")}), 400)
	if st := e.expect(e.config("/state/get", map[string]any{"connectionId": id}), 200).json(t)["stateType"]; st != "not_set" {
		t.Fatalf("state after the refused update %v", st)
	}
	if mode := streamsOf(t, e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t))["customers"]["syncMode"]; mode != "incremental_append" {
		t.Fatalf("the refused update changed the catalog: %v", mode)
	}
}
