package emulator

import (
	"reflect"
	"testing"
)

func (e *env) setState(id string, state map[string]any) response {
	e.t.Helper()
	state["connectionId"] = id
	return e.config("/state/create_or_update_safe", map[string]any{"connectionId": id, "connectionState": state})
}

func streamRow(name string, state any) map[string]any {
	return map[string]any{"streamDescriptor": map[string]any{"name": name, "namespace": "public"}, "streamState": state}
}

// TestStateCreateOrUpdateSafe checks state writes: rows are upserted per
// stream and the rest kept, a null stream state deletes its row, the type
// may change only from legacy, and the answer is the state as read back
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/StateHandler.kt,
// airbyte-config/config-persistence/src/main/kotlin/io/airbyte/config/persistence/StatePersistence.kt).
func TestStateCreateOrUpdateSafe(t *testing.T) {
	e := newEnv(t, Options{Seed: 4})
	id := e.newConnection(postgres, nil)
	got := e.expect(e.setState(id, map[string]any{"stateType": "stream", "streamState": []any{
		streamRow("users", map[string]any{"cursor": "a"}), streamRow("orders", map[string]any{"cursor": "b"}),
	}}), 200).json(t)
	want := map[string]any{"stateType": "stream", "connectionId": id, "streamState": []any{
		streamRow("users", map[string]any{"cursor": "a"}), streamRow("orders", map[string]any{"cursor": "b"}),
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("written state\n got %v\nwant %v", got, want)
	}
	// PyAirbyte's set_stream_state sends one stream: the others stay.
	got = e.expect(e.setState(id, map[string]any{"stateType": "stream", "streamState": []any{streamRow("orders", map[string]any{"cursor": "c"})}}), 200).json(t)
	want["streamState"] = []any{streamRow("users", map[string]any{"cursor": "a"}), streamRow("orders", map[string]any{"cursor": "c"})}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("upserted state\n got %v\nwant %v", got, want)
	}
	if read := e.expect(e.config("/state/get", map[string]any{"connectionId": id}), 200).json(t); !reflect.DeepEqual(read, want) {
		t.Fatalf("state/get %v", read)
	}
	// A different type is refused (IllegalStateException, 500); not_set too.
	for _, st := range []map[string]any{
		{"stateType": "global", "globalState": map[string]any{"shared_state": map[string]any{"lsn": 1}, "streamStates": []any{}}},
		{"stateType": "not_set"},
		{"stateType": "stream"},
	} {
		if r := e.expect(e.setState(id, st), 500).json(t); r["errorId"] == nil {
			t.Fatalf("500 body %v", r)
		}
	}
	e.expect(e.setState(id, map[string]any{"stateType": "bogus"}), 422)
	e.expect(e.config("/state/create_or_update_safe", map[string]any{"connectionId": id}), 422)

	// Legacy state migrates to any other type.
	other := e.newConnection(stripe, nil)
	e.expect(e.setState(other, map[string]any{"stateType": "legacy", "state": map[string]any{"cursor": 1}}), 200)
	got = e.expect(e.setState(other, map[string]any{"stateType": "global",
		"globalState": map[string]any{"shared_state": map[string]any{"lsn": 7}, "streamStates": []any{streamRow("customers", map[string]any{"c": 1})}}}), 200).json(t)
	if got["stateType"] != "global" || got["state"] != nil || !reflect.DeepEqual(got["globalState"].(map[string]any)["shared_state"], map[string]any{"lsn": float64(7)}) {
		t.Fatalf("migrated state %v", got)
	}
}

// TestStateRowDeletion checks that a stream state sent as null deletes that
// row, and that deleting the last row leaves no state (StatePersistence.writeStateToDb).
func TestStateRowDeletion(t *testing.T) {
	e := newEnv(t, Options{Seed: 4})
	id := e.newConnection(postgres, nil)
	e.expect(e.setState(id, map[string]any{"stateType": "stream", "streamState": []any{streamRow("users", map[string]any{"cursor": "a"})}}), 200)
	got := e.expect(e.setState(id, map[string]any{"stateType": "stream", "streamState": []any{streamRow("users", nil)}}), 200).json(t)
	if !reflect.DeepEqual(got, map[string]any{"stateType": "not_set", "connectionId": id}) {
		t.Fatalf("state after deleting the last row %v", got)
	}
}

// TestStateWhileSyncing checks the 423 of createOrUpdateStateSafe while a
// sync runs (resets do not count), and the unknown-connection answers
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/errors/SyncIsRunningException.kt,
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/JobHistoryHandler.kt, getLatestRunningSyncJob).
func TestStateWhileSyncing(t *testing.T) {
	e := newEnv(t, Options{Seed: 4})
	id := e.newConnection(stripe, nil) // full refresh only: its syncs write no state
	e.startJob(id, "sync")
	r := e.expect(e.setState(id, map[string]any{"stateType": "legacy", "state": map[string]any{"x": 1}}), 423).json(t)
	if r["message"] != "State cannot be updated while a sync is running for this connection." || r["errorId"] == nil || len(r) != 2 {
		t.Fatalf("423 body %v", r)
	}
	e.clock.Add(DefaultJobDuration)
	e.expect(e.setState(id, map[string]any{"stateType": "legacy", "state": map[string]any{"x": 1}}), 200)
	e.startJob(id, "reset")
	e.expect(e.setState(id, map[string]any{"stateType": "legacy", "state": map[string]any{"x": 2}}), 200)

	const missing = "00000000-0000-4000-8000-000000000000"
	e.expect(e.setState(missing, map[string]any{"stateType": "legacy", "state": map[string]any{}}), 403)
	admin := newEnv(t, Options{Seed: 4, UnknownIDStatus: 404})
	r = admin.expect(admin.setState(missing, map[string]any{"stateType": "legacy", "state": map[string]any{}}), 409).json(t)
	if r["message"] != "Failed to access database. Check the server logs for more information" {
		t.Fatalf("409 body %v", r)
	}
}
