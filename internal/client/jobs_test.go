package client

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"
)

const jobsPageJSON = `{
  "previous": "",
  "next": "https://api.airbyte.com/v1/jobs?connectionId=9924bcd0-99be-453d-ba47-c2c9766f7da5&limit=20&offset=20",
  "data": [
    {"jobId": 9007199254740993, "status": "queued", "jobType": "sync", "startTime": "2024-05-02T00:00Z",
     "connectionId": "9924bcd0-99be-453d-ba47-c2c9766f7da5", "lastUpdatedAt": null, "duration": null,
     "bytesSynced": null, "rowsSynced": null},
    {"jobId": 1234, "status": "failed", "jobType": "sync", "startTime": "2024-05-01T12:34:56Z",
     "connectionId": "9924bcd0-99be-453d-ba47-c2c9766f7da5", "lastUpdatedAt": "2024-05-01T12:40:00Z",
     "duration": "PT5M4S", "bytesSynced": 104857, "rowsSynced": 1000},
    {"jobId": 1233, "status": "some_future_status", "jobType": "some_future_type", "startTime": "2024-05-01T12:00:00Z",
     "connectionId": "9924bcd0-99be-453d-ba47-c2c9766f7da5"}
  ]
}`

func TestListJobs(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeRaw(w, http.StatusOK, "application/json", jobsPageJSON)
	})
	c := newTestClient(t, srv.root())
	start := time.Date(2024, 5, 1, 14, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	page, err := c.ListJobs(context.Background(), ListJobsParams{
		ConnectionID: connID, WorkspaceIDs: []string{wsID}, JobType: JobTypeSync, Status: JobStatusRunning,
		OrderBy: OrderByCreatedAtDesc, Limit: 20, Offset: 40, CreatedAtStart: &start,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Method != http.MethodGet || r.Path != "/jobs" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	q, _ := url.ParseQuery(r.Query)
	want := url.Values{
		"connectionId": {connID}, "workspaceIds": {wsID}, "jobType": {"sync"}, "status": {"running"},
		"orderBy": {"createdAt|DESC"}, "limit": {"20"}, "offset": {"40"}, "createdAtStart": {"2024-05-01T12:00:00Z"},
	}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("query = %v, want %v", q, want)
	}
	if len(page.Data) != 3 || page.Next == "" || page.Previous != "" {
		t.Fatalf("page = %+v", page)
	}
	first := page.Data[0]
	if first.JobID != 9007199254740993 || first.Status != JobStatusQueued || first.IsTerminal() || first.BytesSynced != 0 {
		t.Errorf("first job = %+v", first)
	}
	if j := page.Data[1]; j.Status != JobStatusFailed || !j.IsTerminal() || j.RowsSynced != 1000 || j.Duration != "PT5M4S" {
		t.Errorf("second job = %+v", j)
	}
	if j := page.Data[2]; j.Status != "some_future_status" || j.IsTerminal() {
		t.Errorf("third job = %+v", j)
	}
}

func TestListJobsMinimalQuery(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeRaw(w, http.StatusOK, "application/json", `{"data":[]}`)
	})
	c := newTestClient(t, srv.root())
	page, err := c.ListJobs(context.Background(), ListJobsParams{})
	if err != nil || len(page.Data) != 0 {
		t.Fatal(err)
	}
	if q := srv.requests()[0].Query; q != "" {
		t.Errorf("query = %q, want none", q)
	}
}

func TestJobCalls(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { jobOK(w, r) })
	c := newTestClient(t, srv.root())
	ctx := context.Background()

	job, err := c.CreateJob(ctx, connID, JobTypeSync)
	if err != nil || job.JobID != 1234 || job.Status != JobStatusRunning {
		t.Fatalf("CreateJob = %+v, %v", job, err)
	}
	if _, err := c.GetJob(ctx, 9007199254740993); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CancelJob(ctx, 1234); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if reqs[0].Method != http.MethodPost || reqs[0].Path != "/jobs" ||
		string(reqs[0].Body) != `{"connectionId":"`+connID+`","jobType":"sync"}` {
		t.Errorf("create request %s %s %s", reqs[0].Method, reqs[0].Path, reqs[0].Body)
	}
	if reqs[1].Method != http.MethodGet || reqs[1].Path != "/jobs/9007199254740993" {
		t.Errorf("get request %s %s", reqs[1].Method, reqs[1].Path)
	}
	if reqs[2].Method != http.MethodDelete || reqs[2].Path != "/jobs/1234" {
		t.Errorf("cancel request %s %s", reqs[2].Method, reqs[2].Path)
	}
}

func TestJobStatusPredicates(t *testing.T) {
	tests := []struct {
		status            JobStatus
		terminal, failure bool
	}{
		{JobStatusPending, false, false},
		{JobStatusQueued, false, false},
		{JobStatusRunning, false, false},
		{JobStatusIncomplete, false, false},
		{JobStatusSucceeded, true, false},
		{JobStatusFailed, true, true},
		{JobStatusCancelled, true, true},
		{"unknown", false, false},
	}
	for _, tt := range tests {
		if tt.status.IsTerminal() != tt.terminal || tt.status.IsFailure() != tt.failure {
			t.Errorf("%s: terminal %v failure %v", tt.status, tt.status.IsTerminal(), tt.status.IsFailure())
		}
	}
}
