package emulator

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func streamsOf(t *testing.T, conn map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, s := range conn["configurations"].(map[string]any)["streams"].([]any) {
		m := s.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

// TestCreateConnectionDefaults: the defaults of a create with only the two
// ids (airbytehq/airbyte-platform@310e6cb: airbyte-server/.../publicapi/mappers/ConnectionCreateMapper.kt,
// airbyte-commons-server/.../handlers/ConnectionsHandler.kt). Which streams
// it selects is TestCreateWithoutStreamsSelectsDefaultConfiguration.
func TestCreateConnectionDefaults(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	src, dst := e.sourceID(postgres), e.destinationID(0, snowflake)
	c := e.createConnection(map[string]any{"sourceId": src, "destinationId": dst})
	want := map[string]any{
		"name": "Postgres Production <> Snowflake Warehouse", "sourceId": src, "destinationId": dst,
		"workspaceId": e.ws(0).WorkspaceID, "status": "active", "schedule": map[string]any{"scheduleType": "manual"},
		"nonBreakingSchemaUpdatesBehavior": "ignore", "namespaceDefinition": "destination", "prefix": "",
		"tags": []any{}, "createdAt": float64(e.clock.Now().Unix()),
	}
	for k, v := range want {
		if !reflect.DeepEqual(c[k], v) {
			t.Errorf("%s = %#v, want %#v", k, c[k], v)
		}
	}
	if streams := streamsOf(t, c); len(streams) != 0 {
		t.Fatalf("got %d streams, want none: Postgres suggests no streams", len(streams))
	}
	got := e.expect(e.call("GET", "/connections/"+c["connectionId"].(string), nil), 200).json(t)
	if !reflect.DeepEqual(got, c) {
		t.Errorf("GET differs from create:\n%v\n%v", got, c)
	}
	// The Cloud layout serves the same connection.
	e.expect(e.call("GET", e.srv.URL+"/v1/connections/"+c["connectionId"].(string), nil), 200)
}

func TestPatchConnectionSemantics(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	tg := e.newTag(0, "a")
	id := e.newConnection(postgres, map[string]any{
		"name": "orig", "prefix": "raw_", "namespaceFormat": "${SOURCE_NAMESPACE}",
		"tags": []any{tg},
		"configurations": map[string]any{"streams": []map[string]any{
			{"name": "users", "syncMode": "incremental_deduped_history"},
			{"name": "events", "syncMode": "incremental_append"},
		}},
	})
	path := "/connections/" + id

	c := e.expect(e.call("PATCH", path, map[string]any{"name": "renamed"}), 200).json(t)
	if c["name"] != "renamed" || c["prefix"] != "raw_" || c["namespaceFormat"] != "${SOURCE_NAMESPACE}" || len(c["tags"].([]any)) != 1 {
		t.Fatalf("name-only patch changed other fields: %v", c)
	}
	if len(streamsOf(t, c)) != 2 {
		t.Fatalf("streams changed by a name-only patch")
	}
	c = e.expect(e.call("PATCH", path, map[string]any{"prefix": "", "tags": []any{}, "status": "inactive", "name": nil}), 200).json(t)
	if c["prefix"] != "" || len(c["tags"].([]any)) != 0 || c["status"] != "inactive" || c["name"] != "renamed" {
		t.Fatalf("patch: %v", c)
	}
	c = e.expect(e.call("PATCH", path, map[string]any{"configurations": map[string]any{"streams": []any{}}}), 200).json(t)
	if len(streamsOf(t, c)) != 2 {
		t.Fatal("an empty stream list must leave streams untouched")
	}
	c = e.expect(e.call("PATCH", path, map[string]any{"configurations": map[string]any{"streams": []map[string]any{
		{"name": "orders"}, {"name": "users"},
	}}}), 200).json(t)
	streams := streamsOf(t, c)
	if len(streams) != 2 || streams["orders"] == nil || streams["events"] != nil {
		t.Fatalf("streams not replaced: %v", streams)
	}
	if streams["users"]["syncMode"] != "full_refresh_overwrite" || !reflect.DeepEqual(streams["users"]["primaryKey"], []any{[]any{"id"}}) ||
		!reflect.DeepEqual(streams["users"]["cursorField"], []any{"updated_at"}) {
		t.Fatalf("name-only stream defaults: %v", streams["users"])
	}
	if got := streams["orders"]["cursorField"]; !reflect.DeepEqual(got, []any{}) {
		t.Fatalf("orders has no default cursor, want []: %v", streams["orders"])
	}
	e.expect(e.call("PATCH", path, `{"name":`), 422)
	e.expect(e.call("PATCH", path, map[string]any{"status": "bogus"}), 422)
}

func TestStreamValidation(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	hint := " Please call the https://reference.airbyte.com/reference/getstreamproperties endpoint to see the valid stream name and namespace combinations."
	cases := []struct {
		name, source, dest string
		streams            []map[string]any
		want               string // "" = accepted
	}{
		{"unknown stream", postgres, snowflake, []map[string]any{{"name": "nope"}},
			"No streams found with name [nope] and namespace [null]." + hint},
		{"ambiguous name without namespace", mysql, snowflake, []map[string]any{{"name": "items"}},
			"No streams found with name [items] and namespace [null]." + hint},
		{"ambiguous name with namespace", mysql, snowflake, []map[string]any{{"name": "items", "namespace": "staging"}}, ""},
		{"duplicate stream", postgres, snowflake, []map[string]any{{"name": "users"}, {"name": "users"}},
			"Duplicate stream found in configuration for stream name [users] in namespace [null]."},
		{"mode not supported by source", postgres, snowflake, []map[string]any{{"name": "audit_log", "syncMode": "incremental_append"}},
			"Cannot set sync mode to INCREMENTAL_APPEND for stream audit_log. Valid sync modes are: [FULL_REFRESH_OVERWRITE, FULL_REFRESH_OVERWRITE_DEDUPED, FULL_REFRESH_APPEND, FULL_REFRESH_UPDATE, FULL_REFRESH_SOFT_DELETE]"},
		{"mode not supported by destination", postgres, lake, []map[string]any{{"name": "users", "syncMode": "incremental_update"}},
			"Cannot set sync mode to INCREMENTAL_UPDATE for stream users. Valid sync modes are: [FULL_REFRESH_OVERWRITE, FULL_REFRESH_APPEND, INCREMENTAL_APPEND, INCREMENTAL_DEDUPED_HISTORY]"},
		{"overwrite always allowed", postgres, lake, []map[string]any{{"name": "audit_log", "syncMode": "full_refresh_overwrite"}}, ""},
		{"cursor required", postgres, snowflake, []map[string]any{{"name": "orders", "syncMode": "incremental_append"}},
			"No default cursor field for stream: orders. Please include a cursor field configuration for this stream."},
		{"cursor given", postgres, snowflake, []map[string]any{{"name": "orders", "syncMode": "incremental_append", "cursorField": []string{"updated_at"}}}, ""},
		{"cursor invalid", postgres, snowflake, []map[string]any{{"name": "orders", "syncMode": "incremental_append", "cursorField": []string{"nope"}}},
			"Invalid cursor field for stream: orders. The list of valid cursor fields include: [[order_id], [user_id], [amount], [created_at], [updated_at]]."},
		{"nested cursor valid", postgres, snowflake, []map[string]any{{"name": "users", "syncMode": "incremental_append", "cursorField": []string{"address", "city"}}}, ""},
		{"cursor contradicts source-defined", postgres, snowflake, []map[string]any{{"name": "events", "syncMode": "incremental_append", "cursorField": []string{"event_id"}}},
			"Cursor Field [event_id] is already defined by source for stream: events. Do not include a cursor field configuration for this stream."},
		{"same source-defined cursor", postgres, snowflake, []map[string]any{{"name": "events", "syncMode": "incremental_append", "cursorField": []string{"occurred_at"}}}, ""},
		{"primary key required", postgres, snowflake, []map[string]any{{"name": "orders", "syncMode": "full_refresh_update"}},
			"No default primary key for stream: orders. Please include a primary key configuration for this stream."},
		{"primary key given", postgres, snowflake, []map[string]any{{"name": "orders", "syncMode": "full_refresh_update", "primaryKey": [][]string{{"order_id"}}}}, ""},
		{"primary key invalid", postgres, snowflake, []map[string]any{{"name": "orders", "syncMode": "incremental_update", "primaryKey": [][]string{{"nope"}}}},
			"Invalid primary key for stream: orders. The list of valid primary keys fields: [[order_id], [user_id], [amount], [created_at], [updated_at]]."},
		{"primary key duplicate column", postgres, snowflake, []map[string]any{{"name": "orders", "syncMode": "incremental_update", "primaryKey": [][]string{{"order_id", "order_id"}}}},
			"Invalid primary key for stream: orders. The list of valid primary keys fields: [[order_id], [user_id], [amount], [created_at], [updated_at]]."},
		{"primary key already pre-defined", postgres, snowflake, []map[string]any{{"name": "users", "syncMode": "incremental_deduped_history", "primaryKey": [][]string{{"email"}}}},
			"Primary key for stream: users is already pre-defined. Please remove the primaryKey or provide the value as [[id]]."},
		{"identical source-defined key accepted", postgres, snowflake, []map[string]any{{"name": "users", "syncMode": "incremental_deduped_history", "primaryKey": [][]string{{"id"}}}}, ""},
		{"no fields selected", postgres, snowflake, []map[string]any{{"name": "users", "selectedFields": []any{}}},
			"No fields selected for stream users. The list of valid field names includes: [id, email, name, updated_at, address]."},
		{"nested field selection", postgres, snowflake, []map[string]any{{"name": "users", "selectedFields": []map[string]any{{"fieldPath": []string{"address", "city"}}}}},
			"Nested field selection not supported for stream users."},
		{"duplicate selected field", postgres, snowflake, []map[string]any{{"name": "users", "selectedFields": []map[string]any{{"fieldPath": []string{"id"}}, {"fieldPath": []string{"id"}}}}},
			"Duplicate fields selected in configuration for stream: users."},
		{"unknown selected field", postgres, snowflake, []map[string]any{{"name": "users", "selectedFields": []map[string]any{{"fieldPath": []string{"nope"}}}}},
			"Invalid fields selected for stream users. The list of valid field names includes: [id, email, name, updated_at, address]."},
		{"selected fields miss primary key", postgres, snowflake, []map[string]any{{"name": "users", "syncMode": "incremental_deduped_history",
			"selectedFields": []map[string]any{{"fieldPath": []string{"updated_at"}}}}},
			"Primary key fields are not selected properly for stream: users. Please include primary key(s) in the configuration for this stream."},
		{"selected fields miss cursor", postgres, snowflake, []map[string]any{{"name": "users", "syncMode": "incremental_append",
			"selectedFields": []map[string]any{{"fieldPath": []string{"id"}}}}},
			"Cursor field is not selected properly for stream: users. Please include the cursor field in selected fields for this stream."},
		{"selected fields ok", postgres, snowflake, []map[string]any{{"name": "users", "syncMode": "incremental_deduped_history",
			"selectedFields": []map[string]any{{"fieldPath": []string{"id"}}, {"fieldPath": []string{"updated_at"}}}}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws := 0
			if tc.source == mysql {
				ws = 1
			}
			body := map[string]any{"sourceId": e.sourceID(tc.source), "destinationId": e.destinationID(ws, tc.dest),
				"configurations": map[string]any{"streams": tc.streams}}
			r := e.call("POST", "/connections", body)
			if tc.want == "" {
				e.expect(r, 200)
				return
			}
			e.expect(r, 400)
			p := r.json(t)
			if p["title"] != "bad-request" || p["type"] != "https://reference.airbyte.com/reference/errors#bad-request" {
				t.Errorf("problem %v", p)
			}
			if got := r.message(t); got != tc.want {
				t.Errorf("message\n got: %s\nwant: %s", got, tc.want)
			}
		})
	}
}

func TestCronValidation(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(stripe, nil)
	const help = ". Please check the cron expression format at https://www.quartz-scheduler.org/documentation/quartz-2.3.0/tutorials/crontrigger.html"
	cases := []struct {
		expr, stored, msg string
	}{
		{"0 0 12 * * ?", "0 0 12 * * ? UTC", ""},
		{"0 0 12 * * ? UTC", "0 0 12 * * ? UTC", ""},
		{"0 15 10 ? * 6L", "0 15 10 ? * 6L UTC", ""},
		{"0 15 10 ? * 6#3", "0 15 10 ? * 6#3 UTC", ""},
		{"0 15 10 L * ?", "0 15 10 L * ? UTC", ""},
		{"0 15 10 15W * ?", "0 15 10 15W * ? UTC", ""},
		{"0 0 12 * * ? 2030", "0 0 12 * * ? 2030 UTC", ""},
		{"0 0 * * *", "", "The cron expression 0 0 * * * is not valid. Error: Cron expression contains 5 parts but we expect one of [6, 7]" + help},
		{"0 0 12 * * *", "", "The cron expression 0 0 12 * * * is not valid. Error: Failed to parse cron expression. Invalid cron expression: 0 0 12 * * *. Both, a day-of-week AND a day-of-month parameter, are not supported." + help},
		{"0 0 25 * * ?", "", ""},
		{"* 0 12 * * ?", "", "The cron expression * 0 12 * * ? is not valid or is less than the one hour minimum. The seconds and minutes values cannot be `*`."},
		{"0 * 12 * * ? *", "", "The cron expression 0 * 12 * * ? * is not valid or is less than the one hour minimum. The seconds and minutes values cannot be `*`."},
		{"0 */5 12 * * ?", "0 */5 12 * * ? UTC", ""},
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			r := e.call("PATCH", "/connections/"+id, map[string]any{"schedule": map[string]any{"scheduleType": "cron", "cronExpression": tc.expr}})
			if tc.stored != "" {
				got := e.expect(r, 200).json(t)["schedule"].(map[string]any)
				if got["cronExpression"] != tc.stored || got["scheduleType"] != "cron" {
					t.Fatalf("schedule %v, want %q", got, tc.stored)
				}
				return
			}
			e.expect(r, 400)
			if tc.msg != "" && r.message(t) != tc.msg {
				t.Fatalf("message\n got: %s\nwant: %s", r.message(t), tc.msg)
			}
		})
	}
	r := e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"schedule": map[string]any{"scheduleType": "cron"}}), 400)
	if r.message(t) != "Missing cron expression in the schedule." {
		t.Fatal(r.message(t))
	}
	e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"schedule": map[string]any{"scheduleType": "basic"}}), 422)
	c := e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"schedule": map[string]any{"scheduleType": "manual"}}), 200).json(t)
	if !reflect.DeepEqual(c["schedule"], map[string]any{"scheduleType": "manual"}) {
		t.Fatalf("manual schedule %v", c["schedule"])
	}
	// The snapshot stores the expression without a time zone.
	e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"schedule": map[string]any{"scheduleType": "cron", "cronExpression": "0 0 6 * * ? UTC"}}), 200)
	for _, sc := range e.emu.Snapshot().Connections {
		if sc.ConnectionID == id && sc.CronExpression != "0 0 6 * * ?" {
			t.Fatalf("stored cron %q", sc.CronExpression)
		}
	}
	// Create validates the schedule too.
	e.expect(e.call("POST", "/connections", map[string]any{"sourceId": e.sourceID(stripe), "destinationId": e.destinationID(0, lake),
		"schedule": map[string]any{"scheduleType": "cron", "cronExpression": "0 12 * * *"}}), 400)
}

func TestSoftDeleteAndIncludeDeleted(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(stripe, nil)
	keep := e.newConnection(postgres, nil)
	e.expect(e.call("DELETE", "/connections/"+id, nil), 204)
	if got := e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t)["status"]; got != "deprecated" {
		t.Fatalf("status after delete %v", got)
	}
	e.expect(e.call("DELETE", "/connections/"+id, nil), 204)

	ids := func(query string) []string {
		var out []string
		for _, c := range e.expect(e.call("GET", "/connections"+query, nil), 200).json(t)["data"].([]any) {
			out = append(out, c.(map[string]any)["connectionId"].(string))
		}
		return out
	}
	if got := ids(""); !reflect.DeepEqual(got, []string{keep}) {
		t.Fatalf("default list %v", got)
	}
	if got := ids("?includeDeleted=true"); !reflect.DeepEqual(got, []string{id, keep}) {
		t.Fatalf("includeDeleted list %v", got)
	}
	if got := ids("?workspaceIds=" + e.ws(1).WorkspaceID); len(got) != 0 {
		t.Fatalf("other workspace list %v", got)
	}
}

func TestListConnectionsPagination(t *testing.T) {
	e := newEnv(t, Options{Seed: 5, SeedConnections: 7})
	ws0, ws1 := e.ws(0).WorkspaceID, e.ws(1).WorkspaceID
	base := e.info.ServerURL + "/connections"
	link := func(offset int) string {
		return fmt.Sprintf("%s?includeDeleted=false&workspaceIds=%s%%2C%s&limit=3&offset=%d", base, ws0, ws1, offset)
	}
	// previous repeats limit when the page is not empty (PaginationMapper's one UriBuilder).
	prevLink := func(offset int) string {
		return fmt.Sprintf("%s?includeDeleted=false&workspaceIds=%s%%2C%s&limit=3&limit=3&offset=%d", base, ws0, ws1, offset)
	}
	type pg struct {
		prev, next string
		names      []string
	}
	want := []pg{
		{"", link(3), []string{"seeded-connection-0001", "seeded-connection-0002", "seeded-connection-0003"}},
		{prevLink(0), link(6), []string{"seeded-connection-0004", "seeded-connection-0005", "seeded-connection-0006"}},
		{prevLink(3), link(9), []string{"seeded-connection-0007"}},
		{link(6), "", nil},
	}
	// Start with repeated keys, then follow the server's comma-joined links.
	u := base + "?workspaceIds=" + ws0 + "&workspaceIds=" + ws1 + "&limit=3"
	for i, w := range want {
		body := e.expect(e.call("GET", u, nil), 200).json(t)
		var names []string
		for _, c := range body["data"].([]any) {
			names = append(names, c.(map[string]any)["name"].(string))
		}
		if body["previous"] != w.prev || body["next"] != w.next || !reflect.DeepEqual(names, w.names) {
			t.Fatalf("page %d: previous=%v next=%v names=%v\nwant %v", i, body["previous"], body["next"], names, w)
		}
		u = w.next
	}
	// offset not a multiple of limit: previous clamps to 0.
	body := e.expect(e.call("GET", "/connections?limit=5&offset=2", nil), 200).json(t)
	if body["previous"] != base+"?includeDeleted=false&limit=5&limit=5&offset=0" {
		t.Fatalf("previous %v", body["previous"])
	}
	// Cloud layout links keep the Cloud prefix.
	body = e.expect(e.call("GET", e.srv.URL+"/v1/connections?limit=2", nil), 200).json(t)
	if !strings.HasPrefix(body["next"].(string), e.srv.URL+"/v1/connections?") {
		t.Fatalf("next %v", body["next"])
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "offset=-1", "includeDeleted=maybe"} {
		r := e.expect(e.call("GET", "/connections?"+q, nil), 400)
		if r.json(t)["errorId"] == nil {
			t.Errorf("%s: body %s", q, r.body)
		}
	}
	e.expect(e.call("GET", "/connections?limit=100", nil), 200)
	// Tags filter.
	tg := e.newTag(0, "t")
	tagged := e.newConnection(stripe, map[string]any{"tags": []any{tg}})
	data := e.expect(e.call("GET", "/connections?tagIds="+url.QueryEscape(tg["tagId"].(string)), nil), 200).json(t)["data"].([]any)
	if len(data) != 1 || data[0].(map[string]any)["connectionId"] != tagged {
		t.Fatalf("tag filter %v", data)
	}
}

func TestUnknownIDs(t *testing.T) {
	const missing = "00000000-0000-4000-8000-000000000000"
	paths := []struct{ method, path, resourceType string }{
		{"GET", "/connections/" + missing, "STANDARD_SYNC"},
		{"PATCH", "/connections/" + missing, "STANDARD_SYNC"},
		{"DELETE", "/connections/" + missing, "STANDARD_SYNC"},
		{"GET", "/sources/" + missing, "SOURCE_CONNECTION"},
		{"DELETE", "/sources/" + missing, "SOURCE_CONNECTION"},
		{"GET", "/destinations/" + missing, "DESTINATION_CONNECTION"},
		{"GET", "/workspaces/" + missing, "STANDARD_WORKSPACE"},
		{"GET", "/streams?sourceId=" + missing, "SOURCE_CONNECTION"},
	}
	for _, status := range []int{403, 404} {
		opts := Options{Seed: 1}
		if status == 404 {
			opts.UnknownIDStatus = 404
		}
		e := newEnv(t, opts)
		for _, p := range paths {
			var body any
			if p.method == "PATCH" {
				body = map[string]any{"name": "x"}
			}
			r := e.call(p.method, p.path, body)
			if r.status != status {
				t.Errorf("%d mode: %s %s: status %d", status, p.method, p.path, r.status)
				continue
			}
			m := r.json(t)
			if status == 403 && m["title"] != "forbidden" {
				t.Errorf("%s %s: %v", p.method, p.path, m)
			}
			if status == 404 && (m["title"] != "resource-not-found" || m["data"].(map[string]any)["resourceType"] != p.resourceType) {
				t.Errorf("%s %s: %v", p.method, p.path, m)
			}
			if _, ok := m["documentationUrl"]; !ok || r.header.Get("Content-Type") != "application/json" {
				t.Errorf("problem shape: %s %v", r.body, r.header)
			}
		}
		r := e.call("POST", "/connections", map[string]any{"sourceId": missing, "destinationId": e.destinationID(0, snowflake)})
		if r.status != status {
			t.Errorf("create with unknown source: %d", r.status)
		}
		r = e.call("POST", "/jobs", map[string]any{"connectionId": missing, "jobType": "sync"})
		if r.status != status {
			t.Errorf("job for unknown connection: %d", r.status)
		}
	}
}

func TestLockedConnectionAndBasicSchedule(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	id := e.newConnection(stripe, nil)
	r := e.expect(e.call("PUT", srvAdmin(e, "/connections/"+id), map[string]any{"basic_timing": map[string]any{"units": 24, "time_unit": "hours"}}), 200)
	if got := r.json(t)["schedule"]; !reflect.DeepEqual(got, map[string]any{"scheduleType": "basic", "basicTiming": "Every 24 HOURS"}) {
		t.Fatalf("basic schedule %v", got)
	}
	status, reason := "locked", "billing"
	if err := e.emu.OverrideConnection(id, ConnectionOverride{Status: &status, StatusReason: &reason}); err != nil {
		t.Fatal(err)
	}
	c := e.expect(e.call("GET", "/connections/"+id, nil), 200).json(t)
	if _, sent := c["statusReason"]; c["status"] != "locked" || sent {
		t.Fatalf("connection %v: want locked, and no statusReason (the read mapper never fills it)", c)
	}
	r = e.expect(e.call("PATCH", "/connections/"+id, map[string]any{"name": "x"}), 409)
	p := r.json(t)
	if p["type"] != "error:connection/locked" || p["data"].(map[string]any)["connectionId"] != id || p["data"].(map[string]any)["statusReason"] != nil {
		t.Fatalf("locked problem %v", p)
	}
	e.expect(e.call("PUT", srvAdmin(e, "/connections/"+id), map[string]any{"status": "bogus"}), 400)
	e.expect(e.call("PUT", srvAdmin(e, "/connections/nope"), map[string]any{}), 404)
}

func TestSourceAndDestinationDeleteCascade(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	src := e.sourceID(stripe)
	viaSource := e.newConnection(stripe, nil)
	other := e.newConnection(postgres, map[string]any{"destinationId": e.destinationID(0, lake)})
	s := e.expect(e.call("GET", "/sources/"+src, nil), 200).json(t)
	if s["sourceType"] != "stripe" || s["configuration"].(map[string]any)["client_secret"] != "**********" {
		t.Fatalf("source %v", s)
	}
	e.expect(e.call("DELETE", "/sources/"+src, nil), 204)
	e.expect(e.call("GET", "/sources/"+src, nil), 200) // tombstoned, still read (TestDeletedActorsStayReadable)
	e.expect(e.call("DELETE", "/sources/"+src, nil), 204)
	if st := e.expect(e.call("GET", "/connections/"+viaSource, nil), 200).json(t)["status"]; st != "deprecated" {
		t.Fatalf("connection of deleted source: %v", st)
	}
	if st := e.expect(e.call("GET", "/connections/"+other, nil), 200).json(t)["status"]; st != "active" {
		t.Fatalf("unrelated connection: %v", st)
	}
	if n := len(e.expect(e.call("GET", "/sources?workspaceIds="+e.ws(0).WorkspaceID, nil), 200).json(t)["data"].([]any)); n != 1 {
		t.Fatalf("sources after delete: %d", n)
	}
	if n := len(e.expect(e.call("GET", "/sources?includeDeleted=true&workspaceIds="+e.ws(0).WorkspaceID, nil), 200).json(t)["data"].([]any)); n != 2 {
		t.Fatalf("sources with deleted: %d", n)
	}
	e.expect(e.call("POST", "/connections", map[string]any{"sourceId": src, "destinationId": e.destinationID(0, lake)}), 404)

	dst := e.destinationID(0, lake)
	d := e.expect(e.call("GET", "/destinations/"+dst, nil), 200).json(t)
	if d["destinationType"] != "s3" || d["workspaceId"] != e.ws(0).WorkspaceID {
		t.Fatalf("destination %v", d)
	}
	e.expect(e.call("DELETE", "/destinations/"+dst, nil), 204)
	e.expect(e.call("GET", "/destinations/"+dst, nil), 200)
	if st := e.expect(e.call("GET", "/connections/"+other, nil), 200).json(t)["status"]; st != "deprecated" {
		t.Fatalf("connection of deleted destination: %v", st)
	}
	if n := len(e.expect(e.call("GET", "/destinations", nil), 200).json(t)["data"].([]any)); n != 3 {
		t.Fatalf("destinations after delete: %d", n)
	}
	ws := e.expect(e.call("GET", "/workspaces/"+e.ws(1).WorkspaceID, nil), 200).json(t)
	if ws["name"] != "Emulator Workspace 2" || ws["dataResidency"] != "auto" || ws["notifications"] == nil {
		t.Fatalf("workspace %v", ws)
	}
	if n := len(e.expect(e.call("GET", "/workspaces", nil), 200).json(t)["data"].([]any)); n != 2 {
		t.Fatalf("workspaces: %d", n)
	}
}
