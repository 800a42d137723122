package emulator

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func (e *env) jobInfo(id any) map[string]any {
	e.t.Helper()
	return e.expect(e.config("/jobs/get", map[string]any{"id": id}), 200).json(e.t)
}

func (e *env) connectionStatuses(ids ...string) []any {
	e.t.Helper()
	if ids == nil {
		ids = []string{}
	}
	return e.expect(e.config("/connections/status", map[string]any{"connectionIds": ids}), 200).list(e.t)
}

func attemptsOf(t *testing.T, info map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, a := range info["attempts"].([]any) {
		out = append(out, a.(map[string]any)["attempt"].(map[string]any))
	}
	return out
}

// TestJobInfoOfSucceededSync: JobInfoRead with the job's enabled streams and
// one attempt whose figures and stats come from its output; no startedAt,
// no aggregated stats, logs as empty formatted lines
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/converters/JobConverter.kt).
func TestJobInfoOfSucceededSync(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{
		{"name": "customers"}, {"name": "invoices"}}}})
	id := e.startJob(conn, "sync")["jobId"]
	e.clock.Add(time.Minute)
	info := e.jobInfo(id)
	wantJob := map[string]any{"id": id, "configType": "sync", "configId": conn,
		"enabledStreams": []any{map[string]any{"name": "customers"}, map[string]any{"name": "invoices"}},
		"createdAt":      float64(1714564800), "updatedAt": float64(1714564810), "status": "succeeded"}
	if !reflect.DeepEqual(info["job"], wantJob) {
		t.Fatalf("job\n got %v\nwant %v", info["job"], wantJob)
	}
	rows := e.getJob(id)["rowsSynced"].(float64)
	attempts := info["attempts"].([]any)
	if len(attempts) != 1 {
		t.Fatalf("attempts %v", attempts)
	}
	ai := attempts[0].(map[string]any)
	if ai["logType"] != "formatted" || !reflect.DeepEqual(ai["logs"], map[string]any{"logLines": []any{}}) {
		t.Fatalf("logs %v", ai)
	}
	a := ai["attempt"].(map[string]any)
	total := a["totalStats"].(map[string]any)
	streams := a["streamStats"].([]any)
	if a["id"] != float64(0) || a["status"] != "succeeded" || a["createdAt"] != float64(1714564801) || a["endedAt"] != float64(1714564810) ||
		a["recordsSynced"] != rows || total["recordsCommitted"] != rows || len(streams) != 2 || a["failureSummary"] != nil {
		t.Fatalf("attempt %v", a)
	}
	var sum float64
	for _, s := range streams {
		st := s.(map[string]any)
		if _, ok := st["streamNamespace"]; ok {
			t.Fatalf("stream stats carry a namespace: %v", st)
		}
		sum += st["stats"].(map[string]any)["recordsCommitted"].(float64)
	}
	if sum != rows {
		t.Fatalf("stream stats add up to %v, want %v", sum, rows)
	}
}

// TestJobInfoOfResetAndCancellation: a reset is a reset_connection job with
// resetConfig; a cancelled attempt fails with a manual_cancellation failure
// and has no output; a pending job has no attempts
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-worker/src/main/kotlin/io/airbyte/workers/helper/FailureHelper.kt,
// failureSummaryForCancellation).
func TestJobInfoOfResetAndCancellation(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 100 * time.Second})
	conn := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{{"name": "customers"}}}})
	id := e.startJob(conn, "reset")["jobId"]
	info := e.jobInfo(id)
	job := info["job"].(map[string]any)
	streams := []any{map[string]any{"name": "customers"}}
	if job["configType"] != "reset_connection" || job["status"] != "pending" || len(info["attempts"].([]any)) != 0 ||
		!reflect.DeepEqual(job["resetConfig"], map[string]any{"streamsToReset": streams}) {
		t.Fatalf("pending reset %v", info)
	}
	e.clock.Add(30 * time.Second)
	e.startJob(conn, "reset") // cancels the first
	a := attemptsOf(t, e.jobInfo(id))[0]
	want := map[string]any{"id": float64(0), "status": "failed", "createdAt": float64(1714564801), "updatedAt": float64(1714564830),
		"endedAt": float64(1714564830), "failureSummary": map[string]any{"failures": []any{map[string]any{
			"failureType": "manual_cancellation", "internalMessage": "Setting attempt to FAILED because the job was cancelled",
			"externalMessage": "This attempt was cancelled", "timestamp": float64(1714564830000)}}}}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("cancelled attempt\n got %v\nwant %v", a, want)
	}
}

// TestJobInfoOfFailingAttempts: each failed attempt has its failure summary
// (partialSuccess false: nothing was committed), the config_error of
// FailNextSync included
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/AttemptHandler.kt, failAttempt).
func TestJobInfoOfFailingAttempts(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(stripe, nil)
	if err := e.emu.FailNextSyncAttempts(conn, 2); err != nil {
		t.Fatal(err)
	}
	id := e.startJob(conn, "sync")["jobId"]
	e.clock.Add(10 * time.Minute)
	e.token = e.login()
	attempts := attemptsOf(t, e.jobInfo(id))
	if len(attempts) != 3 || attempts[2]["status"] != "succeeded" {
		t.Fatalf("attempts %v", attempts)
	}
	for _, a := range attempts[:2] {
		fs := a["failureSummary"].(map[string]any)
		f := fs["failures"].([]any)[0].(map[string]any)
		if a["status"] != "failed" || fs["partialSuccess"] != false || f["failureOrigin"] != "source" ||
			f["externalMessage"] != "Something went wrong within the source connector" || a["recordsSynced"] != nil {
			t.Fatalf("failed attempt %v", a)
		}
	}
	if err := e.emu.FailNextSync(conn); err != nil {
		t.Fatal(err)
	}
	id = e.startJob(conn, "sync")["jobId"]
	e.clock.Add(time.Minute)
	info := e.jobInfo(id)
	f := attemptsOf(t, info)[0]["failureSummary"].(map[string]any)["failures"].([]any)[0].(map[string]any)
	if info["job"].(map[string]any)["status"] != "failed" || f["failureType"] != "config_error" {
		t.Fatalf("config error %v", info)
	}
}

// TestJobInfoUnknownID: the role check answers 403 with Micronaut's body;
// an instance admin reaches the persistence's RuntimeException, a 500
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/ApiHelper.kt).
func TestJobInfoUnknownID(t *testing.T) {
	e := newEnv(t, Options{Seed: 9})
	r := e.expect(e.config("/jobs/get", map[string]any{"id": 42}), 403)
	if r.json(t)["message"] != "Forbidden" {
		t.Fatalf("403 body %s", r.body)
	}
	e.expect(e.config("/jobs/get", map[string]any{}), 422)
	e.expect(e.config("/jobs/get", map[string]any{"id": "x"}), 422)
	admin := newEnv(t, Options{Seed: 9, UnknownIDStatus: 404})
	if m := admin.expect(admin.config("/jobs/get", map[string]any{"id": 42}), 500).json(t); m["errorId"] == nil {
		t.Fatalf("500 body %v", m)
	}
}

// TestConnectionStatuses: connectionSyncStatus is the first rule that
// matches, from the newest jobs
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt,
// getConnectionStatuses).
func TestConnectionStatuses(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	cases := []struct {
		name  string
		setup func(conn string)
		want  string
	}{
		{"never synced", func(string) {}, "pending"},
		{"synced", func(c string) { e.startJob(c, "sync"); e.clock.Add(time.Minute) }, "synced"},
		{"job pending", func(c string) { e.startJob(c, "sync") }, "pending"},
		{"job running", func(c string) { e.startJob(c, "sync"); e.clock.Add(2 * time.Second) }, "running"},
		{"between attempts", func(c string) {
			_ = e.emu.FailNextSyncAttempts(c, 1)
			e.startJob(c, "sync")
			e.clock.Add(15 * time.Second)
		}, "pending"},
		{"failed after retries", func(c string) {
			_ = e.emu.FailNextSyncAttempts(c, 5)
			e.startJob(c, "sync")
			e.clock.Add(10 * time.Minute)
		}, "incomplete"},
		{"config error", func(c string) { _ = e.emu.FailNextSync(c); e.startJob(c, "sync"); e.clock.Add(time.Minute) }, "failed"},
		{"inactive", func(c string) { e.setStatus(c, "inactive") }, "paused"},
		{"cancelled", func(c string) {
			j := e.startJob(c, "sync")
			e.clock.Add(2 * time.Second)
			e.expect(e.call("DELETE", fmt.Sprintf("/jobs/%v", j["jobId"]), nil), 200)
		}, "incomplete"},
		{"after a reset", func(c string) {
			e.startJob(c, "sync")
			e.clock.Add(time.Minute)
			e.startJob(c, "reset")
			e.clock.Add(time.Minute)
		}, "pending"},
	}
	for _, tc := range cases {
		conn := e.newConnection(stripe, nil)
		tc.setup(conn)
		e.token = e.login()
		st := e.connectionStatuses(conn)[0].(map[string]any)
		if st["connectionSyncStatus"] != tc.want || st["connectionId"] != conn {
			t.Errorf("%s: %v, want %s", tc.name, st, tc.want)
		}
	}
}

// TestConnectionStatusFields: activeJob, the last ended job with its last
// attempt and failure, the last successful sync and the newest sync's
// creation; one element per requested id, in order
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt).
func TestConnectionStatusFields(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(stripe, map[string]any{"schedule": map[string]any{"scheduleType": "cron", "cronExpression": "0 0 12 * * ?"}})
	idle := e.newConnection(stripe, nil)
	e.startJob(conn, "sync") // 1: succeeded at 12:00:10
	e.clock.Add(time.Minute)
	_ = e.emu.FailNextSync(conn)
	e.startJob(conn, "sync") // 2: failed at 12:01:10
	e.clock.Add(time.Minute)
	running := e.startJob(conn, "reset") // 3: running from 12:02:01
	e.clock.Add(5 * time.Second)
	got := e.connectionStatuses(conn, idle, conn)
	if len(got) != 3 || !reflect.DeepEqual(got[0], got[2]) {
		t.Fatalf("statuses %v", got)
	}
	st := got[0].(map[string]any)
	active := st["activeJob"].(map[string]any)
	failure := st["failureReason"].(map[string]any)
	if st["connectionSyncStatus"] != "running" || active["id"] != running["jobId"] || active["configType"] != "reset_connection" ||
		st["lastSuccessfulSync"] != float64(1714564810) || st["lastSyncJobId"] != float64(2) || st["lastSyncAttemptNumber"] != float64(0) ||
		st["lastSyncJobCreatedAt"] != float64(1714564860) || failure["failureType"] != "config_error" || failure["timestamp"] != float64(1714564870000) {
		t.Fatalf("status %v", st)
	}
	if !reflect.DeepEqual(st["scheduleData"], map[string]any{"cron": map[string]any{"cronExpression": "0 0 12 * * ?", "cronTimeZone": "UTC"}}) {
		t.Fatalf("scheduleData %v", st["scheduleData"])
	}
	want := map[string]any{"connectionId": idle, "connectionSyncStatus": "pending"}
	if !reflect.DeepEqual(got[1], want) {
		t.Fatalf("idle connection %v", got[1])
	}
}

// TestConnectionStatusesUnknownID: an unknown id among connectionIds
// leaves the caller without any role, so it is 403 for an instance admin
// too
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/support/AuthenticationHeaderResolver.kt).
func TestConnectionStatusesUnknownID(t *testing.T) {
	const missing = "00000000-0000-4000-8000-000000000000"
	for _, status := range []int{403, 404} {
		e := newEnv(t, Options{Seed: 9, UnknownIDStatus: status})
		conn := e.newConnection(stripe, nil)
		e.expect(e.config("/connections/status", map[string]any{"connectionIds": []string{conn, missing}}), 403)
		e.expect(e.config("/connections/status", map[string]any{"connectionIds": []string{"nope"}}), 422)
		e.expect(e.config("/connections/status", map[string]any{}), 422)
		if got := e.connectionStatuses(); len(got) != 0 {
			t.Fatalf("no ids: %v", got)
		}
	}
}

// TestWebBackendIsSyncingIgnoresResets: isSyncing looks for an unfinished
// sync or refresh job only
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/WebBackendConnectionsHandler.kt).
func TestWebBackendIsSyncingIgnoresResets(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 100 * time.Second})
	conn := e.newConnection(stripe, nil)
	isSyncing := func() any {
		return e.expect(e.config("/web_backend/connections/get", map[string]any{"connectionId": conn}), 200).json(t)["isSyncing"]
	}
	e.startJob(conn, "reset")
	if got := isSyncing(); got != false {
		t.Fatalf("isSyncing during a reset: %v", got)
	}
	e.clock.Add(2 * time.Minute)
	e.startJob(conn, "sync")
	if got := isSyncing(); got != true {
		t.Fatalf("isSyncing during a sync: %v", got)
	}
}
