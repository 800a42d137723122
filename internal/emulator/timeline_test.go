package emulator

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func (e *env) connectionEvents(body map[string]any) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	for _, ev := range e.expect(e.config("/connections/events/list", body), 200).json(e.t)["events"].([]any) {
		out = append(out, ev.(map[string]any))
	}
	return out
}

func eventTypesOf(events []map[string]any) []string {
	out := []string{}
	for _, ev := range events {
		out = append(out, ev["eventType"].(string))
	}
	return out
}

// TestTimelineFailedSyncNamesItsStream: a job that fails writes a
// SYNC_FAILED event whose summary holds the job's figures and the first
// failure reason of its last attempt in the config model's shape, stream
// descriptor and metadata included, while jobs/get leaves the stream out; a
// manual sync also wrote SYNC_STARTED, and the newest event comes first
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/helpers/ConnectionTimelineEventHelper.kt,
// logJobFailureEventInConnectionTimeline; airbyte-data/src/main/kotlin/io/airbyte/data/services/shared/FailedEvent.kt;
// airbyte-data/src/main/kotlin/io/airbyte/data/repositories/ConnectionTimelineEventRepository.kt).
func TestTimelineFailedSyncNamesItsStream(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{
		{"name": "customers"}, {"name": "invoices"}}}})
	if err := e.emu.FailNextSyncWith(conn, SyncFailure{Message: "invoices: access denied", Stream: "invoices"}); err != nil {
		t.Fatal(err)
	}
	id := e.startJob(conn, "sync")["jobId"].(float64)
	e.clock.Add(time.Minute)
	events := e.connectionEvents(map[string]any{"connectionId": conn})
	if got := eventTypesOf(events); !reflect.DeepEqual(got, []string{"SYNC_FAILED", "SYNC_STARTED"}) {
		t.Fatalf("event types %v", got)
	}
	failed := events[0]
	if failed["connectionId"] != conn || failed["createdAt"] != float64(1714564810) || failed["id"] == events[1]["id"] {
		t.Fatalf("failed event %v", failed)
	}
	if _, ok := failed["user"]; ok {
		t.Fatalf("event with a user: %v", failed)
	}
	wantReason := map[string]any{"failureOrigin": "source", "failureType": "config_error", "externalMessage": "invoices: access denied",
		"internalMessage": "emulated config_error", "timestamp": float64(1714564810000),
		"metadata":         map[string]any{"jobId": id, "attemptNumber": float64(0), "from_trace_message": true},
		"streamDescriptor": map[string]any{"name": "invoices"}}
	want := map[string]any{"jobId": id, "startTimeEpochSeconds": float64(1714564800), "endTimeEpochSeconds": float64(1714564810),
		"bytesLoaded": float64(0), "recordsLoaded": float64(0), "recordsRejected": float64(0), "attemptsCount": float64(1),
		"failureReason": wantReason}
	if !reflect.DeepEqual(failed["summary"], want) {
		t.Fatalf("summary\n got %v\nwant %v", failed["summary"], want)
	}
	started := map[string]any{"jobId": id, "startTimeEpochSeconds": float64(1714564800)}
	if !reflect.DeepEqual(events[1]["summary"], started) || events[1]["createdAt"] != float64(1714564800) {
		t.Fatalf("started event %v, want summary %v", events[1], started)
	}
	_, f := failuresOf(t, attemptsOf(t, e.jobInfo(id))[0])
	if _, ok := f["streamDescriptor"]; ok {
		t.Fatalf("jobs/get sends the stream: %v", f)
	}
}

// TestTimelineIncompleteAndSucceeded: a failed job that loaded bytes is
// SYNC_INCOMPLETE (the job itself is failed); a scheduled-like sync that
// succeeds writes SYNC_SUCCEEDED with the job's committed figures. A
// failure with no failure type (a crash) carries no from_trace_message.
func TestTimelineIncompleteAndSucceeded(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second, SyncRetries: RetryLimits{MaxSuccessivePartialFailures: 1}})
	conn := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{{"name": "customers"}}}})
	if err := e.emu.FailNextSyncWith(conn, SyncFailure{Attempts: 1, PartialSuccess: true}); err != nil {
		t.Fatal(err)
	}
	failedID := e.startJob(conn, "sync")["jobId"]
	e.clock.Add(time.Minute)
	if st := e.getJob(failedID)["status"]; st != "failed" {
		t.Fatalf("job %v, want failed", st)
	}
	okID := e.startJob(conn, "sync")["jobId"]
	e.clock.Add(time.Minute)
	job := e.getJob(okID)
	events := e.connectionEvents(map[string]any{"connectionId": conn, "eventTypes": []string{"SYNC_INCOMPLETE", "SYNC_SUCCEEDED"}})
	if got := eventTypesOf(events); !reflect.DeepEqual(got, []string{"SYNC_SUCCEEDED", "SYNC_INCOMPLETE"}) {
		t.Fatalf("event types %v", got)
	}
	ok, incomplete := events[0]["summary"].(map[string]any), events[1]["summary"].(map[string]any)
	if ok["jobId"] != okID || ok["recordsLoaded"] != job["rowsSynced"] || ok["bytesLoaded"] != job["bytesSynced"] ||
		ok["attemptsCount"] != float64(1) {
		t.Fatalf("succeeded summary %v for job %v", ok, job)
	}
	if _, has := ok["failureReason"]; has {
		t.Fatalf("succeeded summary with a failure reason: %v", ok)
	}
	reason := incomplete["failureReason"].(map[string]any)
	if incomplete["jobId"] != failedID || incomplete["bytesLoaded"].(float64) <= 0 ||
		!reflect.DeepEqual(reason["metadata"], map[string]any{"jobId": failedID, "attemptNumber": float64(0)}) {
		t.Fatalf("incomplete summary %v", incomplete)
	}
}

// TestTimelineCancelAndReset: cancelling through the API writes
// SYNC_CANCELLED from the job as it was when the request came; a reset
// writes CLEAR_STARTED and CLEAR_SUCCEEDED naming its streams; a reset's
// own cancellation of the running job writes nothing
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/SchedulerHandler.kt,
// submitCancellationToWorker, submitResetConnectionToWorker;
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/converters/JobConverter.kt, getStreamsAssociatedWithJob).
func TestTimelineCancelAndReset(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{{"name": "customers"}}}})
	id := e.startJob(conn, "sync")["jobId"]
	e.clock.Add(5 * time.Second)
	e.expect(e.call("DELETE", fmt.Sprintf("/jobs/%v", id), nil), 200)
	e.startJob(conn, "sync")
	e.clock.Add(5 * time.Second)
	resetID := e.startJob(conn, "reset")["jobId"] // cancels the second sync
	e.clock.Add(time.Minute)
	events := e.connectionEvents(map[string]any{"connectionId": conn})
	want := []string{"CLEAR_SUCCEEDED", "CLEAR_STARTED", "SYNC_STARTED", "SYNC_CANCELLED", "SYNC_STARTED"}
	if got := eventTypesOf(events); !reflect.DeepEqual(got, want) {
		t.Fatalf("event types %v, want %v", got, want)
	}
	cancelled := events[3]["summary"].(map[string]any)
	if cancelled["jobId"] != id || cancelled["endTimeEpochSeconds"] != float64(1714564801) || cancelled["attemptsCount"] != float64(1) ||
		cancelled["recordsLoaded"].(float64) <= 0 {
		t.Fatalf("cancelled summary %v", cancelled)
	}
	streams := []any{map[string]any{"name": "customers"}}
	for _, ev := range events[:2] {
		s := ev["summary"].(map[string]any)
		if s["jobId"] != resetID || !reflect.DeepEqual(s["streams"], streams) {
			t.Fatalf("%s summary %v", ev["eventType"], s)
		}
	}
	if s := events[0]["summary"].(map[string]any); s["bytesLoaded"] != float64(0) {
		t.Fatalf("reset loaded bytes: %v", s)
	}
}

// TestTimelineListAndGet: pagination, the time range, the type filter's
// enum, the role check on an unknown connection (an instance admin gets an
// empty list, since the handler does not look the connection up) and
// events/get, whose details are null and so left out
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/ConnectionsHandler.kt,
// listConnectionEvents, getConnectionEvent).
func TestTimelineListAndGet(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{{"name": "customers"}}}})
	for range 12 {
		e.startJob(conn, "sync")
		e.clock.Add(time.Minute)
	}
	all := e.connectionEvents(map[string]any{"connectionId": conn, "pagination": map[string]any{"pageSize": 100}})
	if len(all) != 24 || len(e.connectionEvents(map[string]any{"connectionId": conn})) != 20 {
		t.Fatalf("%d events, want 24 and a default page of 20", len(all))
	}
	page := e.connectionEvents(map[string]any{"connectionId": conn, "pagination": map[string]any{"pageSize": 5, "rowOffset": 22}})
	if len(page) != 2 || page[1]["id"] != all[23]["id"] {
		t.Fatalf("last page %v", page)
	}
	for i := 1; i < len(all); i++ {
		if all[i]["createdAt"].(float64) > all[i-1]["createdAt"].(float64) {
			t.Fatalf("events not newest first: %v", eventTypesOf(all))
		}
	}
	ranged := e.connectionEvents(map[string]any{"connectionId": conn, "createdAtStart": "2024-05-01T12:01:00Z",
		"createdAtEnd": "2024-05-01T12:01:10Z"})
	if got := eventTypesOf(ranged); !reflect.DeepEqual(got, []string{"SYNC_SUCCEEDED", "SYNC_STARTED"}) {
		t.Fatalf("events in range %v", got)
	}
	e.expect(e.config("/connections/events/list", map[string]any{"connectionId": conn, "eventTypes": []string{"SYNC_RUNNING"}}), 422)
	unknown := "7d0b34f1-7b1a-4d39-9a6f-0d2a1b9c1e11"
	e.expect(e.config("/connections/events/list", map[string]any{"connectionId": unknown}), 403)
	admin := newEnv(t, Options{Seed: 9, UnknownIDStatus: 404})
	if got := admin.connectionEvents(map[string]any{"connectionId": unknown}); len(got) != 0 {
		t.Fatalf("admin sees %v", got)
	}

	got := e.expect(e.config("/connections/events/get", map[string]any{"connectionEventId": all[0]["id"], "connectionId": conn}), 200).json(t)
	if !reflect.DeepEqual(got, all[0]) {
		t.Fatalf("events/get\n got %v\nwant %v", got, all[0])
	}
	e.expect(e.config("/connections/events/get", map[string]any{"connectionEventId": unknown, "connectionId": conn}), 500)
}
