package client

import (
	"context"
	"net/http"
	"testing"
)

func TestGetJobInfo(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeRaw(w, http.StatusOK, "application/json", `{
		  "job": {"id": 42, "configType": "sync", "configId": "`+connID+`", "enabledStreams": [{"name": "users", "namespace": "public"}],
		          "createdAt": 1700000000, "updatedAt": 1700000300, "status": "failed"},
		  "attempts": [{
		    "attempt": {"id": 0, "status": "failed", "createdAt": 1700000000, "updatedAt": 1700000100, "endedAt": 1700000100,
		                "bytesSynced": 2048, "recordsSynced": 10,
		                "totalStats": {"recordsEmitted": 10, "bytesEmitted": 2048, "stateMessagesEmitted": 1, "recordsCommitted": 10},
		                "streamStats": [{"streamName": "users", "stats": {"recordsEmitted": 10, "bytesEmitted": 2048, "stateMessagesEmitted": 1, "recordsCommitted": 10}}],
		                "failureSummary": {"failures": [{"failureOrigin": "source", "failureType": "system_error", "externalMessage": "boom",
		                                                 "internalMessage": "stack", "stacktrace": "at x", "retryable": true, "timestamp": 1700000100000}],
		                                   "partialSuccess": true}},
		    "logType": "formatted", "logs": {"logLines": ["a"]}}]
		}`)
	})
	c := newTestClient(t, srv.root())
	info, err := c.GetJobInfo(context.Background(), 42)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Method != http.MethodPost || r.Path != "/api/v1/jobs/get" || string(r.Body) != `{"id":42}` {
		t.Errorf("request %s %s %s", r.Method, r.Path, r.Body)
	}
	if info.Job.ID != 42 || info.Job.ConfigType != JobConfigTypeSync || info.Job.Status != JobStatusFailed ||
		len(info.Job.EnabledStreams) != 1 || info.Job.EnabledStreams[0] != (StreamDescriptor{Name: "users", Namespace: "public"}) {
		t.Errorf("job = %+v", info.Job)
	}
	if len(info.Attempts) != 1 {
		t.Fatalf("attempts = %+v", info.Attempts)
	}
	a := info.Attempts[0].Attempt
	if a.Status != AttemptStatusFailed || a.EndedAt == nil || *a.EndedAt != 1700000100 || a.RecordsSynced == nil || *a.RecordsSynced != 10 ||
		a.TotalStats == nil || a.TotalStats.RecordsCommitted != 10 || a.TotalStats.BytesCommitted != nil ||
		len(a.StreamStats) != 1 || a.StreamStats[0].StreamName != "users" {
		t.Errorf("attempt = %+v", a)
	}
	fs := a.FailureSummary
	if fs == nil || fs.PartialSuccess == nil || !*fs.PartialSuccess || len(fs.Failures) != 1 {
		t.Fatalf("failure summary = %+v", fs)
	}
	if f := fs.Failures[0]; f.FailureOrigin != "source" || f.FailureType != "system_error" || f.ExternalMessage != "boom" ||
		f.Retryable == nil || !*f.Retryable || f.Timestamp != 1700000100000 || f.StreamDescriptor != nil {
		t.Errorf("failure = %+v", f)
	}
}

func TestGetConnectionStatuses(t *testing.T) {
	const other = "3c1f6a1e-3c0f-4a43-9d0e-7a1b2c3d4e5f"
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeRaw(w, http.StatusOK, "application/json", `[
		  {"connectionId": "`+connID+`", "connectionSyncStatus": "running",
		   "activeJob": {"id": 7, "configType": "sync", "configId": "`+connID+`", "createdAt": 1, "updatedAt": 2, "status": "running"}},
		  {"connectionId": "`+other+`", "connectionSyncStatus": "failed", "lastSuccessfulSync": 1700000000, "lastSyncJobId": 6,
		   "lastSyncAttemptNumber": 0, "failureReason": {"failureOrigin": "source", "failureType": "config_error", "timestamp": 5}}
		]`)
	})
	c := newTestClient(t, srv.root())
	got, err := c.GetConnectionStatuses(context.Background(), []string{connID, other})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Path != "/api/v1/connections/status" || string(r.Body) != `{"connectionIds":["`+connID+`","`+other+`"]}` {
		t.Errorf("request %s %s", r.Path, r.Body)
	}
	if len(got) != 2 || got[0].ConnectionSyncStatus != SyncStatusRunning || got[0].ActiveJob == nil || got[0].ActiveJob.ID != 7 ||
		got[1].ConnectionSyncStatus != SyncStatusFailed || got[1].LastSyncJobID == nil || *got[1].LastSyncJobID != 6 ||
		got[1].LastSyncAttemptNumber == nil || *got[1].LastSyncAttemptNumber != 0 || got[1].FailureReason == nil ||
		got[1].FailureReason.FailureType != "config_error" {
		t.Errorf("statuses = %+v", got)
	}
	if _, err := c.GetConnectionStatuses(context.Background(), []string{""}); err == nil {
		t.Error("an empty connection id was sent")
	}
}

// The Config API reads are POSTs but are retried like GETs.
func TestConfigJobReadsAreRetried(t *testing.T) {
	calls := 0
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		calls++
		if calls == 1 {
			writeRaw(w, http.StatusBadGateway, "text/plain", "bad gateway")
			return
		}
		writeRaw(w, http.StatusOK, "application/json", `{"job": {"id": 1, "configType": "sync", "configId": "x", "createdAt": 1, "updatedAt": 1, "status": "pending"}, "attempts": []}`)
	})
	c := newTestClient(t, srv.root())
	if _, err := c.GetJobInfo(context.Background(), 1); err != nil || calls != 2 {
		t.Errorf("GetJobInfo after a 502: %v after %d calls; want success after 2", err, calls)
	}
}
