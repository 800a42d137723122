package emulator

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func (e *env) startJob(connectionID, jobType string) map[string]any {
	e.t.Helper()
	return e.expect(e.call("POST", "/jobs", map[string]any{"connectionId": connectionID, "jobType": jobType}), 200).json(e.t)
}

func (e *env) getJob(id any) map[string]any {
	e.t.Helper()
	return e.expect(e.call("GET", fmt.Sprintf("/jobs/%v", id), nil), 200).json(e.t)
}

// expectConflict checks a 409 problem's title and data.message.
func (e *env) expectConflict(r response, title, message string) {
	e.t.Helper()
	e.expect(r, 409)
	if r.json(e.t)["title"] != title || r.message(e.t) != message {
		e.t.Fatalf("want 409 %s %q, got %s", title, message, r.body)
	}
}

func (e *env) setStatus(connectionID, status string) {
	e.t.Helper()
	if err := e.emu.OverrideConnection(connectionID, ConnectionOverride{Status: &status}); err != nil {
		e.t.Fatal(err)
	}
}

// TestJobLifecycle: a job is pending until its first attempt, then
// running, then succeeded; duration runs from creation to the last status
// change, so it stays put while the job runs; GET always carries the
// figures (0 while pending), POST never
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/mappers/JobResponseMapper.kt).
func TestJobLifecycle(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 100 * time.Second})
	conn := e.newConnection(stripe, nil)
	j := e.startJob(conn, "sync")
	id := j["jobId"]
	want := map[string]any{"jobId": float64(1), "status": "pending", "jobType": "sync", "startTime": "2024-05-01T12:00Z", "connectionId": conn}
	if !reflect.DeepEqual(j, want) {
		t.Fatalf("new job %v", j)
	}
	e.clock.Add(500 * time.Millisecond) // pending for its first second (pendingPhase)
	want["bytesSynced"], want["rowsSynced"] = float64(0), float64(0)
	if j := e.getJob(id); !reflect.DeepEqual(j, want) {
		t.Fatalf("pending job %v", j)
	}

	e.clock.Add(50 * time.Second) // the attempt started at +1 s
	j = e.getJob(id)
	if j["status"] != "running" || j["duration"] != "PT1S" || j["lastUpdatedAt"] != nil {
		t.Fatalf("running job %v", j)
	}
	rows1 := j["rowsSynced"].(float64)
	e.clock.Add(20 * time.Second)
	j = e.getJob(id)
	if rows2 := j["rowsSynced"].(float64); rows2 <= rows1 || rows1 <= 0 || j["duration"] != "PT1S" {
		t.Fatalf("rows did not grow or duration moved: %v then %v", rows1, j)
	}

	e.clock.Add(30 * time.Second)
	j = e.getJob(id)
	if j["status"] != "succeeded" || j["duration"] != "PT1M40S" || j["lastUpdatedAt"] != "2024-05-01T12:01:40Z" {
		t.Fatalf("finished job %v", j)
	}
	final := j["rowsSynced"].(float64)
	e.clock.Add(time.Hour)
	e.token = e.login() // the hour outlived the token
	if again := e.getJob(id); again["rowsSynced"] != final || again["bytesSynced"].(float64) <= final {
		t.Fatalf("final figures changed or implausible: %v", again)
	}

	// Same seed, same job id → same figures.
	e2 := newEnv(t, Options{Seed: 9, JobDuration: 100 * time.Second})
	e2.startJob(e2.newConnection(stripe, nil), "sync")
	e2.clock.Add(2 * time.Minute)
	if got := e2.getJob(1)["rowsSynced"]; got != final {
		t.Fatalf("figures not deterministic: %v vs %v", got, final)
	}

	r := e.expect(e.call("POST", "/jobs", map[string]any{"connectionId": conn, "jobType": "refresh"}), 422)
	if r.json(t)["title"] != "unprocessable-entity" || r.message(t) != "Refreshes are not supported in the public API" {
		t.Fatalf("refresh: %s", r.body)
	}
	if reset := e.startJob(conn, "clear"); reset["jobType"] != "reset" {
		t.Fatalf("clear job %v", reset)
	}
	e.expect(e.call("POST", "/jobs", map[string]any{"connectionId": conn, "jobType": "bogus"}), 422)
	e.expect(e.call("POST", "/jobs", `{"connectionId":`), 422)
	e.expect(e.call("GET", "/jobs/abc", nil), 400)
}

// TestSyncNeedsActiveConnection: submitManualSyncToWorker checks that the
// connection is active before anything else, and the IllegalStateException
// becomes 409 state-conflict "Could not fulfill request"
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/SchedulerHandler.kt).
func TestSyncNeedsActiveConnection(t *testing.T) {
	e := newEnv(t, Options{Seed: 9})
	for _, status := range []string{"inactive", "locked", "deprecated"} {
		conn := e.newConnection(stripe, nil)
		e.setStatus(conn, status)
		e.expectConflict(e.call("POST", "/jobs", map[string]any{"connectionId": conn, "jobType": "sync"}), "state-conflict", conflictMessage)
	}
}

// TestSyncWhileAJobIsActive: a running job (or one between attempts)
// answers try-again-later; a pending one makes the server wait for another
// job that never comes, then answer state-conflict
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-temporal/src/main/kotlin/io/airbyte/commons/temporal/TemporalClient.kt,
// startNewManualSyncAndWaitForJobId).
func TestSyncWhileAJobIsActive(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 100 * time.Second})
	conn := e.newConnection(stripe, nil)
	sync := map[string]any{"connectionId": conn, "jobType": "sync"}
	e.startJob(conn, "sync")
	e.expectConflict(e.call("POST", "/jobs", sync), "state-conflict", conflictMessage)
	e.clock.Add(20 * time.Second)
	e.expectConflict(e.call("POST", "/jobs", sync), "try-again-later", "A sync is already running for: "+conn)
	e.clock.Add(90 * time.Second)
	if j := e.startJob(conn, "sync"); j["jobId"] != float64(2) {
		t.Fatalf("after the first ended: %v", j)
	}
}

// TestResetCancelsTheActiveJob: the resetConnection signal cancels the
// running job and the reset runs next; no reset is refused because of
// another job
// (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/kotlin/io/airbyte/workers/temporal/scheduling/ConnectionManagerWorkflowImpl.kt,
// resetConnection).
func TestResetCancelsTheActiveJob(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 100 * time.Second})
	conn := e.newConnection(stripe, nil)
	sync := e.startJob(conn, "sync")
	e.clock.Add(30 * time.Second)
	reset := e.startJob(conn, "reset")
	if reset["status"] != "pending" || reset["jobType"] != "reset" {
		t.Fatalf("reset %v", reset)
	}
	old := e.getJob(sync["jobId"])
	if old["status"] != "cancelled" || old["lastUpdatedAt"] != "2024-05-01T12:00:30Z" || old["rowsSynced"].(float64) <= 0 {
		t.Fatalf("the sync was not cancelled: %v", old)
	}
	e.clock.Add(30 * time.Second)
	clear := e.startJob(conn, "clear")
	if got := e.getJob(reset["jobId"])["status"]; got != "cancelled" || clear["jobType"] != "reset" {
		t.Fatalf("a clear over a running reset: %v, %v", got, clear)
	}
}

// TestResetOfConnectionWithoutStreams: with no streams there are no
// stream_reset rows, so the job the workflow creates is a sync
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/SchedulerHandler.kt, createJob).
func TestResetOfConnectionWithoutStreams(t *testing.T) {
	e := newEnv(t, Options{Seed: 9})
	conn := e.newConnection(postgres, nil) // nothing suggested: no stream selected
	if j := e.startJob(conn, "reset"); j["jobType"] != "sync" {
		t.Fatalf("reset of a connection without streams: %v", j)
	}
}

// TestResetOfInactiveConnection: a reset has no status check; its first
// attempt clears the state, then the sync workflow sees the connection
// inactive and the job ends cancelled. Its stream_reset rows stay, so the
// next job is a reset again
// (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/kotlin/io/airbyte/workers/temporal/sync/SyncWorkflowV2Impl.kt;
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/AttemptHandler.kt).
func TestResetOfInactiveConnection(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{
		{"name": "customers", "syncMode": "incremental_append"}}}})
	e.startJob(conn, "sync")
	e.clock.Add(time.Minute)
	e.setStatus(conn, "inactive")
	reset := e.startJob(conn, "reset")
	e.clock.Add(5 * time.Second)
	j := e.getJob(reset["jobId"])
	if j["status"] != "cancelled" || j["lastUpdatedAt"] != "2024-05-01T12:01:01Z" {
		t.Fatalf("reset of an inactive connection %v", j)
	}
	if st := e.expect(e.config("/state/get", map[string]any{"connectionId": conn}), 200).json(t); st["stateType"] != "not_set" {
		t.Fatalf("state after the cancelled reset %v", st)
	}
	e.setStatus(conn, "active")
	if next := e.startJob(conn, "sync"); next["jobType"] != "reset" {
		t.Fatalf("the sync after a cancelled reset: %v", next)
	}
	e.clock.Add(time.Minute)
	if next := e.startJob(conn, "sync"); next["jobType"] != "sync" {
		t.Fatalf("the sync after a finished reset: %v", next)
	}
}

// TestResetOfDeletedConnection: the connection's workflow is deleted, the
// reset signal fails and the IllegalStateException becomes state-conflict
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-temporal/src/main/kotlin/io/airbyte/commons/temporal/TemporalClient.kt, resetConnection).
func TestResetOfDeletedConnection(t *testing.T) {
	e := newEnv(t, Options{Seed: 9})
	conn := e.newConnection(stripe, nil)
	j := e.startJob(conn, "sync")
	e.expect(e.call("DELETE", "/connections/"+conn, nil), 204)
	if got := e.getJob(j["jobId"])["status"]; got != "cancelled" {
		t.Fatalf("job of the deleted connection %v", got)
	}
	for _, typ := range []string{"sync", "reset", "clear"} {
		e.expectConflict(e.call("POST", "/jobs", map[string]any{"connectionId": conn, "jobType": typ}), "state-conflict", conflictMessage)
	}
}

// TestCancelJob: DELETE signals the job's connection: its running job is
// cancelled, a pending one is left to run, and the requested job comes back
// as it is, without figures; a job of a deleted connection cannot be
// cancelled
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/SchedulerHandler.kt,
// submitCancellationToWorker).
func TestCancelJob(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 100 * time.Second})
	conn := e.newConnection(stripe, nil)
	cancel := func(id any) map[string]any {
		return e.expect(e.call("DELETE", fmt.Sprintf("/jobs/%v", id), nil), 200).json(t)
	}
	first := e.startJob(conn, "sync")["jobId"]
	if j := cancel(first); j["status"] != "pending" {
		t.Fatalf("cancelling a pending job: %v", j)
	}
	e.clock.Add(50 * time.Second)
	j := cancel(first)
	want := map[string]any{"jobId": first, "status": "cancelled", "jobType": "sync", "startTime": "2024-05-01T12:00Z",
		"connectionId": conn, "lastUpdatedAt": "2024-05-01T12:00:50Z", "duration": "PT50S"}
	if !reflect.DeepEqual(j, want) {
		t.Fatalf("cancelled job\n got %v\nwant %v", j, want)
	}
	if got := e.getJob(first); got["rowsSynced"].(float64) <= 0 {
		t.Fatalf("a cancelled job keeps what it committed: %v", got)
	}
	e.clock.Add(time.Minute)
	if again := cancel(first); !reflect.DeepEqual(again, want) {
		t.Fatalf("cancelling an ended job: %v", again)
	}

	// Cancelling the ended job cancels the connection's running one.
	second := e.startJob(conn, "sync")["jobId"]
	e.clock.Add(20 * time.Second)
	cancel(first)
	if got := e.getJob(second)["status"]; got != "cancelled" {
		t.Fatalf("the running job after cancelling an ended one: %v", got)
	}

	e.expect(e.call("DELETE", "/connections/"+conn, nil), 204)
	e.expectConflict(e.call("DELETE", fmt.Sprintf("/jobs/%v", first), nil), "state-conflict", conflictMessage)
}

// TestUnknownJobIDs: the role check answers 403 naming the role each
// endpoint requires; an instance admin passes it and meets "Could not find
// job with id", which the public API maps to state-conflict
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/controllers/JobsController.kt;
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/errorHandlers/ConfigClientErrorHandler.kt).
func TestUnknownJobIDs(t *testing.T) {
	const missing = "00000000-0000-4000-8000-000000000000"
	cases := []struct {
		method, path string
		body         any
		denied       string
	}{
		{"GET", "/jobs/999", nil, readerDenied},
		{"DELETE", "/jobs/999", nil, runnerDenied},
		{"POST", "/jobs", map[string]any{"connectionId": missing, "jobType": "sync"}, editorsDenied},
		{"POST", "/jobs", map[string]any{"connectionId": missing, "jobType": "clear"}, editorsDenied},
	}
	e := newEnv(t, Options{Seed: 1})
	for _, c := range cases {
		r := e.expect(e.call(c.method, c.path, c.body), 403)
		if r.json(t)["title"] != "forbidden" || r.message(t) != c.denied {
			t.Errorf("%s %s: %s", c.method, c.path, r.body)
		}
	}
	admin := newEnv(t, Options{Seed: 1, UnknownIDStatus: 404})
	admin.expectConflict(admin.call("GET", "/jobs/999", nil), "state-conflict", jobNotRunning)
	admin.expectConflict(admin.call("DELETE", "/jobs/999", nil), "state-conflict", jobNotRunning)
	admin.expect(admin.call("POST", "/jobs", cases[2].body), 404)
	if data := admin.expect(admin.call("GET", "/jobs?connectionId="+missing, nil), 200).json(t)["data"].([]any); len(data) != 0 {
		t.Fatalf("jobs of an unknown connection: %v", data)
	}
}

// TestListJobs: filters, inclusive bounds, the default createdAt|ASC order
// and orderBy found anywhere in the parameter
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/helpers/JobsHelper.kt).
func TestListJobs(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	a := e.newConnection(stripe, nil)
	b := e.newConnection(mysql, nil)
	for range 3 {
		e.startJob(a, "sync")
		e.startJob(b, "sync")
		e.clock.Add(time.Minute)
	}
	e.startJob(a, "reset") // job 7, still pending

	ids := func(query string) []int {
		body := e.expect(e.call("GET", "/jobs"+query, nil), 200).json(t)
		var out []int
		for _, j := range body["data"].([]any) {
			out = append(out, int(j.(map[string]any)["jobId"].(float64)))
		}
		return out
	}
	cases := []struct {
		query string
		want  []int
	}{
		{"", []int{1, 2, 3, 4, 5, 6, 7}},
		{"?connectionId=" + a, []int{1, 3, 5, 7}},
		{"?connectionId=" + a + "&orderBy=createdAt%7CDESC", []int{7, 5, 3, 1}},
		{"?connectionId=" + a + "&orderBy=updatedAt%7CASC", []int{1, 3, 5, 7}},
		{"?connectionId=" + a + "&orderBy=CREATEDAT%7CDESCENDING", []int{7, 5, 3, 1}},
		{"?connectionId=" + a + "&orderBy=x%2CcreatedAt%7CDESC%7Cy", []int{7, 5, 3, 1}},
		{"?connectionId=" + a + "&jobType=reset", []int{7}},
		{"?connectionId=" + a + "&jobType=clear", nil},
		{"?connectionId=" + a + "&status=pending", []int{7}},
		{"?status=succeeded&workspaceIds=" + e.ws(1).WorkspaceID, []int{2, 4, 6}},
		{"?createdAtStart=2024-05-01T12:01:00Z&createdAtEnd=2024-05-01T12:02:00Z", []int{3, 4, 5, 6}},
		{"?updatedAtStart=2024-05-01T12:01:10Z&updatedAtEnd=2024-05-01T12:02:10Z", []int{3, 4, 5, 6}},
		{"?connectionId=" + a + "&limit=2&offset=1", []int{3, 5}},
	}
	for _, tc := range cases {
		if got := ids(tc.query); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	body := e.expect(e.call("GET", "/jobs?connectionId="+a+"&jobType=sync&limit=2&orderBy=createdAt%7CDESC", nil), 200).json(t)
	if want := e.info.ServerURL + "/jobs?jobType=sync&connectionId=" + a + "&limit=2&offset=2"; body["next"] != want || body["previous"] != "" {
		t.Fatalf("links %v %v", body["previous"], body["next"])
	}
	for _, bad := range []string{"createdAt", "createdAt|asc", "name|ASC", "created_at|ASC"} {
		r := e.expect(e.call("GET", "/jobs?orderBy="+bad, nil), 400)
		if r.message(t) != "Invalid order by clause provided: "+bad {
			t.Errorf("orderBy %q: %s", bad, r.body)
		}
	}
	e.expect(e.call("GET", "/jobs?status=queuedx", nil), 400)
	e.expect(e.call("GET", "/jobs?limit=0", nil), 400)
}

// TestRunningJobsUpdatedAt: a running job's updatedAt is the start of its
// attempt, for ordering and filtering too
// (airbytehq/airbyte-platform@310e6cb: airbyte-persistence/job-persistence/src/main/kotlin/io/airbyte/persistence/job/DefaultJobPersistence.kt).
func TestRunningJobsUpdatedAt(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 100 * time.Second})
	a := e.newConnection(stripe, nil)
	b := e.newConnection(stripe, nil)
	e.startJob(a, "sync") // running from 12:00:01
	e.clock.Add(5 * time.Second)
	e.startJob(b, "sync") // running from 12:00:06
	e.clock.Add(time.Minute)
	body := e.expect(e.call("GET", "/jobs?orderBy=updatedAt%7CDESC&updatedAtEnd=2024-05-01T12:00:03Z", nil), 200).json(t)
	if data := body["data"].([]any); len(data) != 1 || data[0].(map[string]any)["jobId"] != float64(1) {
		t.Fatalf("jobs updated by 12:00:03: %v", data)
	}
}

// TestJavaFormats: times and durations as Java's OffsetDateTime and Duration
// print them (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/mappers/JobResponseMapper.kt),
// and the complete-failure back-off
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-temporal/src/main/kotlin/io/airbyte/commons/temporal/scheduling/retries/BackoffPolicy.kt).
func TestJavaFormats(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2024, 5, 1, 12, 34, 56, 0, time.UTC), "2024-05-01T12:34:56Z"},
		{time.Date(2024, 5, 1, 12, 34, 0, 0, time.UTC), "2024-05-01T12:34Z"},
		{time.Date(2024, 5, 1, 12, 34, 0, 500, time.UTC), "2024-05-01T12:34Z"},
	} {
		if got := javaTime(tc.t); got != tc.want {
			t.Errorf("javaTime = %s, want %s", got, tc.want)
		}
	}
	for secs, want := range map[int64]string{0: "PT0S", 7: "PT7S", 307: "PT5M7S", 3600: "PT1H", 29172: "PT8H6M12S", 172800: "PT48H"} {
		if got := javaDuration(secs); got != want {
			t.Errorf("javaDuration(%d) = %s, want %s", secs, got, want)
		}
	}
	for n, want := range map[int]time.Duration{1: 10 * time.Second, 2: 30 * time.Second, 4: 270 * time.Second, 7: 30 * time.Minute} {
		if got := completeFailureBackoff(n); got != want {
			t.Errorf("completeFailureBackoff(%d) = %s, want %s", n, got, want)
		}
	}
}
