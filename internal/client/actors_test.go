package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

func TestSourcesAndDestinations(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch {
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case r.URL.Path == "/sources/"+srcID:
			writeRaw(w, http.StatusOK, "application/json", `{"sourceId":"`+srcID+`","name":"PG","sourceType":"postgres",
			  "definitionId":"d","workspaceId":"`+wsID+`","configuration":{"host":"db","password":"**********"},"createdAt":1717969830}`)
		case r.URL.Path == "/destinations/"+dstID:
			writeRaw(w, http.StatusOK, "application/json", `{"destinationId":"`+dstID+`","name":"Snowflake delete-me",
			  "destinationType":"snowflake","definitionId":"d","workspaceId":"`+wsID+`","configuration":{},"createdAt":1}`)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	})
	c := newTestClient(t, srv.root())
	ctx := context.Background()

	src, err := c.GetSource(ctx, srcID)
	if err != nil || src.SourceType != "postgres" || string(src.Configuration) != `{"host":"db","password":"**********"}` {
		t.Errorf("GetSource = %+v, %v", src, err)
	}
	dst, err := c.GetDestination(ctx, dstID)
	if err != nil || dst.DestinationType != "snowflake" {
		t.Errorf("GetDestination = %+v, %v", dst, err)
	}
	if err := c.DeleteSource(ctx, srcID); err != nil {
		t.Error(err)
	}
	if err := c.DeleteDestination(ctx, dstID); err != nil {
		t.Error(err)
	}
	if srv.count(http.MethodDelete, "/sources/"+srcID) != 1 || srv.count(http.MethodDelete, "/destinations/"+dstID) != 1 {
		t.Error("delete requests missing")
	}
}

func TestGetStreamProperties(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeRaw(w, http.StatusOK, "application/json", `[
		  {"streamName": "users", "streamnamespace": "public",
		   "syncModes": ["full_refresh_append", "incremental_deduped_history"],
		   "defaultCursorField": ["updated_at"], "sourceDefinedCursorField": false,
		   "sourceDefinedPrimaryKey": [["id"]], "propertyFields": [["id"], ["address", "city"]]},
		  {"streamName": "orders", "syncModes": null}
		]`)
	})
	c := newTestClient(t, srv.root())
	got, err := c.GetStreamProperties(context.Background(), srcID, dstID, true)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.ParseQuery(srv.requests()[0].Query)
	if q.Get("sourceId") != srcID || q.Get("destinationId") != dstID || q.Get("ignoreCache") != "true" || len(q) != 3 {
		t.Errorf("query = %v", q)
	}
	if len(got) != 2 || got[0].StreamNamespace != "public" || got[0].SyncModes[1] != SyncModeIncrementalDedupedHistory ||
		len(got[0].PropertyFields) != 2 || got[1].SyncModes != nil {
		b, _ := json.Marshal(got)
		t.Errorf("streams = %s", b)
	}

	if _, err := c.GetStreamProperties(context.Background(), srcID, "", false); err != nil {
		t.Fatal(err)
	}
	if q := srv.requests()[1].Query; q != "sourceId="+srcID {
		t.Errorf("query = %q", q)
	}
}
