package client

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestGetConnectionState(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeRaw(w, http.StatusOK, "application/json", `{"stateType":"global","connectionId":"`+connID+`","state":null,"streamState":null,
		  "globalState":{"shared_state":{"cdc":true},"streamStates":[{"streamDescriptor":{"name":"users"},"streamState":{"cursor":"2024-01-01"}}]}}`)
	})
	c := newTestClient(t, srv.root())
	st, err := c.GetConnectionState(context.Background(), connID)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Method != http.MethodPost || r.Path != "/api/v1/state/get" || string(r.Body) != `{"connectionId":"`+connID+`"}` {
		t.Errorf("request %s %s %s", r.Method, r.Path, r.Body)
	}
	if st.StateType != StateTypeGlobal || st.GlobalState == nil || string(st.GlobalState.SharedState) != `{"cdc":true}` ||
		len(st.GlobalState.StreamStates) != 1 || string(st.GlobalState.StreamStates[0].StreamState) != `{"cursor":"2024-01-01"}` {
		t.Errorf("state = %+v", st)
	}
}

func TestGetWebBackendConnection(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeRaw(w, http.StatusOK, "application/json", `{
		  "connectionId": "`+connID+`", "name": "Postgres To Snowflake", "namespaceDefinition": "customformat",
		  "sourceId": "`+srcID+`", "destinationId": "`+dstID+`", "status": "locked", "isSyncing": false,
		  "scheduleType": "cron", "scheduleData": {"cron": {"cronExpression": "0 0 12 * * ?", "cronTimeZone": "UTC"}},
		  "syncCatalog": {"streams": [
		    {"stream": {"name": "users", "namespace": "public", "jsonSchema": {"type": "object"},
		                "supportedSyncModes": ["full_refresh", "incremental"], "defaultCursorField": ["updated_at"],
		                "sourceDefinedPrimaryKey": [["id"]]},
		     "config": {"syncMode": "incremental", "destinationSyncMode": "append_dedup", "selected": true,
		                "mappers": [{"type": "field-renaming", "mapperConfiguration": {"originalFieldName": "a", "newFieldName": "b"}}]}},
		    {"stream": {"name": "audit_log", "jsonSchema": {}}, "config": {"syncMode": "full_refresh", "destinationSyncMode": "overwrite", "selected": false}}
		  ]},
		  "source": {"connectionConfiguration": {"password": "**********"}},
		  "schemaChange": "no_change", "notifySchemaChanges": false, "notifySchemaChangesByEmail": false,
		  "nonBreakingChangesPreference": "disable", "tags": [], "onDemandEnabled": false
		}`)
	})
	c := newTestClient(t, srv.root())
	got, err := c.GetWebBackendConnection(context.Background(), connID, false)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Path != "/api/v1/web_backend/connections/get" || string(r.Body) != `{"connectionId":"`+connID+`","withRefreshedCatalog":false}` {
		t.Errorf("request %s %s", r.Path, r.Body)
	}
	streams := got.SyncCatalog.Streams
	if got.Status != ConnectionStatusLocked || len(streams) != 2 || streams[0].Config.DestinationSyncMode != "append_dedup" ||
		string(streams[0].Stream.JSONSchema) != `{"type": "object"}` || streams[1].Config.Selected ||
		!strings.Contains(string(streams[0].Config.Mappers[0].MapperConfiguration), "newFieldName") {
		t.Errorf("web backend connection = %+v", got)
	}
}

func TestConfigAPIErrors(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeRaw(w, http.StatusNotFound, "application/json", `{"errorId":"abc"}`)
	})
	c := newTestClient(t, srv.root())
	_, err := c.GetWebBackendConnection(context.Background(), connID, true)
	if !IsNotFound(err) || err.Error() != "POST /web_backend/connections/get: 404 Not Found (errorId abc)" {
		t.Errorf("err = %v", err)
	}
}

func TestExplicitConfigAPIURL(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeRaw(w, http.StatusOK, "application/json", `{"stateType":"not_set","connectionId":"`+connID+`"}`)
	})
	c := newTestClient(t, "https://api.airbyte.com/v1", withBearer, func(c *Config) { c.ConfigAPIURL = srv.URL + "/internal/api/v1/" })
	if _, err := c.GetConnectionState(context.Background(), connID); err != nil {
		t.Fatal(err)
	}
	if n := srv.count(http.MethodPost, "/internal/api/v1/state/get"); n != 1 {
		t.Errorf("requests: %+v", srv.requests())
	}
}
