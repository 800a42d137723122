package emulator

import (
	"fmt"
	"testing"
	"time"
)

// TestFailingAttemptsAreRetried: an attempt that fails without progress
// leaves the job incomplete for a back-off of 10 s × 3^(n-1); the fifth
// successive failure fails the job
// (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/kotlin/io/airbyte/workers/temporal/scheduling/ConnectionManagerWorkflowImpl.kt,
// reportFailure; airbyte-workers/src/main/resources/application.yml).
func TestFailingAttemptsAreRetried(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(stripe, nil)
	if err := e.emu.FailNextSyncAttempts(conn, 5); err != nil {
		t.Fatal(err)
	}
	id := e.startJob(conn, "sync")["jobId"]
	// Attempt n starts at the previous end plus its back-off and runs 9 s.
	steps := []struct {
		at       time.Duration
		status   string
		duration string
	}{
		{2 * time.Second, "running", "PT1S"},
		{10 * time.Second, "incomplete", "PT10S"},
		{19 * time.Second, "incomplete", "PT10S"},
		{20 * time.Second, "running", "PT20S"},       // attempt 1
		{29 * time.Second, "incomplete", "PT29S"},    // back-off 30 s
		{59 * time.Second, "running", "PT59S"},       // attempt 2
		{68 * time.Second, "incomplete", "PT1M8S"},   // back-off 90 s
		{158 * time.Second, "running", "PT2M38S"},    // attempt 3
		{167 * time.Second, "incomplete", "PT2M47S"}, // back-off 270 s
		{437 * time.Second, "running", "PT7M17S"},    // attempt 4
		{446 * time.Second, "failed", "PT7M26S"},
	}
	start := e.clock.Now()
	for _, s := range steps {
		e.clock.Add(start.Add(s.at).Sub(e.clock.Now()))
		j := e.getJob(id)
		if j["status"] != s.status || j["duration"] != s.duration || j["rowsSynced"] != float64(0) {
			t.Fatalf("at +%s: %v, want %s %s", s.at, j, s.status, s.duration)
		}
		if s.status == "incomplete" {
			e.expectConflict(e.call("POST", "/jobs", map[string]any{"connectionId": conn, "jobType": "sync"}), "try-again-later",
				"A sync is already running for: "+conn)
		}
	}
	if err := e.emu.FailNextSyncAttempts(conn, 2); err != nil {
		t.Fatal(err)
	}
	id = e.startJob(conn, "sync")["jobId"]
	e.clock.Add(time.Hour)
	e.token = e.login()
	if j := e.getJob(id); j["status"] != "succeeded" || j["rowsSynced"].(float64) <= 0 {
		t.Fatalf("two failed attempts then a good one: %v", j)
	}
}

// TestCancelBetweenAttempts: cancelling an incomplete job cancels it without
// touching its failed attempts
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/JobsHandler.kt,
// persistJobCancellation).
func TestCancelBetweenAttempts(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(stripe, nil)
	if err := e.emu.FailNextSyncAttempts(conn, 1); err != nil {
		t.Fatal(err)
	}
	id := e.startJob(conn, "sync")["jobId"]
	e.clock.Add(15 * time.Second)
	if j := e.expect(e.call("DELETE", fmt.Sprintf("/jobs/%v", id), nil), 200).json(t); j["status"] != "cancelled" || j["duration"] != "PT15S" {
		t.Fatalf("cancelled between attempts: %v", j)
	}
	info := e.expect(e.config("/jobs/get", map[string]any{"id": id}), 200).json(t)
	if attempts := info["attempts"].([]any); len(attempts) != 1 {
		t.Fatalf("attempts %v", attempts)
	}
}

// TestConnectionDisabledBeforeTheAttempt: a job whose attempt starts while
// the connection is inactive ends cancelled when it starts
// (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/kotlin/io/airbyte/workers/temporal/sync/SyncWorkflowV2Impl.kt).
func TestConnectionDisabledBeforeTheAttempt(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 100 * time.Second})
	conn := e.newConnection(stripe, nil)
	id := e.startJob(conn, "sync")["jobId"]
	e.expect(e.call("PATCH", "/connections/"+conn, map[string]any{"status": "inactive"}), 200)
	e.clock.Add(time.Minute)
	if j := e.getJob(id); j["status"] != "cancelled" || j["lastUpdatedAt"] != "2024-05-01T12:00:01Z" {
		t.Fatalf("job of a connection disabled while pending: %v", j)
	}
}

// TestFailNextSync: a config_error is not retried: the job fails when its
// only attempt ends
// (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/kotlin/io/airbyte/workers/temporal/scheduling/ConnectionManagerWorkflowImpl.kt,
// reportFailure).
func TestFailNextSync(t *testing.T) {
	e := newEnv(t, Options{Seed: 9})
	conn := e.newConnection(stripe, nil)
	if err := e.emu.FailNextSync("nope"); err == nil {
		t.Fatal("FailNextSync accepted an unknown id")
	}
	e.expect(e.call("POST", srvAdmin(e, "/connections/"+conn+"/fail-next-sync"), nil), 204)
	j := e.startJob(conn, "sync")
	e.clock.Add(3 * time.Second)
	if got := e.getJob(j["jobId"]); got["status"] != "failed" || got["duration"] != "PT2S" {
		t.Fatalf("%v, want failed after 2 s", got)
	}
	j = e.startJob(conn, "sync")
	e.clock.Add(3 * time.Second)
	if got := e.getJob(j["jobId"])["status"]; got != "succeeded" {
		t.Fatalf("second sync %v, want succeeded", got)
	}
	e.expect(e.call("POST", srvAdmin(e, "/connections/"+conn+"/fail-next-sync"), map[string]any{"attempts": 3}), 204)
	e.expect(e.call("POST", srvAdmin(e, "/connections/"+conn+"/fail-next-sync"), map[string]any{"attempts": -1}), 400)
	e.expect(e.call("POST", srvAdmin(e, "/connections/nope/fail-next-sync"), map[string]any{"attempts": 1}), 404)
	if snap := e.emu.Snapshot(); snap.Connections[0].FailNextSyncAttempts != 3 {
		t.Fatalf("snapshot %+v", snap.Connections[0])
	}
}

// TestSyncStartDeletesFullRefreshState: a sync's first attempt deletes the
// state of its full_refresh streams before it runs
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/AttemptHandler.kt,
// updateGenerationAndStateForFirstAttempt).
func TestSyncStartDeletesFullRefreshState(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(postgres, map[string]any{"configurations": map[string]any{"streams": []map[string]any{
		{"name": "users"}, {"name": "events", "syncMode": "incremental_deduped_history"}}}})
	streamsInState := func() []any {
		st := e.expect(e.config("/state/get", map[string]any{"connectionId": conn}), 200).json(t)
		return st["globalState"].(map[string]any)["streamStates"].([]any)
	}
	e.startJob(conn, "sync")
	e.clock.Add(time.Minute)
	if got := streamsInState(); len(got) != 2 {
		t.Fatalf("state after the first sync %v", got)
	}
	e.startJob(conn, "sync")
	e.clock.Add(2 * time.Second)
	got := streamsInState()
	if len(got) != 1 || got[0].(map[string]any)["streamDescriptor"].(map[string]any)["name"] != "events" {
		t.Fatalf("state while the second sync runs %v", got)
	}
}
