package client

import (
	"context"
	"errors"
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

func TestStreamJobRequests(t *testing.T) {
	const info = `{"job": {"id": 9, "configType": "reset_connection", "configId": "c", "createdAt": 1, "updatedAt": 1, "status": "pending",
	  "enabledStreams": [{"name": "users"}], "resetConfig": {"streamsToReset": [{"name": "users"}, {"name": "gone", "namespace": "x"}]}}, "attempts": []}`
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Path == "/api/v1/connections/refresh" {
			writeRaw(w, http.StatusOK, "application/json", `{"job": {"id": 10, "configType": "refresh", "configId": "c", "createdAt": 1, "updatedAt": 1,
			  "status": "pending", "refreshConfig": {"streamsToRefresh": [{"name": "users"}]}}}`)
			return
		}
		writeRaw(w, http.StatusOK, "application/json", info)
	})
	c := newTestClient(t, srv.root())
	ctx := context.Background()
	streams := []StreamDescriptor{{Name: "users"}, {Name: "gone", Namespace: "x"}}
	got, err := c.ResetStreams(ctx, connID, streams)
	if err != nil || got.Job.ConfigType != JobConfigTypeResetConnection || got.Job.ResetConfig == nil || len(got.Job.ResetConfig.StreamsToReset) != 2 {
		t.Fatalf("ResetStreams = %+v, %v", got, err)
	}
	if _, err := c.ResetStreams(ctx, connID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ClearStreams(ctx, connID, streams[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ClearStreams(ctx, connID, nil); err != nil {
		t.Fatal(err)
	}
	job, err := c.RefreshStreams(ctx, connID, RefreshModeTruncate, nil)
	if err != nil || job == nil || job.ConfigType != JobConfigTypeRefresh || job.RefreshConfig == nil || job.RefreshConfig.StreamsToRefresh[0].Name != "users" {
		t.Fatalf("RefreshStreams = %+v, %v", job, err)
	}
	want := []struct{ path, body string }{
		{"/api/v1/connections/reset/stream", `{"connectionId":"` + connID + `","streams":[{"streamName":"users"},{"streamName":"gone","streamNamespace":"x"}]}`},
		{"/api/v1/connections/reset", `{"connectionId":"` + connID + `"}`},
		{"/api/v1/connections/clear/stream", `{"connectionId":"` + connID + `","streams":[{"streamName":"users"}]}`},
		{"/api/v1/connections/clear", `{"connectionId":"` + connID + `"}`},
		{"/api/v1/connections/refresh", `{"connectionId":"` + connID + `","refreshMode":"Truncate"}`},
	}
	reqs := srv.requests()
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		if reqs[i].Method != http.MethodPost || reqs[i].Path != w.path || string(reqs[i].Body) != w.body {
			t.Errorf("request %d: %s %s %s\nwant POST %s %s", i, reqs[i].Method, reqs[i].Path, reqs[i].Body, w.path, w.body)
		}
	}
	if _, err := c.RefreshStreams(ctx, connID, "Replace", nil); err == nil {
		t.Error("an unknown refresh mode was sent")
	}
	if _, err := c.ResetStreams(ctx, "", nil); err == nil {
		t.Error("an empty connection id was sent")
	}
}

// A refresh that could not start a run answers {"job": null} or {}.
func TestRefreshStreamsWithoutJob(t *testing.T) {
	for _, body := range []string{`{}`, `{"job": null}`} {
		srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			writeRaw(w, http.StatusOK, "application/json", body)
		})
		c := newTestClient(t, srv.root())
		if job, err := c.RefreshStreams(context.Background(), connID, RefreshModeMerge, []StreamDescriptor{{Name: "users"}}); job != nil || err != nil {
			t.Errorf("%s: RefreshStreams = %+v, %v; want nil, nil", body, job, err)
		}
	}
}

// Starting a job is not repeated after an answer that may hide an action.
func TestStreamJobsAreNotRepeated(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeRaw(w, http.StatusBadGateway, "text/plain", "bad gateway")
	})
	c := newTestClient(t, srv.root())
	ctx := context.Background()
	calls := []func() error{
		func() error { _, err := c.ResetStreams(ctx, connID, nil); return err },
		func() error { _, err := c.ClearStreams(ctx, connID, []StreamDescriptor{{Name: "users"}}); return err },
		func() error { _, err := c.RefreshStreams(ctx, connID, RefreshModeMerge, nil); return err },
	}
	for i, call := range calls {
		var ambiguous *AmbiguousError
		if err := call(); !errors.As(err, &ambiguous) {
			t.Errorf("call %d: err = %v, want an *AmbiguousError", i, err)
		}
	}
	if n := len(srv.requests()); n != len(calls) {
		t.Errorf("%d requests for %d calls: a job start was repeated", n, len(calls))
	}
}
