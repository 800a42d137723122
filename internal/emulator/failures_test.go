package emulator

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func failuresOf(t *testing.T, a map[string]any) (summary map[string]any, first map[string]any) {
	t.Helper()
	fs, ok := a["failureSummary"].(map[string]any)
	if !ok {
		t.Fatalf("attempt without failure summary: %v", a)
	}
	return fs, fs["failures"].([]any)[0].(map[string]any)
}

// TestRetryableFailureEndsAtTheRetryLimit: a system_error is retried, so
// failing attempts end the job only at a retry limit. With the complete
// failure limit at 3 (SYNC_JOB_RETRIES_COMPLETE_FAILURES_MAX_SUCCESSIVE=3),
// three failing attempts fail the job after exactly three attempts; with the
// default limit of 5 the fourth attempt runs and succeeds
// (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/kotlin/io/airbyte/workers/temporal/scheduling/ConnectionManagerWorkflowImpl.kt,
// reportFailure; airbyte-commons-temporal/src/main/kotlin/io/airbyte/commons/temporal/scheduling/retries/RetryManager.kt;
// airbyte-workers/src/main/resources/application.yml).
func TestRetryableFailureEndsAtTheRetryLimit(t *testing.T) {
	failure := SyncFailure{FailureType: "system_error", Message: "orders: upstream API answered 500", Stream: "customers", Attempts: 3}
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second, SyncRetries: RetryLimits{MaxSuccessiveCompleteFailures: 3}})
	conn := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{{"name": "customers"}}}})
	if err := e.emu.FailNextSyncWith(conn, failure); err != nil {
		t.Fatal(err)
	}
	id := e.startJob(conn, "sync")["jobId"]
	e.clock.Add(time.Hour)
	e.token = e.login()
	info := e.jobInfo(id)
	attempts := attemptsOf(t, info)
	if info["job"].(map[string]any)["status"] != "failed" || len(attempts) != 3 {
		t.Fatalf("job %v with %d attempts, want failed after 3", info["job"], len(attempts))
	}
	for i, a := range attempts {
		fs, f := failuresOf(t, a)
		want := map[string]any{"failureOrigin": "source", "failureType": "system_error", "externalMessage": failure.Message,
			"internalMessage": "emulated system_error", "timestamp": a["endedAt"].(float64) * 1000}
		if !reflect.DeepEqual(f, want) || fs["partialSuccess"] != false || a["totalStats"] != nil {
			t.Fatalf("attempt %d failure %v (summary %v)\nwant %v, no streamDescriptor, no retryable, no figures", i, f, fs, want)
		}
	}
	// Back-off: 10 s after the first failure, 30 s after the second.
	if gap := attempts[1]["createdAt"].(float64) - attempts[0]["endedAt"].(float64); gap != 10 {
		t.Errorf("first back-off %v s, want 10", gap)
	}
	if gap := attempts[2]["createdAt"].(float64) - attempts[1]["endedAt"].(float64); gap != 30 {
		t.Errorf("second back-off %v s, want 30", gap)
	}
	st := e.connectionStatuses(conn)[0].(map[string]any)
	if st["connectionSyncStatus"] != "incomplete" || st["lastSyncAttemptNumber"] != float64(2) ||
		st["failureReason"].(map[string]any)["externalMessage"] != failure.Message {
		t.Fatalf("status after the failed job %v", st)
	}

	def := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn = def.newConnection(stripe, nil)
	if err := def.emu.FailNextSyncWith(conn, SyncFailure{FailureType: "transient_error", Attempts: 3}); err != nil {
		t.Fatal(err)
	}
	id = def.startJob(conn, "sync")["jobId"]
	def.clock.Add(time.Hour)
	def.token = def.login()
	info = def.jobInfo(id)
	if attempts := attemptsOf(t, info); info["job"].(map[string]any)["status"] != "succeeded" || len(attempts) != 4 {
		t.Fatalf("default limits: %v with %d attempts, want succeeded at the fourth", info["job"], len(attempts))
	}
}

// TestConfigErrorIsNotRetried: a config_error ends the job after its
// attempt whatever the origin, and connections/status reports the
// connection failed with that reason
// (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/kotlin/io/airbyte/workers/temporal/scheduling/ConnectionManagerWorkflowImpl.kt,
// reportFailure; airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt).
func TestConfigErrorIsNotRetried(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(stripe, nil)
	e.expect(e.call("POST", srvAdmin(e, "/connections/"+conn+"/fail-next-sync"),
		map[string]any{"failure_origin": "destination", "failure_type": "config_error", "message": "Bad credentials"}), 204)
	id := e.startJob(conn, "sync")["jobId"]
	e.clock.Add(time.Hour)
	e.token = e.login()
	info := e.jobInfo(id)
	attempts := attemptsOf(t, info)
	if info["job"].(map[string]any)["status"] != "failed" || len(attempts) != 1 {
		t.Fatalf("job %v with %d attempts, want failed after 1", info["job"], len(attempts))
	}
	if _, f := failuresOf(t, attempts[0]); f["failureOrigin"] != "destination" || f["failureType"] != "config_error" || f["externalMessage"] != "Bad credentials" {
		t.Fatalf("failure %v", f)
	}
	st := e.connectionStatuses(conn)[0].(map[string]any)
	if st["connectionSyncStatus"] != "failed" || st["failureReason"].(map[string]any)["externalMessage"] != "Bad credentials" {
		t.Fatalf("status %v", st)
	}
}

// TestPartialFailures: an attempt that commits records before failing has
// its figures and partialSuccess true, counts as a partial failure (no
// back-off: the next attempt starts at once) and the job's figures add up
// its attempts'. The partial failure limit ends the job
// (airbytehq/airbyte-platform@310e6cb: airbyte-workers/src/main/kotlin/io/airbyte/workers/temporal/scheduling/ConnectionManagerWorkflowImpl.kt,
// getFailStatus; airbyte-workers/src/main/kotlin/io/airbyte/workers/helpers/ProgressCheckerPredicates.kt;
// airbyte-workers/src/main/kotlin/io/airbyte/workers/helpers/RetryStateClient.kt, which gives partial failures no back-off policy).
func TestPartialFailures(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{
		{"name": "customers"}, {"name": "invoices"}}}})
	if err := e.emu.FailNextSyncWith(conn, SyncFailure{FailureType: "system_error", Attempts: 2, PartialSuccess: true}); err != nil {
		t.Fatal(err)
	}
	id := e.startJob(conn, "sync")["jobId"]
	e.clock.Add(time.Minute)
	info := e.jobInfo(id)
	attempts := attemptsOf(t, info)
	if info["job"].(map[string]any)["status"] != "succeeded" || len(attempts) != 3 {
		t.Fatalf("job %v with %d attempts, want succeeded at the third", info["job"], len(attempts))
	}
	var sum float64
	for i, a := range attempts {
		total := a["totalStats"].(map[string]any)
		if total["recordsCommitted"].(float64) <= 0 || a["recordsSynced"] != total["recordsCommitted"] || len(a["streamStats"].([]any)) != 2 {
			t.Fatalf("attempt %d has no committed figures: %v", i, a)
		}
		if _, bad := total["bytesCommitted"]; bad {
			t.Fatalf("attempt %d stats carry bytesCommitted, which JobConverter does not copy: %v", i, total)
		}
		sum += total["recordsCommitted"].(float64)
		if i == 2 {
			break
		}
		if fs, _ := failuresOf(t, a); fs["partialSuccess"] != true {
			t.Fatalf("attempt %d summary %v, want partialSuccess true", i, fs)
		}
		if next := attempts[i+1]["createdAt"]; next != a["endedAt"] {
			t.Fatalf("attempt %d ended at %v, next started at %v; want no back-off", i, a["endedAt"], next)
		}
	}
	if rows := e.getJob(id)["rowsSynced"]; rows != sum {
		t.Fatalf("job rowsSynced %v, want the attempts' sum %v", rows, sum)
	}

	limited := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second, SyncRetries: RetryLimits{MaxTotalPartialFailures: 2}})
	conn = limited.newConnection(stripe, nil)
	if err := limited.emu.FailNextSyncWith(conn, SyncFailure{FailureType: "heartbeat_timeout", Attempts: 2, PartialSuccess: true}); err != nil {
		t.Fatal(err)
	}
	id = limited.startJob(conn, "sync")["jobId"]
	limited.clock.Add(time.Minute)
	if j := limited.getJob(id); j["status"] != "failed" || j["rowsSynced"].(float64) <= 0 {
		t.Fatalf("two partial failures at a limit of 2: %v, want failed with the committed rows", j)
	}
}

// TestFailNextSyncValidation: the admin body's values are checked against
// the FailureOrigin and FailureType enums and the connection's streams.
func TestFailNextSyncValidation(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{{"name": "customers"}}}})
	path := srvAdmin(e, "/connections/"+conn+"/fail-next-sync")
	for _, tc := range []struct {
		body any
		want string
	}{
		{map[string]any{"failure_origin": "sourcee"}, `unknown failure_origin "sourcee"`},
		{map[string]any{"failure_type": "oops"}, `unknown failure_type "oops"`},
		{map[string]any{"failure_type": "manual_cancellation"}, "cancel the job instead"},
		{map[string]any{"attempts": -2}, "attempts is -2"},
		{map[string]any{"failure_type": "config_error", "attempts": 3}, "a config_error is not retried"},
		{map[string]any{"failure_type": "system_error", "stream": "invoices"}, `has no stream "invoices"`},
		{map[string]any{"failure_type": "system_error", "stream": "customers", "stream_namespace": "public"}, `has no stream "customers" (namespace "public")`},
		{map[string]any{"failure_typo": "system_error"}, `unknown field "failure_typo"`},
		{`{"attempts": "3"}`, "cannot unmarshal"},
	} {
		msg := e.expect(e.call("POST", path, tc.body), 400).json(t)["message"].(string)
		if !strings.Contains(msg, tc.want) {
			t.Errorf("body %v: message %q, want it to say %q", tc.body, msg, tc.want)
		}
	}
	e.expect(e.call("POST", srvAdmin(e, "/connections/00000000-0000-4000-8000-000000000000/fail-next-sync"), map[string]any{}), 404)
	if err := e.emu.FailNextSyncWith(conn, SyncFailure{FailureOrigin: "nowhere"}); !errors.Is(err, ErrInvalidFailure) {
		t.Fatalf("Go API error %v, want ErrInvalidFailure", err)
	}

	// {"attempts": 0} cancels a plan; no body plans a config_error.
	e.expect(e.call("POST", path, map[string]any{"failure_type": "system_error", "attempts": 2}), 204)
	e.expect(e.call("POST", path, map[string]any{"attempts": 0}), 204)
	id := e.startJob(conn, "sync")["jobId"]
	e.clock.Add(time.Minute)
	if j := e.getJob(id); j["status"] != "succeeded" {
		t.Fatalf("after cancelling the plan: %v", j)
	}
	e.expect(e.call("POST", path, nil), 204)
	id = e.startJob(conn, "sync")["jobId"]
	e.clock.Add(time.Minute)
	if a := attemptsOf(t, e.jobInfo(id)); len(a) != 1 || fmt.Sprint(a[0]["failureSummary"]) == "" {
		t.Fatalf("no body: %v", a)
	} else if _, f := failuresOf(t, a[0]); f["failureType"] != "config_error" {
		t.Fatalf("no body planned %v, want a config_error", f)
	}
}
