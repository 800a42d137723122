package conformance

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	connectionID  = "9924bcd0-99be-453d-ba47-c2c9766f7da5"
	sourceID      = "95e66a59-8045-4307-9678-63bc3c9b8c93"
	destinationID = "e478de0d-a3a0-475c-b019-25f7dd29e281"
	workspaceID   = "871d9b60-11d1-44cb-8c92-c246d53bf87e"
)

var (
	loadOnce   sync.Once
	loaded     *Recorder
	loadErr    error
	loadedTime time.Duration
)

// testRecorder returns a recorder with nothing recorded, loading the documents
// once per test binary. It skips the test when the documents are not named.
func testRecorder(t testing.TB) *Recorder {
	t.Helper()
	publicPath, configPath := os.Getenv(PublicSpecEnv), os.Getenv(ConfigSpecEnv)
	if !fileExists(publicPath) || !fileExists(configPath) {
		t.Skipf("set %s and %s to the Airbyte OpenAPI documents (api.yaml, config.yaml) to run this test", PublicSpecEnv, ConfigSpecEnv)
	}
	loadOnce.Do(func() {
		start := time.Now()
		loaded, loadErr = New(publicPath, configPath)
		loadedTime = time.Since(start)
	})
	if loadErr != nil {
		t.Fatalf("load OpenAPI documents: %v", loadErr)
	}
	return loaded.withEmptyCounts()
}

// canned answers every request with one fixed response.
func canned(status int, contentType, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

// send makes one request through h and returns the status the client saw.
func send(t testing.TB, h http.Handler, method, path, contentType, body string) int {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer test-token")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code
}

const jsonType = "application/json"

// connectionJSON is a ConnectionResponse as the server writes it, nulls included, as older servers wrote it.
func connectionJSON(drop string) string {
	fields := []string{
		`"connectionId":"` + connectionID + `"`,
		`"name":"Postgres To Snowflake"`,
		`"sourceId":"` + sourceID + `"`,
		`"destinationId":"` + destinationID + `"`,
		`"workspaceId":"` + workspaceID + `"`,
		`"status":"active"`,
		`"schedule":{"scheduleType":"cron","cronExpression":"0 0 12 * * ? UTC"}`,
		`"nonBreakingSchemaUpdatesBehavior":"ignore"`,
		`"namespaceDefinition":"destination"`,
		`"namespaceFormat":null`,
		`"prefix":"raw_"`,
		`"configurations":{"streams":[{"name":"users","namespace":"public","syncMode":"incremental_deduped_history","cursorField":["updated_at"],"primaryKey":[["id"]],"selectedFields":null,"mappers":[]}]}`,
		`"createdAt":1717969830`,
		`"tags":[]`,
		`"statusReason":null`,
	}
	var kept []string
	for _, f := range fields {
		if drop == "" || !strings.HasPrefix(f, `"`+drop+`"`) {
			kept = append(kept, f)
		}
	}
	return "{" + strings.Join(kept, ",") + "}"
}

const jobJSON = `{"jobId":1234,"status":"running","jobType":"sync","startTime":"2024-05-01T12:34Z","connectionId":"` + connectionID +
	`","lastUpdatedAt":null,"duration":"PT0S","bytesSynced":null,"rowsSynced":null}`

const webBackendConnectionJSON = `{"connectionId":"` + connectionID + `","name":"Postgres To Snowflake","namespaceDefinition":"destination",
 "sourceId":"` + sourceID + `","destinationId":"` + destinationID + `","scheduleType":"manual","status":"active",
 "syncCatalog":{"streams":[{"stream":{"name":"users","namespace":"public","jsonSchema":{"type":"object"},"supportedSyncModes":["full_refresh","incremental"],
   "sourceDefinedCursor":false,"defaultCursorField":["updated_at"],"sourceDefinedPrimaryKey":[["id"]]},
   "config":{"syncMode":"incremental","cursorField":["updated_at"],"destinationSyncMode":"append_dedup","primaryKey":[["id"]],"aliasName":"users","selected":true}}]},
 "source":{"sourceDefinitionId":"decd338e-5647-4c0b-adf4-da0e75f5a750","sourceId":"` + sourceID + `","workspaceId":"` + workspaceID + `","connectionConfiguration":{},"name":"pg","sourceName":"Postgres","createdAt":1717969830},
 "destination":{"destinationDefinitionId":"424892c4-daac-4491-b35d-c6688ba547ba","destinationId":"` + destinationID + `","workspaceId":"` + workspaceID + `","connectionConfiguration":{},"name":"sf","destinationName":"Snowflake","createdAt":1717969830},
 "isSyncing":false,"schemaChange":"no_change","notifySchemaChanges":false,"notifySchemaChangesByEmail":false,"nonBreakingChangesPreference":"ignore",
 "sourceActorDefinitionVersion":{"dockerRepository":"airbyte/source-postgres","dockerImageTag":"3.6.0","supportsRefreshes":true,"supportState":"supported","isVersionOverrideApplied":false,"supportsFileTransfer":false,"supportsDataActivation":false},
 "destinationActorDefinitionVersion":{"dockerRepository":"airbyte/destination-snowflake","dockerImageTag":"3.11.0","supportsRefreshes":true,"supportState":"supported","isVersionOverrideApplied":false,"supportsFileTransfer":false,"supportsDataActivation":false},
 "tags":[],"onDemandEnabled":false}`

const problem404 = `{"status":404,"type":"https://reference.airbyte.com/reference/errors#resource-not-found","title":"resource-not-found","detail":"The requested resource could not be found.","documentationUrl":null,"data":{"resourceType":"connection","resourceId":"` + connectionID + `"}}`

func TestHandler(t *testing.T) {
	testRecorder(t) // skips without the documents
	both := HandlerOptions{CheckRequests: true, CheckResponses: true}
	connPath := "/v1/connections/" + connectionID
	tests := []struct {
		name                 string
		opts                 HandlerOptions
		method, path         string
		reqType, reqBody     string
		status               int
		respType, respBody   string
		wantOperation        string
		wantKind             string // "" when the exchange conforms
		wantMessage          string // a substring of the violation's messages, naming the field
		wantRequests         int
		wantResponses        int
		wantTolerated        int
		wantSkipped          int
		wantNoOperationCount bool
	}{
		// Conformant traffic.
		{name: "get connection, Cloud root", opts: both, method: "GET", path: connPath,
			status: 200, respType: jsonType, respBody: connectionJSON(""),
			wantOperation: "getConnection", wantRequests: 1, wantResponses: 1},
		{name: "list connections, self-managed root", opts: both, method: "GET",
			path:   "/api/public/v1/connections?workspaceIds=" + workspaceID + "&includeDeleted=false&limit=100&offset=0",
			status: 200, respType: jsonType, respBody: `{"previous":"","next":"","data":[` + connectionJSON("") + `]}`,
			wantOperation: "listConnections", wantRequests: 1, wantResponses: 1},
		{name: "create connection", opts: both, method: "POST", path: "/v1/connections",
			reqType: jsonType, reqBody: `{"name":"c","sourceId":"` + sourceID + `","destinationId":"` + destinationID + `","configurations":{"streams":[{"name":"users"}]},"prefix":""}`,
			status: 200, respType: jsonType, respBody: connectionJSON(""),
			wantOperation: "createConnection", wantRequests: 1, wantResponses: 1},
		{name: "patch connection", opts: both, method: "PATCH", path: connPath,
			reqType: jsonType, reqBody: `{"status":"inactive","schedule":{"scheduleType":"cron","cronExpression":"0 0 12 * * ?"}}`,
			status: 200, respType: jsonType, respBody: connectionJSON(""),
			wantOperation: "patchConnection", wantRequests: 1, wantResponses: 1},
		{name: "delete connection, 204 without body", opts: both, method: "DELETE", path: connPath,
			status: 204, wantOperation: "deleteConnection", wantRequests: 1, wantResponses: 1},
		{name: "problem body on a declared 404 without content", opts: both, method: "GET", path: connPath,
			status: 404, respType: jsonType, respBody: problem404,
			wantOperation: "getConnection", wantRequests: 1, wantResponses: 1},
		{name: "create job with nulls in the response", opts: both, method: "POST", path: "/v1/jobs",
			reqType: jsonType, reqBody: `{"connectionId":"` + connectionID + `","jobType":"sync"}`,
			status: 200, respType: jsonType, respBody: jobJSON,
			wantOperation: "createJob", wantRequests: 1, wantResponses: 1},
		{name: "token request, form body", opts: both, method: "POST", path: "/api/public/v1/applications/token",
			reqType: "application/x-www-form-urlencoded", reqBody: "grant_type=client_credentials&client_id=id&client_secret=secret",
			status: 200, respType: jsonType, respBody: `{"access_token":"t","token_type":"Bearer","expires_in":900}`,
			wantOperation: "createAccessToken", wantRequests: 1, wantResponses: 1},
		{name: "token request without grant_type (exceptions.go)", opts: both, method: "POST", path: "/v1/applications/token",
			reqType: jsonType, reqBody: `{"client_id":"id","client_secret":"secret"}`,
			status: 200, respType: jsonType, respBody: `{"access_token":"t","token_type":"Bearer","expires_in":900}`,
			wantOperation: "createAccessToken", wantRequests: 1, wantResponses: 1},
		{name: "config API get state", opts: both, method: "POST", path: "/api/v1/state/get",
			reqType: jsonType, reqBody: `{"connectionId":"` + connectionID + `"}`,
			status: 200, respType: jsonType, respBody: `{"stateType":"stream","connectionId":"` + connectionID + `","streamState":[{"streamDescriptor":{"name":"users","namespace":"public"},"streamState":{"cursor":"2024-01-01"}}]}`,
			wantOperation: "getState", wantRequests: 1, wantResponses: 1},
		{name: "config API web backend connection", opts: both, method: "POST", path: "/api/v1/web_backend/connections/get",
			reqType: jsonType, reqBody: `{"connectionId":"` + connectionID + `","withRefreshedCatalog":false}`,
			status: 200, respType: jsonType, respBody: webBackendConnectionJSON,
			wantOperation: "webBackendGetConnection", wantRequests: 1, wantResponses: 1},

		// Statuses the documents do not declare, accepted by exceptions.go.
		{name: "409 on POST /jobs is tolerated", opts: both, method: "POST", path: "/v1/jobs",
			reqType: jsonType, reqBody: `{"connectionId":"` + connectionID + `","jobType":"sync"}`,
			status: 409, respType: jsonType, respBody: `{"status":409,"type":"x","title":"try-again-later"}`,
			wantOperation: "createJob", wantRequests: 1, wantTolerated: 1},
		{name: "401 is tolerated", opts: both, method: "GET", path: connPath,
			status: 401, respType: jsonType, respBody: `{"errorId":"0b4d3c6a-1d0e-4a55-9a1e-5a2f3f8f0d11"}`,
			wantOperation: "getConnection", wantRequests: 1, wantTolerated: 1},
		{name: "config API 422 errorId body is tolerated", opts: both, method: "POST", path: "/api/v1/state/get",
			reqType: jsonType, reqBody: `{"connectionId":"` + connectionID + `"}`,
			status: 422, respType: jsonType, respBody: `{"errorId":"0b4d3c6a-1d0e-4a55-9a1e-5a2f3f8f0d11"}`,
			wantOperation: "getState", wantRequests: 1, wantTolerated: 1},
		{name: "injected 503 is skipped", opts: both, method: "GET", path: connPath,
			status: 503, respType: "text/plain", respBody: "unavailable", wantSkipped: 1},
		{name: "429 is skipped", opts: both, method: "GET", path: connPath,
			status: 429, respType: jsonType, respBody: `{"message":"You are being rate limited."}`, wantSkipped: 1},
		{name: "admin path is not API traffic", opts: both, method: "POST", path: "/_emulator/jobs/1/complete",
			reqType: jsonType, reqBody: `{"anything":true}`, status: 200, respType: jsonType, respBody: `{"ok":true}`},

		// Non-conformant responses.
		{name: "connection without tags", opts: both, method: "GET", path: connPath,
			status: 200, respType: jsonType, respBody: connectionJSON("tags"),
			wantOperation: "getConnection", wantKind: "response", wantMessage: "'tags'", wantRequests: 1, wantResponses: 1},
		{name: "connection with a null required field", opts: both, method: "GET", path: connPath,
			status: 200, respType: jsonType, respBody: strings.Replace(connectionJSON(""), `"name":"Postgres To Snowflake"`, `"name":null`, 1),
			wantOperation: "getConnection", wantKind: "response", wantMessage: "'name'", wantRequests: 1, wantResponses: 1},
		{name: "job with id instead of jobId", opts: both, method: "GET", path: "/api/public/v1/jobs/1234",
			status: 200, respType: jsonType, respBody: strings.Replace(jobJSON, `"jobId"`, `"id"`, 1),
			wantOperation: "getJob", wantKind: "response", wantMessage: "'jobId'", wantRequests: 1, wantResponses: 1},
		{name: "list with wrong types", opts: both, method: "GET", path: "/v1/jobs?connectionId=" + connectionID,
			status: 200, respType: jsonType, respBody: `{"previous":"","next":"","data":[` + strings.Replace(jobJSON, `"jobId":1234`, `"jobId":"1234"`, 1) + `]}`,
			wantOperation: "listJobs", wantKind: "response", wantMessage: "$.data[0].jobId: got string, want integer", wantRequests: 1, wantResponses: 1},
		{name: "connection status outside the enum", opts: both, method: "GET", path: connPath,
			status: 200, respType: jsonType, respBody: strings.Replace(connectionJSON(""), `"status":"active"`, `"status":"paused"`, 1),
			wantOperation: "getConnection", wantKind: "response", wantMessage: "$.status", wantRequests: 1, wantResponses: 1},
		{name: "config API state with unknown stateType", opts: both, method: "POST", path: "/api/v1/state/get",
			reqType: jsonType, reqBody: `{"connectionId":"` + connectionID + `"}`,
			status: 200, respType: jsonType, respBody: `{"stateType":"partial","connectionId":"` + connectionID + `"}`,
			wantOperation: "getState", wantKind: "response", wantMessage: "$.stateType", wantRequests: 1, wantResponses: 1},
		{name: "undeclared status", opts: both, method: "GET", path: connPath,
			status: 409, respType: jsonType, respBody: `{}`,
			wantOperation: "getConnection", wantKind: "response", wantMessage: "status 409 is not declared for getConnection", wantRequests: 1},
		{name: "JSON served as text/plain", opts: both, method: "GET", path: connPath,
			status: 200, respBody: connectionJSON(""),
			wantOperation: "getConnection", wantKind: "response", wantMessage: "text/plain", wantRequests: 1, wantResponses: 1},
		{name: "success on a route the API lacks", opts: HandlerOptions{CheckResponses: true}, method: "GET", path: "/v1/connections/" + connectionID + "/history",
			status: 200, respType: jsonType, respBody: `{}`,
			wantKind: "response", wantMessage: "declares no operation for GET /connections/" + connectionID + "/history"},
		{name: "not found on a route the API lacks", opts: HandlerOptions{CheckResponses: true}, method: "GET", path: "/v1/nothing",
			status: 404, respType: jsonType, respBody: `{}`},

		// Non-conformant requests.
		{name: "patch with unknown status", opts: both, method: "PATCH", path: connPath,
			reqType: jsonType, reqBody: `{"status":"paused"}`,
			status: 200, respType: jsonType, respBody: connectionJSON(""),
			wantOperation: "patchConnection", wantKind: "request", wantMessage: "$.status: value must be one of", wantRequests: 1, wantResponses: 1},
		{name: "create connection without sourceId", opts: both, method: "POST", path: "/api/public/v1/connections",
			reqType: jsonType, reqBody: `{"destinationId":"` + destinationID + `"}`,
			status: 200, respType: jsonType, respBody: connectionJSON(""),
			wantOperation: "createConnection", wantKind: "request", wantMessage: "'sourceId'", wantRequests: 1, wantResponses: 1},
		{name: "query parameter of the wrong type", opts: both, method: "GET", path: "/v1/jobs?limit=many",
			status: 200, respType: jsonType, respBody: `{"data":[]}`,
			wantOperation: "listJobs", wantKind: "request", wantMessage: "limit", wantRequests: 1, wantResponses: 1},
		{name: "config API request without connectionId", opts: both, method: "POST", path: "/api/v1/state/get",
			reqType: jsonType, reqBody: `{}`,
			status: 200, respType: jsonType, respBody: `{"stateType":"not_set","connectionId":"` + connectionID + `"}`,
			wantOperation: "getState", wantKind: "request", wantMessage: "'connectionId'", wantRequests: 1, wantResponses: 1},
		{name: "hand-made bad request rejected by the server", opts: HandlerOptions{CheckRequestsIf2xx: true}, method: "PATCH", path: connPath,
			reqType: jsonType, reqBody: `{"status":"paused"}`,
			status: 422, respType: jsonType, respBody: `{"errorId":"0b4d3c6a-1d0e-4a55-9a1e-5a2f3f8f0d11"}`,
			wantOperation: "patchConnection", wantRequests: 1},
		{name: "hand-made bad request accepted by the server", opts: HandlerOptions{CheckRequestsIf2xx: true}, method: "PATCH", path: connPath,
			reqType: jsonType, reqBody: `{"status":"paused"}`,
			status: 200, respType: jsonType, respBody: connectionJSON(""),
			wantOperation: "patchConnection", wantKind: "request", wantMessage: "$.status", wantRequests: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := testRecorder(t)
			h := rec.Handler(canned(tc.status, tc.respType, tc.respBody), tc.opts)
			if got := send(t, h, tc.method, tc.path, tc.reqType, tc.reqBody); got != tc.status {
				t.Errorf("client saw status %d, want %d", got, tc.status)
			}
			s := rec.Summary()
			for _, v := range s.Violations {
				t.Logf("%s", v)
			}
			switch {
			case tc.wantKind == "" && len(s.Violations) > 0:
				t.Errorf("got %d violations, want none", len(s.Violations))
			case tc.wantKind != "":
				if len(s.Violations) != 1 {
					t.Fatalf("got %d violations, want 1 %s violation", len(s.Violations), tc.wantKind)
				}
				v := s.Violations[0]
				if v.Kind != tc.wantKind || v.Operation != tc.wantOperation || v.Status != tc.status || v.Method != tc.method {
					t.Errorf("violation %+v, want kind %q operation %q status %d", v, tc.wantKind, tc.wantOperation, tc.status)
				}
				if joined := strings.Join(v.Messages, "\n"); !strings.Contains(joined, tc.wantMessage) {
					t.Errorf("messages %q do not mention %q", joined, tc.wantMessage)
				}
			}
			tolerated := 0
			for _, n := range s.Tolerated {
				tolerated += n
			}
			if s.Requests != tc.wantRequests || s.Responses != tc.wantResponses || tolerated != tc.wantTolerated || s.Skipped != tc.wantSkipped {
				t.Errorf("counted requests=%d responses=%d tolerated=%d skipped=%d, want %d %d %d %d",
					s.Requests, s.Responses, tolerated, s.Skipped, tc.wantRequests, tc.wantResponses, tc.wantTolerated, tc.wantSkipped)
			}
			if tc.wantOperation != "" && tc.wantSkipped == 0 && s.Operations[tc.wantOperation] != 1 {
				t.Errorf("operations %v, want %s counted once", s.Operations, tc.wantOperation)
			}
		})
	}
}

func TestHandlerPassesTrafficThrough(t *testing.T) {
	rec := testRecorder(t)
	var gotBody string
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("Content-Type", jsonType)
		w.Header().Set("X-Test", "kept")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, connectionJSON(""))
	})
	h := rec.Handler(next, HandlerOptions{CheckRequests: true, CheckResponses: true})
	reqBody := `{"status":"inactive"}`
	req := httptest.NewRequest(http.MethodPatch, "/v1/connections/"+connectionID, strings.NewReader(reqBody))
	req.Header.Set("Content-Type", jsonType)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if gotBody != reqBody {
		t.Errorf("wrapped handler read body %q, want %q", gotBody, reqBody)
	}
	if w.Code != 200 || w.Header().Get("X-Test") != "kept" || w.Body.String() != connectionJSON("") {
		t.Errorf("client got %d %v %q", w.Code, w.Header(), w.Body.String())
	}
}

func TestHandlerConcurrent(t *testing.T) {
	rec := testRecorder(t)
	h := rec.Handler(canned(200, jsonType, connectionJSON("")), HandlerOptions{CheckRequests: true, CheckResponses: true})
	srv := httptest.NewServer(h)
	defer srv.Close()
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			path := "/v1/connections/" + connectionID
			if i%2 == 0 {
				path = "/api/public/v1/connections/" + connectionID
			}
			resp, err := srv.Client().Get(srv.URL + path)
			if err != nil {
				t.Error(err)
				return
			}
			_ = resp.Body.Close()
		})
	}
	wg.Wait()
	if want := fmt.Sprintf("conformance: requests=%d responses=%d violations=0", n, n); rec.Line() != want {
		t.Errorf("Line() = %q, want %q", rec.Line(), want)
	}
}

func TestLineFormat(t *testing.T) {
	rec := testRecorder(t)
	if got, want := rec.Line(), "conformance: requests=0 responses=0 violations=0"; got != want {
		t.Errorf("Line() = %q, want %q", got, want)
	}
	h := rec.Handler(canned(200, jsonType, connectionJSON("tags")), HandlerOptions{CheckRequests: true, CheckResponses: true})
	send(t, h, "GET", "/v1/connections/"+connectionID, "", "")
	send(t, h, "GET", "/v1/connections/"+connectionID, "", "")
	if got, want := rec.Line(), "conformance: requests=2 responses=2 violations=2"; got != want {
		t.Errorf("Line() = %q, want %q", got, want)
	}
	if !regexp.MustCompile(`^conformance: requests=\d+ responses=\d+ violations=\d+$`).MatchString(rec.Line()) {
		t.Errorf("Line() = %q has the wrong shape", rec.Line())
	}
}

type markerHandler struct{}

func (*markerHandler) ServeHTTP(http.ResponseWriter, *http.Request) {}

func TestWrapIsIdentityWhenDisabled(t *testing.T) {
	h := &markerHandler{}
	if got := Wrap(h); got != http.Handler(h) {
		t.Errorf("Wrap returned %T %p, want the handler itself", got, got)
	}
}

func TestRunSkipsWithoutDocuments(t *testing.T) {
	t.Setenv(PublicSpecEnv, "")
	t.Setenv(ConfigSpecEnv, missingPath("missing.yaml"))
	var out bytes.Buffer
	ran := false
	code := run(func() int {
		ran = true
		if got := Wrap(&markerHandler{}); got == nil {
			t.Error("Wrap returned nil")
		}
		return 0
	}, &out, HandlerOptions{CheckResponses: true}, []string{"getConnection"}, "")
	if !ran || code != 0 {
		t.Errorf("ran=%v code=%d, want the tests run and code 0", ran, code)
	}
	if got := out.String(); got != skippedLine+"\n" {
		t.Errorf("printed %q, want the skip line", got)
	}
}

func missingPath(name string) string { return "/nonexistent-conformance-test-dir/" + name }

func TestRunReports(t *testing.T) {
	testRecorder(t) // skips without the documents
	tests := []struct {
		name      string
		status    int
		body      string
		testsCode int
		require   []string
		wantCode  int
		wantLines []string
	}{
		{name: "clean", status: 200, body: connectionJSON(""), require: []string{"getConnection"}, wantCode: 0,
			wantLines: []string{"conformance: requests=1 responses=1 violations=0"}},
		{name: "violation", status: 200, body: connectionJSON("tags"), wantCode: 1,
			wantLines: []string{"conformance: requests=1 responses=1 violations=1", "conformance: violation 1: response GET", "'tags'"}},
		{name: "operation never exercised", status: 200, body: connectionJSON(""), require: []string{"getConnection", "createJob"}, wantCode: 1,
			wantLines: []string{"operations never exercised: [createJob]"}},
		{name: "tests failed", status: 200, body: connectionJSON(""), testsCode: 3, wantCode: 3},
		{name: "tolerated statuses are listed", status: 401, body: `{"errorId":"x"}`, wantCode: 0,
			wantLines: []string{"conformance: requests=1 responses=0 violations=0", `"getConnection 401"×1`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			reportFile := filepath.Join(t.TempDir(), "report")
			code := run(func() int {
				h := Wrap(canned(tc.status, jsonType, tc.body))
				send(t, h, "GET", "/v1/connections/"+connectionID, "", "")
				return tc.testsCode
			}, &out, HandlerOptions{CheckRequests: true, CheckResponses: true}, tc.require, reportFile)
			if len(tc.wantLines) > 0 && strings.HasPrefix(tc.wantLines[0], "conformance: requests=") {
				if b, err := os.ReadFile(reportFile); err != nil || !strings.HasPrefix(string(b), tc.wantLines[0]+" package=") {
					t.Errorf("report file holds %q (%v), want it to start with %q", b, err, tc.wantLines[0])
				}
			}
			t.Log(out.String())
			if code != tc.wantCode {
				t.Errorf("code %d, want %d", code, tc.wantCode)
			}
			for _, l := range tc.wantLines {
				if !strings.Contains(out.String(), l) {
					t.Errorf("output does not contain %q", l)
				}
			}
			if h := (&markerHandler{}); Wrap(h) != http.Handler(h) {
				t.Error("Wrap still wraps after Run returned")
			}
		})
	}
}

func TestConfigDocumentIsReduced(t *testing.T) {
	rec := testRecorder(t)
	var ids []string
	for _, op := range rec.config.operations {
		ids = append(ids, op.id)
	}
	if len(ids) != len(configOperations) {
		t.Errorf("Config API operations %v, want one for each of %v only", ids, configOperations)
	}
	t.Logf("documents loaded in %s", loadedTime)
}

func TestRouteMapping(t *testing.T) {
	rec := testRecorder(t)
	tests := []struct {
		method, path string
		wantDoc      *apiDocument
		wantOp       string
	}{
		{"GET", "/v1/connections", rec.public, "listConnections"},
		{"GET", "/api/public/v1/connections/" + connectionID, rec.public, "getConnection"},
		{"POST", "/v1/applications/token", rec.public, "createAccessToken"},
		{"GET", "/v1/applications/abc", rec.public, "getApplication"},
		{"DELETE", "/api/public/v1/jobs/12", rec.public, "cancelJob"},
		{"POST", "/api/v1/state/get", rec.config, "getState"},
		{"POST", "/api/v1/web_backend/connections/get", rec.config, "webBackendGetConnection"},
		{"POST", "/api/v1/jobs/get", rec.config, "getJobInfo"},
		{"POST", "/api/v1/connections/get", rec.config, "getConnection"},
		{"POST", "/api/v1/jobs/list", rec.config, ""}, // not kept from config.yaml
		{"PUT", "/v1/connections/" + connectionID, rec.public, ""},
		{"GET", "/elsewhere", nil, ""},
	}
	for _, tc := range tests {
		ex := rec.newExchange(httptest.NewRequest(tc.method, tc.path, nil), nil)
		got := ""
		if ex.op != nil {
			got = ex.op.id
		}
		if ex.doc != tc.wantDoc || got != tc.wantOp {
			t.Errorf("%s %s → %v %q, want %v %q", tc.method, tc.path, ex.doc, got, tc.wantDoc, tc.wantOp)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	testRecorder(b)
	for b.Loop() {
		if _, err := New(os.Getenv(PublicSpecEnv), os.Getenv(ConfigSpecEnv)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExchange measures validating one request and its response.
func BenchmarkExchange(b *testing.B) {
	rec := testRecorder(b)
	cases := []struct {
		name, method, path, reqBody, respBody string
	}{
		{"getConnection", "GET", "/v1/connections/" + connectionID, "", connectionJSON("")},
		{"createConnection", "POST", "/v1/connections", `{"name":"c","sourceId":"` + sourceID + `","destinationId":"` + destinationID + `"}`, connectionJSON("")},
		{"webBackendGetConnection", "POST", "/api/v1/web_backend/connections/get", `{"connectionId":"` + connectionID + `"}`, webBackendConnectionJSON},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			h := rec.Handler(canned(200, jsonType, c.respBody), HandlerOptions{CheckRequests: true, CheckResponses: true})
			for b.Loop() {
				send(b, h, c.method, c.path, jsonType, c.reqBody)
			}
			if n := len(rec.Summary().Violations); n > 0 {
				b.Fatalf("%d violations: %v", n, rec.Summary().Violations[0])
			}
		})
	}
}
