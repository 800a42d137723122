package emulator

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// streamStateNames lists the streams in the connection's stream state.
func (e *env) streamStateNames(conn string) []string {
	e.t.Helper()
	st := e.expect(e.config("/state/get", map[string]any{"connectionId": conn}), 200).json(e.t)
	names := []string{}
	list, _ := st["streamState"].([]any)
	for _, s := range list {
		names = append(names, s.(map[string]any)["streamDescriptor"].(map[string]any)["name"].(string))
	}
	return names
}

func streamsBody(conn string, names ...string) map[string]any {
	streams := []map[string]any{}
	for _, n := range names {
		streams = append(streams, map[string]any{"streamName": n})
	}
	return map[string]any{"connectionId": conn, "streams": streams}
}

func descriptors(names ...string) []any {
	out := []any{}
	for _, n := range names {
		out = append(out, map[string]any{"name": n})
	}
	return out
}

// twoIncrementalStreams is a connection whose two streams both keep state
// after a sync.
func (e *env) twoIncrementalStreams() string {
	e.t.Helper()
	conn := e.newConnection(stripe, map[string]any{"configurations": map[string]any{"streams": []map[string]any{
		{"name": "customers", "syncMode": "incremental_append"}, {"name": "invoices", "syncMode": "incremental_append"}}}})
	e.startJob(conn, "sync")
	e.clock.Add(time.Minute)
	if got := e.streamStateNames(conn); len(got) != 2 {
		e.t.Fatalf("state after the first sync: %v", got)
	}
	return conn
}

// TestResetAndClearOfSomeStreams: reset/stream and clear/stream start a
// reset_connection job of the given streams only (clear is the same
// handler); it deletes only their state when its first attempt starts, and
// the public API calls it a reset
// (airbytehq/airbyte-platform@310e6cb: airbyte-server/src/main/kotlin/io/airbyte/server/apis/controllers/ConnectionApiController.kt;
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/SchedulerHandler.kt, resetConnectionStream;
// airbyte-config/config-models/src/main/java/io/airbyte/config/helpers/CatalogTransforms.kt;
// airbyte-server/src/main/kotlin/io/airbyte/server/apis/publicapi/mappers/JobResponseMapper.kt).
func TestResetAndClearOfSomeStreams(t *testing.T) {
	for _, path := range []string{"/connections/reset/stream", "/connections/clear/stream"} {
		e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
		conn := e.twoIncrementalStreams()
		info := e.expect(e.config(path, streamsBody(conn, "customers")), 200).json(t)
		job := info["job"].(map[string]any)
		want := map[string]any{"id": job["id"], "configType": "reset_connection", "configId": conn, "enabledStreams": descriptors("customers"),
			"resetConfig": map[string]any{"streamsToReset": descriptors("customers")}, "status": "pending",
			"createdAt": job["createdAt"], "updatedAt": job["createdAt"]}
		if !reflect.DeepEqual(job, want) || len(info["attempts"].([]any)) != 0 {
			t.Fatalf("%s: %v\nwant job %v and no attempts", path, info, want)
		}
		if pub := e.getJob(job["id"]); pub["jobType"] != "reset" {
			t.Fatalf("%s: public job %v, want jobType reset", path, pub)
		}
		e.clock.Add(2 * time.Second)
		if got := e.streamStateNames(conn); !reflect.DeepEqual(got, []string{"invoices"}) {
			t.Fatalf("%s: state while the reset runs %v, want invoices' only", path, got)
		}
		e.clock.Add(time.Minute)
		if got := e.jobInfo(job["id"])["job"].(map[string]any)["status"]; got != "succeeded" {
			t.Fatalf("%s: reset ended %v", path, got)
		}
	}
}

// TestResetStreamsAreNotChecked: the streams are taken as given: one the
// connection lacks is listed in streamsToReset but not in enabledStreams;
// an empty list means every stream; a running sync is cancelled for the
// reset (SchedulerHandler.submitResetConnectionStreamsToWorker,
// TemporalClient.resetConnection).
func TestResetStreamsAreNotChecked(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.twoIncrementalStreams()
	sync := e.startJob(conn, "sync")
	e.clock.Add(2 * time.Second)
	info := e.expect(e.config("/connections/reset/stream", streamsBody(conn, "invoices", "no_such_stream")), 200).json(t)
	job := info["job"].(map[string]any)
	if !reflect.DeepEqual(job["enabledStreams"], descriptors("invoices")) ||
		!reflect.DeepEqual(job["resetConfig"], map[string]any{"streamsToReset": descriptors("invoices", "no_such_stream")}) {
		t.Fatalf("reset with an unknown stream: %v", job)
	}
	if got := e.getJob(sync["jobId"])["status"]; got != "cancelled" {
		t.Fatalf("the running sync is %v, want cancelled by the reset", got)
	}
	e.clock.Add(time.Minute)
	info = e.expect(e.config("/connections/clear/stream", streamsBody(conn)), 200).json(t)
	if job := info["job"].(map[string]any); !reflect.DeepEqual(job["enabledStreams"], descriptors("customers", "invoices")) {
		t.Fatalf("empty stream list: %v, want every stream", job)
	}
	e.expect(e.config("/connections/reset/stream", map[string]any{"connectionId": conn}), 422)
	e.expect(e.config("/connections/reset/stream", map[string]any{"connectionId": conn, "streams": []map[string]any{{"streamNamespace": "x"}}}), 422)
}

// TestResetAndClearOfEveryStream: connections/reset and connections/clear
// reset every stream; a deleted connection's workflow refuses the signal
// and the IllegalStateException is a 500; an unknown id fails the role
// check (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/SchedulerHandler.kt,
// readJobFromResult; airbyte-server/src/main/kotlin/io/airbyte/server/apis/ApiHelper.kt).
func TestResetAndClearOfEveryStream(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.twoIncrementalStreams()
	for _, path := range []string{"/connections/reset", "/connections/clear"} {
		info := e.expect(e.config(path, map[string]any{"connectionId": conn}), 200).json(t)
		job := info["job"].(map[string]any)
		if job["configType"] != "reset_connection" || !reflect.DeepEqual(job["enabledStreams"], descriptors("customers", "invoices")) ||
			!reflect.DeepEqual(job["resetConfig"], map[string]any{"streamsToReset": descriptors("customers", "invoices")}) {
			t.Fatalf("%s: %v", path, job)
		}
		e.clock.Add(time.Minute)
		if got := e.streamStateNames(conn); len(got) != 0 {
			t.Fatalf("%s: state after the reset %v", path, got)
		}
	}
	const missing = "00000000-0000-4000-8000-000000000000"
	e.expect(e.config("/connections/reset", map[string]any{"connectionId": missing}), 403)
	e.expect(e.config("/connections/clear/stream", streamsBody(missing, "customers")), 403)
	e.expect(e.config("/connections/reset", map[string]any{}), 422)
	e.expect(e.call("DELETE", "/connections/"+conn, nil), 204)
	if m := e.expect(e.config("/connections/clear", map[string]any{"connectionId": conn}), 500).json(t); m["errorId"] == nil {
		t.Fatalf("500 body %v", m)
	}
	admin := newEnv(t, Options{Seed: 9, UnknownIDStatus: 404})
	admin.expect(admin.config("/connections/reset", map[string]any{"connectionId": missing}), 404)
}

// TestRefreshOfSomeStreams: connections/refresh writes stream_refreshes
// rows and starts a run, which becomes a refresh job: enabledStreams are
// every stream of the connection, refreshConfig the refreshed ones; its
// first attempt deletes the refreshed streams' state, whatever the mode;
// the public API calls it a refresh
// (airbytehq/airbyte-platform@310e6cb: airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/StreamRefreshesHandler.kt;
// airbyte-persistence/job-persistence/src/main/kotlin/io/airbyte/persistence/job/DefaultJobCreator.kt, createRefreshConnection;
// airbyte-commons-server/src/main/kotlin/io/airbyte/commons/server/handlers/AttemptHandler.kt, updateGenerationAndStateForFirstAttempt).
func TestRefreshOfSomeStreams(t *testing.T) {
	for _, mode := range []string{"Truncate", "Merge"} {
		e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
		conn := e.twoIncrementalStreams()
		body := streamsBody(conn, "customers")
		body["refreshMode"] = mode
		job := e.expect(e.config("/connections/refresh", body), 200).json(t)["job"].(map[string]any)
		if job["configType"] != "refresh" || job["status"] != "pending" || job["resetConfig"] != nil ||
			!reflect.DeepEqual(job["enabledStreams"], descriptors("customers", "invoices")) ||
			!reflect.DeepEqual(job["refreshConfig"], map[string]any{"streamsToRefresh": descriptors("customers")}) {
			t.Fatalf("%s: refresh job %v", mode, job)
		}
		if pub := e.getJob(job["id"]); pub["jobType"] != "refresh" {
			t.Fatalf("%s: public job %v", mode, pub)
		}
		e.clock.Add(2 * time.Second)
		if got := e.streamStateNames(conn); !reflect.DeepEqual(got, []string{"invoices"}) {
			t.Fatalf("%s: state while the refresh runs %v", mode, got)
		}
		e.clock.Add(time.Minute)
		if got := e.streamStateNames(conn); len(got) != 2 {
			t.Fatalf("%s: state after the refresh %v, want both streams again", mode, got)
		}
		// The rows were used up: the next run is a sync.
		if next := e.startJob(conn, "sync"); next["jobType"] != "sync" {
			t.Fatalf("%s: run after the refresh %v", mode, next)
		}
	}
}

// TestRefreshWhileAJobRuns: with a job running no run can start, so the
// answer has no job; the rows stay and the next run is the refresh
// (TemporalClient.startNewManualSync, SchedulerHandler.createJob).
func TestRefreshWhileAJobRuns(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.twoIncrementalStreams()
	e.startJob(conn, "sync")
	e.clock.Add(2 * time.Second)
	body := map[string]any{"connectionId": conn, "refreshMode": "Truncate"}
	if got := e.expect(e.config("/connections/refresh", body), 200).json(t); len(got) != 0 {
		t.Fatalf("refresh while a sync runs: %v, want {}", got)
	}
	e.clock.Add(time.Minute)
	next := e.startJob(conn, "sync")
	job := e.jobInfo(next["jobId"])["job"].(map[string]any)
	if next["jobType"] != "refresh" || !reflect.DeepEqual(job["refreshConfig"], map[string]any{"streamsToRefresh": descriptors("customers", "invoices")}) {
		t.Fatalf("next run %v / %v, want a refresh of every stream", next, job)
	}
	e.expect(e.config("/connections/refresh", map[string]any{"connectionId": conn, "refreshMode": "Replace"}), 422)
	e.expect(e.config("/connections/refresh", map[string]any{"connectionId": conn}), 422)
	e.expect(e.config("/connections/refresh", map[string]any{"connectionId": "00000000-0000-4000-8000-000000000000", "refreshMode": "Merge"}), 403)
}

// TestFailNextSyncAppliesToRefresh: a planned failure is taken by the next
// job that reads from the source, a refresh included.
func TestFailNextSyncAppliesToRefresh(t *testing.T) {
	e := newEnv(t, Options{Seed: 9, JobDuration: 10 * time.Second})
	conn := e.twoIncrementalStreams()
	if err := e.emu.FailNextSync(conn); err != nil {
		t.Fatal(err)
	}
	job := e.expect(e.config("/connections/refresh", map[string]any{"connectionId": conn, "refreshMode": "Merge"}), 200).json(t)["job"].(map[string]any)
	e.clock.Add(time.Minute)
	if got := e.getJob(job["id"]); got["status"] != "failed" {
		t.Fatalf("refresh %v, want failed", got)
	}
	if got := fmt.Sprint(e.emu.Snapshot().Connections[0].FailNextSync); got != "false" {
		t.Fatalf("plan left after the refresh took it: %v", got)
	}
}
