package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestGetConnectionDecodesNullsAndUnknowns(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.Method != http.MethodGet || r.URL.Path != "/connections/"+connID {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		okConnection(w)
	})
	c := newTestClient(t, srv.root())
	got, err := c.GetConnection(context.Background(), connID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Postgres To Snowflake" || got.Status != ConnectionStatusActive || got.Prefix != "raw_" ||
		got.NamespaceFormat != "" || got.CreatedAt != 1717969830 || got.Tags == nil || len(got.Tags) != 0 {
		t.Errorf("connection = %+v", got)
	}
	if got.Schedule.ScheduleType != ScheduleTypeCron || got.Schedule.CronExpression != "0 0 12 * * ? UTC" {
		t.Errorf("schedule = %+v", got.Schedule)
	}
	streams := got.Configurations.Streams
	if len(streams) != 2 || streams[0].SyncMode != SyncModeIncrementalDedupedHistory ||
		!reflect.DeepEqual(streams[0].PrimaryKey, [][]string{{"id"}}) || streams[1].CursorField != nil {
		t.Errorf("streams = %+v", streams)
	}

	// Values the client does not know decode as they are.
	srv2 := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		body := strings.Replace(connectionJSON, `"status": "active"`, `"status": "paused_by_robot"`, 1)
		body = strings.Replace(body, `"scheduleType": "cron"`, `"scheduleType": "basic"`, 1)
		writeRaw(w, http.StatusOK, "application/json", body)
	})
	got, err = newTestClient(t, srv2.root()).GetConnection(context.Background(), connID)
	if err != nil || got.Status != "paused_by_robot" || got.Schedule.ScheduleType != ScheduleTypeBasic {
		t.Errorf("got %+v, %v", got, err)
	}
}

func TestCreateConnectionBody(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { okConnection(w) })
	c := newTestClient(t, srv.root())
	_, err := c.CreateConnection(context.Background(), ConnectionCreateRequest{
		Name: "my-conn", SourceID: srcID, DestinationID: dstID,
		Configurations: &StreamConfigurations{Streams: []StreamConfiguration{
			{Name: "users", SyncMode: SyncModeIncrementalAppend, CursorField: []string{"updated_at"}},
			{Name: "orders", PrimaryKey: [][]string{}},
		}},
		Schedule: &ConnectionSchedule{ScheduleType: ScheduleTypeCron, CronExpression: "0 0 12 * * ?"},
		Prefix:   new(""),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Method != http.MethodPost || r.Path != "/connections" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request %s %s %v", r.Method, r.Path, r.Header)
	}
	want := `{"name":"my-conn","sourceId":"` + srcID + `","destinationId":"` + dstID + `",` +
		`"configurations":{"streams":[{"name":"users","syncMode":"incremental_append","cursorField":["updated_at"]},{"name":"orders","primaryKey":[]}]},` +
		`"schedule":{"scheduleType":"cron","cronExpression":"0 0 12 * * ?"},"prefix":""}`
	if string(r.Body) != want {
		t.Errorf("body =\n  %s\nwant\n  %s", r.Body, want)
	}
}

func TestPatchConnectionSendsOnlyGivenFields(t *testing.T) {
	tests := []struct {
		name  string
		patch ConnectionPatchRequest
		want  string
	}{
		{"empty", ConnectionPatchRequest{}, `{}`},
		{"name", ConnectionPatchRequest{Name: new("Renamed connection")}, `{"name":"Renamed connection"}`},
		{"empty prefix", ConnectionPatchRequest{Prefix: new("")}, `{"prefix":""}`},
		{"clear tags", ConnectionPatchRequest{Tags: []Tag{}}, `{"tags":[]}`},
		{"status", ConnectionPatchRequest{Status: new(ConnectionStatusInactive)}, `{"status":"inactive"}`},
		{"manual schedule", ConnectionPatchRequest{Schedule: &ConnectionSchedule{ScheduleType: ScheduleTypeManual}},
			`{"schedule":{"scheduleType":"manual"}}`},
		{"streams", ConnectionPatchRequest{Configurations: &StreamConfigurations{Streams: []StreamConfiguration{{Name: "users"}, {Name: "orders"}}}},
			`{"configurations":{"streams":[{"name":"users"},{"name":"orders"}]}}`},
		{"enums", ConnectionPatchRequest{
			NamespaceDefinition:              new(NamespaceDefinitionCustomFormat),
			NamespaceFormat:                  new("${SOURCE_NAMESPACE}"),
			NonBreakingSchemaUpdatesBehavior: new(NonBreakingSchemaUpdatesPropagateColumns),
		}, `{"namespaceDefinition":"custom_format","namespaceFormat":"${SOURCE_NAMESPACE}","nonBreakingSchemaUpdatesBehavior":"propagate_columns"}`},
		{"mapper and selected fields", ConnectionPatchRequest{Configurations: &StreamConfigurations{Streams: []StreamConfiguration{{
			Name:           "users",
			SelectedFields: []SelectedField{{FieldPath: []string{"id"}}},
			Mappers:        []StreamMapper{{Type: StreamMapperHashing, MapperConfiguration: json.RawMessage(`{"targetField":"email","method":"SHA-256","fieldNameSuffix":"_h"}`)}},
		}}}}, `{"configurations":{"streams":[{"name":"users","selectedFields":[{"fieldPath":["id"]}],` +
			`"mappers":[{"type":"hashing","mapperConfiguration":{"targetField":"email","method":"SHA-256","fieldNameSuffix":"_h"}}]}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { okConnection(w) })
			c := newTestClient(t, srv.root())
			if _, err := c.PatchConnection(context.Background(), connID, tt.patch); err != nil {
				t.Fatal(err)
			}
			r := srv.requests()[0]
			if r.Method != http.MethodPatch || r.Path != "/connections/"+connID {
				t.Errorf("request %s %s", r.Method, r.Path)
			}
			if string(r.Body) != tt.want {
				t.Errorf("body = %s, want %s", r.Body, tt.want)
			}
		})
	}
}

func TestDeleteConnection(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(http.StatusNoContent) })
	c := newTestClient(t, srv.root())
	if err := c.DeleteConnection(context.Background(), connID); err != nil {
		t.Fatal(err)
	}
	if n := srv.count(http.MethodDelete, "/connections/"+connID); n != 1 {
		t.Errorf("DELETE requests = %d", n)
	}
}

func TestEmptyIDsAreRejectedWithoutARequest(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { okConnection(w) })
	c := newTestClient(t, srv.root())
	ctx := context.Background()
	calls := map[string]func() error{
		"GetConnection":    func() error { _, err := c.GetConnection(ctx, ""); return err },
		"PatchConnection":  func() error { _, err := c.PatchConnection(ctx, "", ConnectionPatchRequest{}); return err },
		"DeleteConnection": func() error { return c.DeleteConnection(ctx, "") },
		"CreateJob":        func() error { _, err := c.CreateJob(ctx, "", JobTypeSync); return err },
		"GetSource":        func() error { _, err := c.GetSource(ctx, ""); return err },
		"DeleteSource":     func() error { return c.DeleteSource(ctx, "") },
		"GetDestination":   func() error { _, err := c.GetDestination(ctx, ""); return err },
		"GetStreams":       func() error { _, err := c.GetStreamProperties(ctx, "", "", false); return err },
		"GetState":         func() error { _, err := c.GetConnectionState(ctx, ""); return err },
		"GetWebBackend":    func() error { _, err := c.GetWebBackendConnection(ctx, "", false); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrEmptyID) {
			t.Errorf("%s: err = %v, want ErrEmptyID", name, err)
		}
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

func TestPathIDsAreEscaped(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { okConnection(w) })
	c := newTestClient(t, srv.root())
	if _, err := c.GetConnection(context.Background(), "a/b?c"); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests()[0]; got.Path != "/connections/a/b?c" || got.Query != "" {
		t.Errorf("request path %q query %q", got.Path, got.Query)
	}
}

// pagedConnections serves total connections in pages, with next set on
// every non-empty page as the real API does.
func pagedConnections(t *testing.T, total int) *fakeServer {
	return newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		if limit == 0 {
			limit = 20
		}
		offset, _ := strconv.Atoi(q.Get("offset"))
		data := []json.RawMessage{}
		for i := offset; i < min(offset+limit, total); i++ {
			data = append(data, json.RawMessage(strings.Replace(connectionJSON, connID, fmt.Sprintf("conn-%03d", i), 1)))
		}
		next := ""
		if len(data) > 0 {
			next = "https://api.airbyte.com/v1/connections?includeDeleted=false&limit=" + strconv.Itoa(limit) + "&offset=" + strconv.Itoa(offset+limit)
		}
		prev := ""
		if offset > 0 {
			prev = "https://api.airbyte.com/v1/connections?limit=" + strconv.Itoa(limit) + "&offset=" + strconv.Itoa(max(offset-limit, 0))
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": data, "next": next, "previous": prev})
	})
}

func TestListConnectionsPaginates(t *testing.T) {
	tests := []struct {
		total, requests int
	}{
		{total: 237, requests: 3}, // short last page, which still carries next
		{total: 200, requests: 3}, // exact multiple: the third page is empty
		{total: 0, requests: 1},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.total), func(t *testing.T) {
			srv := pagedConnections(t, tt.total)
			c := newTestClient(t, srv.root())
			got, err := c.ListConnections(context.Background(), ListConnectionsParams{WorkspaceIDs: []string{wsID, ws2ID}, TagIDs: []string{tagID}})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.total {
				t.Fatalf("got %d connections, want %d", len(got), tt.total)
			}
			for i, conn := range got {
				if conn.ConnectionID != fmt.Sprintf("conn-%03d", i) {
					t.Fatalf("connection %d is %s", i, conn.ConnectionID)
				}
			}
			reqs := srv.requests()
			if len(reqs) != tt.requests {
				t.Fatalf("requests = %d, want %d", len(reqs), tt.requests)
			}
			for i, r := range reqs {
				q, _ := url.ParseQuery(r.Query)
				wantOffset := ""
				if i > 0 {
					wantOffset = strconv.Itoa(100 * i)
				}
				if q.Get("limit") != "100" || q.Get("offset") != wantOffset ||
					!reflect.DeepEqual(q["workspaceIds"], []string{wsID, ws2ID}) || q.Get("tagIds") != tagID || q.Has("includeDeleted") {
					t.Errorf("request %d query = %s", i, r.Query)
				}
			}
		})
	}
}

func TestListConnectionsOnePage(t *testing.T) {
	srv := pagedConnections(t, 50)
	c := newTestClient(t, srv.root())
	got, err := c.ListConnections(context.Background(), ListConnectionsParams{Limit: 10, Offset: 20, IncludeDeleted: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 || got[0].ConnectionID != "conn-020" || len(srv.requests()) != 1 {
		t.Errorf("got %d connections starting at %s in %d requests", len(got), got[0].ConnectionID, len(srv.requests()))
	}
	if q := srv.requests()[0].Query; q != "includeDeleted=true&limit=10&offset=20" {
		t.Errorf("query = %s", q)
	}

	page, err := c.ListConnectionsPage(context.Background(), ListConnectionsParams{Limit: 20, Offset: 40})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 10 || !strings.HasSuffix(page.Next, "offset=60") || !strings.HasSuffix(page.Previous, "offset=20") {
		t.Errorf("page = %d items, next %q, previous %q", len(page.Data), page.Next, page.Previous)
	}
}
