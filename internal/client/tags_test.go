package client

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

func TestListTags(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.Method != http.MethodGet || r.URL.Path != "/tags" {
			writeJSON(w, http.StatusNotFound, map[string]any{})
			return
		}
		if r.URL.Query().Get("workspaceIds") == "" {
			writeRaw(w, http.StatusOK, "application/json", `{"data":null}`)
			return
		}
		writeRaw(w, http.StatusOK, "application/json", `{"data":[
			{"tagId":"`+tagID+`","name":"prod","color":"FF5733","workspaceId":"`+wsID+`"},
			{"tagId":"1b7d1f0e-0a8e-4b4e-9d0e-2c1f3f1d2a10","name":"Team A","color":"00aa00","workspaceId":"`+ws2ID+`"}]}`)
	})
	c := newTestClient(t, srv.root())

	got, err := c.ListTags(context.Background(), []string{wsID, ws2ID})
	if err != nil {
		t.Fatal(err)
	}
	want := []Tag{
		{TagID: tagID, WorkspaceID: wsID, Name: "prod", Color: "FF5733"},
		{TagID: "1b7d1f0e-0a8e-4b4e-9d0e-2c1f3f1d2a10", WorkspaceID: ws2ID, Name: "Team A", Color: "00aa00"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListTags = %+v, want %+v", got, want)
	}
	q, _ := url.ParseQuery(srv.requests()[0].Query)
	if !reflect.DeepEqual(q, url.Values{"workspaceIds": {wsID, ws2ID}}) {
		t.Errorf("query = %s, want each workspace as a workspaceIds parameter", srv.requests()[0].Query)
	}

	// Without workspaces nothing is filtered; a null data is an empty list.
	got, err = c.ListTags(context.Background(), nil)
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("ListTags(nil) = %#v, %v; want an empty non-nil list", got, err)
	}
	if q := srv.requests()[1].Query; q != "" {
		t.Errorf("query without workspaces = %q, want none", q)
	}
}

func TestListTagsForbidden(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		writeRaw(w, http.StatusForbidden, "application/problem+json",
			`{"status":403,"type":"https://reference.airbyte.com/reference/errors#forbidden","title":"forbidden","detail":"Caller does not have the required workspace reader permissions."}`)
	})
	c := newTestClient(t, srv.root())
	_, err := c.ListTags(context.Background(), []string{wsID})
	if !IsForbidden(err) {
		t.Fatalf("ListTags error = %v, want a 403", err)
	}
	if n := srv.count(http.MethodGet, "/tags"); n != 1 {
		t.Errorf("GET /tags sent %d times, want 1 (a 403 is not retried)", n)
	}
}
