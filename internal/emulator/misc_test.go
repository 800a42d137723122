package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func (e *env) config(path string, body any) response {
	e.t.Helper()
	return e.call("POST", e.info.ConfigAPIURL+path, body)
}

func TestStateAfterSync(t *testing.T) {
	e := newEnv(t, Options{Seed: 4})
	stream := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{
		{"name": "customers", "syncMode": "incremental_append"},
		{"name": "balance_transactions"},
	}}})
	global := e.newConnection(postgres, map[string]any{"configurations": map[string]any{"streams": []map[string]any{
		{"name": "users"}, {"name": "events", "syncMode": "incremental_deduped_history"},
	}}})
	for _, id := range []string{stream, global} {
		st := e.expect(e.config("/state/get", map[string]any{"connectionId": id}), 200).json(t)
		if !reflect.DeepEqual(st, map[string]any{"stateType": "not_set", "connectionId": id}) {
			t.Fatalf("initial state %v", st)
		}
	}
	e.startJob(stream, "sync")
	e.startJob(global, "sync")
	e.clock.Add(2 * time.Second)

	st := e.expect(e.config("/state/get", map[string]any{"connectionId": stream}), 200).json(t)
	want := map[string]any{"stateType": "stream", "connectionId": stream, "streamState": []any{map[string]any{
		"streamDescriptor": map[string]any{"name": "customers"},
		"streamState":      map[string]any{"cursor": "2024-05-01T12:00:02Z", "cursor_field": []any{"created"}},
	}}}
	if !reflect.DeepEqual(st, want) {
		t.Fatalf("stream state\n got %v\nwant %v", st, want)
	}
	st = e.expect(e.config("/state/get", map[string]any{"connectionId": global}), 200).json(t)
	gs, _ := st["globalState"].(map[string]any)
	if st["stateType"] != "global" || gs["shared_state"] == nil || len(gs["streamStates"].([]any)) != 2 || st["streamState"] != nil {
		t.Fatalf("global state %v", st)
	}
	e.expect(e.config("/state/get", `{"connectionId":`), 422)

	// A reset clears the state.
	e.startJob(stream, "reset")
	e.clock.Add(2 * time.Second)
	if got := e.expect(e.config("/state/get", map[string]any{"connectionId": stream}), 200).json(t)["stateType"]; got != "not_set" {
		t.Fatalf("state after reset %v", got)
	}
}

func TestWebBackendConnection(t *testing.T) {
	e := newEnv(t, Options{Seed: 4})
	id := e.newConnection(postgres, map[string]any{
		"namespaceDefinition": "custom_format", "namespaceFormat": "x_${SOURCE_NAMESPACE}",
		"schedule": map[string]any{"scheduleType": "cron", "cronExpression": "0 0 12 * * ?"},
		"configurations": map[string]any{"streams": []map[string]any{
			{"name": "users", "syncMode": "incremental_deduped_history", "selectedFields": []map[string]any{{"fieldPath": []string{"id"}}, {"fieldPath": []string{"updated_at"}}}},
		}},
	})
	wb := e.expect(e.config("/web_backend/connections/get", map[string]any{"connectionId": id, "withRefreshedCatalog": false}), 200).json(t)
	for _, k := range []string{"connectionId", "name", "sourceId", "destinationId", "syncCatalog", "status", "source", "destination", "isSyncing",
		"schemaChange", "notifySchemaChanges", "notifySchemaChangesByEmail", "nonBreakingChangesPreference",
		"sourceActorDefinitionVersion", "destinationActorDefinitionVersion", "tags", "onDemandEnabled"} {
		if _, ok := wb[k]; !ok {
			t.Errorf("missing required %s", k)
		}
	}
	if wb["namespaceDefinition"] != "customformat" || wb["scheduleType"] != "cron" {
		t.Errorf("mapped fields %v %v", wb["namespaceDefinition"], wb["scheduleType"])
	}
	if cron := wb["scheduleData"].(map[string]any)["cron"]; !reflect.DeepEqual(cron, map[string]any{"cronExpression": "0 0 12 * * ?", "cronTimeZone": "UTC"}) {
		t.Errorf("scheduleData %v", cron)
	}
	streams := wb["syncCatalog"].(map[string]any)["streams"].([]any)
	if len(streams) != 4 {
		t.Fatalf("syncCatalog has %d streams, want every discovered one", len(streams))
	}
	selected := map[string]bool{}
	for _, s := range streams {
		m := s.(map[string]any)
		name := m["stream"].(map[string]any)["name"].(string)
		cfg := m["config"].(map[string]any)
		selected[name] = cfg["selected"].(bool)
		if name == "users" && (cfg["syncMode"] != "incremental" || cfg["destinationSyncMode"] != "append_dedup" || cfg["fieldSelectionEnabled"] != true) {
			t.Errorf("users config %v", cfg)
		}
		if m["stream"].(map[string]any)["jsonSchema"] == nil {
			t.Errorf("stream %s lacks jsonSchema", name)
		}
	}
	if !reflect.DeepEqual(selected, map[string]bool{"users": true, "orders": false, "events": false, "audit_log": false}) {
		t.Errorf("selected %v", selected)
	}
	// Unknown ids: TestConfigAPIUnknownConnection.
}

func TestStreamsEndpoint(t *testing.T) {
	e := newEnv(t, Options{Seed: 4})
	src := e.sourceID(postgres)
	got := e.expect(e.call("GET", "/streams?sourceId="+src+"&destinationId="+e.destinationID(0, lake), nil), 200).list(t)
	if len(got) != 4 {
		t.Fatalf("%d streams", len(got))
	}
	users := got[0].(map[string]any)
	want := map[string]any{
		"streamName": "users", "streamnamespace": "public",
		"syncModes":                []any{"full_refresh_append", "full_refresh_overwrite", "incremental_append", "incremental_deduped_history"},
		"defaultCursorField":       []any{"updated_at"},
		"sourceDefinedCursorField": false,
		"sourceDefinedPrimaryKey":  []any{[]any{"id"}},
		"propertyFields":           []any{[]any{"id"}, []any{"email"}, []any{"name"}, []any{"updated_at"}, []any{"address"}, []any{"address", "city"}, []any{"address", "zip"}},
	}
	if !reflect.DeepEqual(users, want) {
		t.Fatalf("users\n got %v\nwant %v", users, want)
	}
	all := e.expect(e.call("GET", "/streams?sourceId="+src+"&destinationId="+e.destinationID(0, snowflake), nil), 200).list(t)
	if modes := all[0].(map[string]any)["syncModes"].([]any); len(modes) != 8 {
		t.Fatalf("snowflake modes %v", modes)
	}
	noDest := e.expect(e.call("GET", "/streams?sourceId="+src+"&ignoreCache=true", nil), 200).list(t)
	if _, ok := noDest[0].(map[string]any)["syncModes"]; ok {
		t.Fatalf("syncModes present without destinationId")
	}
	e.expect(e.call("GET", "/streams", nil), 400)
}

func TestFaultInjection(t *testing.T) {
	t.Run("fail rate answers 503 before the side effect", func(t *testing.T) {
		e := newEnv(t, Options{Seed: 4})
		e.emu.SetFaults(Faults{FailRate: 1})
		r := e.expect(e.call("POST", "/connections", map[string]any{"sourceId": e.sourceID(stripe), "destinationId": e.destinationID(0, lake)}), 503)
		if r.json(t)["title"] != "service-unavailable" {
			t.Fatalf("503 body %s", r.body)
		}
		e.emu.SetFaults(Faults{})
		if n := len(e.emu.Snapshot().Connections); n != 0 {
			t.Fatalf("%d connections created by a failed request", n)
		}
	})
	t.Run("lost response answers 502 after the side effect", func(t *testing.T) {
		e := newEnv(t, Options{Seed: 4})
		e.emu.SetFaults(Faults{LostResponseRate: 1})
		e.expect(e.call("POST", "/connections", map[string]any{"sourceId": e.sourceID(stripe), "destinationId": e.destinationID(0, lake)}), 502)
		e.expect(e.call("GET", "/workspaces", nil), 502)
		e.emu.SetFaults(Faults{})
		if n := len(e.emu.Snapshot().Connections); n != 1 {
			t.Fatalf("%d connections, want the lost one created", n)
		}
	})
	t.Run("rate limit", func(t *testing.T) {
		for _, retryAfter := range []bool{false, true} {
			e := newEnv(t, Options{Seed: 4, RateLimit: 2, RetryAfter: retryAfter})
			// login used one request of the window
			e.expect(e.call("GET", "/workspaces", nil), 200)
			r := e.expect(e.call("GET", "/workspaces", nil), 429)
			if string(r.body) != "{\"message\":\"You are being rate limited.\"}\n" {
				t.Fatalf("429 body %q", r.body)
			}
			if got := r.header.Get("Retry-After"); (got == "1") != retryAfter {
				t.Fatalf("Retry-After %q with RetryAfter=%v", got, retryAfter)
			}
			e.clock.Add(time.Second)
			e.expect(e.call("GET", "/workspaces", nil), 200)
		}
	})
	t.Run("latency", func(t *testing.T) {
		e := newEnv(t, Options{Seed: 4})
		e.expect(e.call("POST", srvAdmin(e, "/faults"), map[string]any{"latency": "30ms"}), 200)
		start := time.Now()
		e.expect(e.call("GET", "/workspaces", nil), 200)
		if d := time.Since(start); d < 30*time.Millisecond {
			t.Fatalf("request took %v, want at least 30ms", d)
		}
		start = time.Now()
		e.expect(e.call("GET", srvAdmin(e, "/stats"), nil), 200)
		if d := time.Since(start); d >= 30*time.Millisecond {
			t.Fatalf("admin request delayed %v", d)
		}
	})
	t.Run("reset drops the connection after the side effect", func(t *testing.T) {
		e := newEnv(t, Options{Seed: 4})
		e.emu.SetFaults(Faults{ResetRate: 1})
		raw, err := json.Marshal(map[string]any{"sourceId": e.sourceID(stripe), "destinationId": e.destinationID(0, lake)})
		if err != nil {
			t.Fatal(err)
		}
		req, err := http.NewRequest(http.MethodPost, e.info.ServerURL+"/connections", bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.token)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("got status %d, want the connection dropped", resp.StatusCode)
		}
		e.emu.SetFaults(Faults{})
		if n := len(e.emu.Snapshot().Connections); n != 1 {
			t.Fatalf("%d connections, want the dropped request's one created", n)
		}
		if s := e.emu.Stats(); s.Injected["reset"] != 1 || s.ByStatus["444"] != 1 {
			t.Fatalf("stats %+v", s)
		}
	})
	t.Run("throttling answers 429 with and without Retry-After", func(t *testing.T) {
		e := newEnv(t, Options{Seed: 4})
		e.emu.SetFaults(Faults{ThrottleRate: 1})
		with, without := 0, 0
		for range 40 {
			r := e.expect(e.call("GET", "/workspaces", nil), 429)
			if r.header.Get("Retry-After") == "1" {
				with++
			} else {
				without++
			}
		}
		s := e.emu.Stats()
		if with == 0 || without == 0 || s.Injected["throttled_retry_after"] != int64(with) || s.Injected["throttled"] != int64(without) {
			t.Fatalf("%d with Retry-After, %d without; injected %v", with, without, s.Injected)
		}
	})
	t.Run("latency spikes", func(t *testing.T) {
		e := newEnv(t, Options{Seed: 4})
		e.emu.SetFaults(Faults{SpikeRate: 1, SpikeLatency: 30 * time.Millisecond})
		start := time.Now()
		e.expect(e.call("GET", "/workspaces", nil), 200)
		if d := time.Since(start); d < 30*time.Millisecond {
			t.Fatalf("request took %v, want at least the 30ms spike", d)
		}
		if n := e.emu.Stats().Injected["spike"]; n != 1 {
			t.Fatalf("%d spikes counted", n)
		}
		// A client that gives up during the spike has still had its request
		// carried out.
		e.emu.SetFaults(Faults{SpikeRate: 1, SpikeLatency: time.Minute})
		raw, err := json.Marshal(map[string]any{"sourceId": e.sourceID(stripe), "destinationId": e.destinationID(0, lake)})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.info.ServerURL+"/connections", bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.token)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Fatalf("got status %d before the spike ended", resp.StatusCode)
		}
		if n := len(e.emu.Snapshot().Connections); n != 1 {
			t.Fatalf("%d connections, want the timed-out request's one created", n)
		}
	})
	t.Run("admin faults endpoint", func(t *testing.T) {
		e := newEnv(t, Options{Seed: 4})
		got := e.expect(e.call("POST", srvAdmin(e, "/faults"), map[string]any{"fail_rate": 0.5, "job_duration": "5s", "retry_after": true,
			"throttle_rate": 0.1, "spike_rate": 0.2, "spike_latency": "150ms", "reset_rate": 0.05}), 200).json(t)
		want := map[string]any{"latency": "0s", "fail_rate": 0.5, "lost_response_rate": float64(0), "rate_limit": float64(0),
			"retry_after": true, "throttle_rate": 0.1, "spike_rate": 0.2, "spike_latency": "150ms", "reset_rate": 0.05,
			"job_duration": "5s", "token_ttl": "15m0s"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("faults %v", got)
		}
		e.expect(e.call("POST", srvAdmin(e, "/faults"), map[string]any{"latency": "soon"}), 400)
	})
}

func TestStats(t *testing.T) {
	e := newEnv(t, Options{Seed: 4, SeedConnections: 1})
	id := e.emu.Snapshot().Connections[0].ConnectionID
	e.expect(e.call("GET", "/connections/"+id, nil), 200)
	e.expect(e.call("GET", e.srv.URL+"/v1/connections/"+id, nil), 200)
	e.expect(e.call("GET", "/connections/nope", nil), 403)
	e.expect(e.config("/state/get", map[string]any{"connectionId": id}), 200)
	e.expect(e.call("GET", srvAdmin(e, "/snapshot"), nil), 200)
	e.expect(e.call("GET", e.srv.URL+"/nothing-here", nil), 404)
	e.expect(e.call("GET", e.srv.URL+"/api/public/v1/health", nil), 200)
	e.emu.SetFaults(Faults{FailRate: 1})
	e.expect(e.call("GET", "/workspaces", nil), 503)

	got := e.expect(e.call("GET", srvAdmin(e, "/stats"), nil), 200).json(t)
	want := map[string]any{
		"requests_total": float64(8),
		"by_route": map[string]any{
			"POST /applications/token": float64(1), "GET /connections/{connectionId}": float64(3),
			"POST /api/v1/state/get": float64(1), "unmatched": float64(1), "GET /health": float64(1), "GET /workspaces": float64(1),
		},
		"by_status": map[string]any{"200": float64(5), "403": float64(1), "404": float64(1), "503": float64(1)},
		"injected":  map[string]any{"failed": float64(1)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stats\n got %v\nwant %v", got, want)
	}
	e.expect(e.call("POST", srvAdmin(e, "/reset-stats"), nil), 204)
	if s := e.emu.Stats(); s.RequestsTotal != 0 || len(s.ByRoute) != 0 {
		t.Fatalf("after reset %+v", s)
	}
}

func TestDeterministicSeed(t *testing.T) {
	ids := func(seed int64) string {
		emu := New(Options{Seed: seed, SeedConnections: 2, Now: newFakeClock().Now})
		info := emu.Info("http://x")
		var b strings.Builder
		fmt.Fprint(&b, info.ClientID, info.ClientSecret)
		for _, w := range info.Workspaces {
			fmt.Fprint(&b, w.WorkspaceID)
			for _, s := range w.Sources {
				fmt.Fprint(&b, s.SourceID)
			}
			for _, d := range w.Destinations {
				fmt.Fprint(&b, d.DestinationID)
			}
		}
		for _, c := range emu.Snapshot().Connections {
			fmt.Fprint(&b, c.ConnectionID)
		}
		return b.String()
	}
	if first, again := ids(42), ids(42); first != again {
		t.Fatal("same seed gave different ids")
	}
	if ids(42) == ids(43) {
		t.Fatal("different seeds gave the same ids")
	}
	emu := New(Options{Seed: 1, ClientID: "id", ClientSecret: "secret"})
	if info := emu.Info("http://h"); info.ClientID != "id" || info.ClientSecret != "secret" || info.ServerURL != "http://h/api/public/v1" ||
		info.ConfigAPIURL != "http://h/api/v1" || info.WebURL != "http://h" {
		t.Fatalf("info %+v", info)
	}
	if New(Options{Seed: 1}).Info("").Workspaces[0].WorkspaceID != emu.Info("").Workspaces[0].WorkspaceID {
		t.Fatal("credential overrides changed the seeded ids")
	}
}

func TestSnapshot(t *testing.T) {
	e := newEnv(t, Options{Seed: 4})
	id := e.newConnection(stripe, map[string]any{"schedule": map[string]any{"scheduleType": "cron", "cronExpression": "0 0 1 * * ?"}})
	e.startJob(id, "sync")
	e.expect(e.call("DELETE", "/connections/"+id, nil), 204)
	snap := e.expect(e.call("GET", srvAdmin(e, "/snapshot"), nil), 200).json(t)
	conns := snap["connections"].([]any)
	jobs := snap["jobs"].([]any)
	if len(conns) != 1 || conns[0].(map[string]any)["status"] != "deprecated" || conns[0].(map[string]any)["cron_expression"] != "0 0 1 * * ?" {
		t.Fatalf("snapshot connections %v", conns)
	}
	if len(jobs) != 1 || jobs[0].(map[string]any)["status"] != "cancelled" {
		t.Fatalf("snapshot jobs %v", jobs)
	}
	if len(snap["sources"].([]any)) != 4 || len(snap["destinations"].([]any)) != 4 || len(snap["workspaces"].([]any)) != 2 {
		t.Fatalf("snapshot actors %v", snap)
	}
}
