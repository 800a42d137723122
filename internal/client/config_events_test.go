package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestJobFailureEventPages: the client asks for failure events only, pages
// of 100 from offset 0, and stops at the page that holds the job, or after
// the last page (the first short one) when no event names the job.
func TestJobFailureEventPages(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, body []byte) {
		var req connectionEventsRequest
		if err := json.Unmarshal(body, &req); err != nil || req.Pagination == nil {
			writeRaw(w, http.StatusUnprocessableEntity, "application/json", `{"errorId": "x"}`)
			return
		}
		var events []string
		for i := range eventsPageSize {
			job := 1000 - req.Pagination.RowOffset - i // newest first: jobs 1000 down to 1
			if job < 1 {
				break
			}
			reason := `null`
			if job == 850 {
				reason = `{"failureOrigin": "source", "failureType": "config_error", "externalMessage": "denied", "timestamp": 1,
				  "metadata": {"jobId": 850, "attemptNumber": 0}, "streamDescriptor": {"name": "users", "namespace": "public"}}`
			}
			events = append(events, fmt.Sprintf(`{"id": "e%d", "connectionId": %q, "eventType": "SYNC_FAILED", "createdAt": %d,
			  "summary": {"jobId": %d, "startTimeEpochSeconds": 1, "endTimeEpochSeconds": 2, "bytesLoaded": 0, "recordsLoaded": 0,
			  "recordsRejected": 0, "attemptsCount": 1, "failureReason": %s}}`, job, connID, job, job, reason))
		}
		writeRaw(w, http.StatusOK, "application/json", `{"events": [`+strings.Join(events, ",")+`]}`)
	})
	c := newTestClient(t, srv.root())
	got, err := c.JobFailureEvent(context.Background(), connID, 850)
	if err != nil {
		t.Fatal(err)
	}
	want := FailureReason{FailureOrigin: "source", FailureType: "config_error", ExternalMessage: "denied", Timestamp: 1,
		StreamDescriptor: &StreamDescriptor{Name: "users", Namespace: "public"}}
	if got == nil || got.StreamDescriptor == nil || *got.StreamDescriptor != *want.StreamDescriptor ||
		got.FailureType != want.FailureType || got.ExternalMessage != want.ExternalMessage {
		t.Fatalf("failure = %+v, want %+v", got, want)
	}
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 (the job is on the second page)", len(reqs))
	}
	wantBody := `{"connectionId":"` + connID + `","eventTypes":["SYNC_FAILED","SYNC_INCOMPLETE","REFRESH_FAILED","REFRESH_INCOMPLETE",` +
		`"CLEAR_FAILED","CLEAR_INCOMPLETE"],"pagination":{"pageSize":100,"rowOffset":100}}`
	if r := reqs[1]; r.Method != http.MethodPost || r.Path != "/api/v1/connections/events/list" || string(r.Body) != wantBody {
		t.Errorf("second request %s %s %s\nwant body %s", r.Method, r.Path, r.Body, wantBody)
	}

	none, err := c.JobFailureEvent(context.Background(), connID, 5000)
	if err != nil || none != nil || len(srv.requests()) != 2+11 {
		t.Fatalf("unknown job: %+v, %v after %d requests; want nil, nil after reading all 11 pages", none, err, len(srv.requests())-2)
	}
}

// TestListConnectionEventsStopsAtAShortPage: one short page is the end;
// an empty connection id is refused before any request.
func TestListConnectionEventsStopsAtAShortPage(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		writeRaw(w, http.StatusOK, "application/json", `{"events": [{"id": "e1", "connectionId": "`+connID+`",
		  "eventType": "CLEAR_SUCCEEDED", "createdAt": 7, "summary": {"jobId": 3, "startTimeEpochSeconds": 1,
		  "endTimeEpochSeconds": 2, "bytesLoaded": 0, "recordsLoaded": 0, "recordsRejected": 0, "attemptsCount": 1,
		  "streams": [{"name": "users"}]}}]}`)
	})
	c := newTestClient(t, srv.root())
	events, err := c.ListConnectionEvents(context.Background(), connID, nil)
	if err != nil || len(events) != 1 || len(srv.requests()) != 1 {
		t.Fatalf("events %+v, %v after %d requests", events, err, len(srv.requests()))
	}
	if body := string(srv.requests()[0].Body); strings.Contains(body, "eventTypes") {
		t.Errorf("request %s names event types", body)
	}
	s, err := events[0].JobSummary()
	if err != nil || s.JobID != 3 || s.FailureReason != nil || len(s.Streams) != 1 || s.Streams[0].Name != "users" ||
		events[0].EventType != EventClearSucceeded || events[0].CreatedAt != 7 {
		t.Fatalf("event %+v summary %+v, %v", events[0], s, err)
	}
	if _, err := c.ListConnectionEvents(context.Background(), "", nil); !errors.Is(err, ErrEmptyID) {
		t.Fatalf("empty id: %v", err)
	}
}
